#include "common/clock.h"

#include <gtest/gtest.h>

namespace kumo {
namespace {

TEST(ClockTest, FormatsAwsDates) {
  const int64_t t = 1440938160000;  // 2015-08-30T12:36:00Z
  EXPECT_EQ(FormatIso8601(t), "2015-08-30T12:36:00Z");
  EXPECT_EQ(FormatIso8601(t + 5, true), "2015-08-30T12:36:00.005Z");
  EXPECT_EQ(FormatAmzDate(t), "20150830T123600Z");
  EXPECT_EQ(FormatHttpDate(t), "Sun, 30 Aug 2015 12:36:00 GMT");
}

TEST(ClockTest, ParsesAmzDateAndRejectsMalformed) {
  EXPECT_EQ(ParseAmzDate("20150830T123600Z"), 1440938160000);
  EXPECT_EQ(ParseAmzDate("20150830T123600"), -1);
  EXPECT_EQ(ParseAmzDate("2015083XT123600Z"), -1);
  EXPECT_EQ(ParseAmzDate("20151330T123600Z"), -1);
}

TEST(ClockTest, ManualClockMovesOnlyWhenTold) {
  ManualClock clock(1000);
  EXPECT_EQ(clock.NowMillis(), 1000);
  clock.AdvanceMillis(500);
  EXPECT_EQ(clock.NowMillis(), 1500);
}

}  // namespace
}  // namespace kumo
