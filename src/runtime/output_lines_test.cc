// Function output becomes one log event per line, as Lambda writes it.
#include "runtime/output_lines.h"

#include <gtest/gtest.h>

namespace kumo::runtime {
namespace {

std::vector<std::string> Messages(OutputLines& lines) {
  std::vector<std::string> out;
  for (LogEvent& e : lines.Take()) out.push_back(std::move(e.message));
  return out;
}

TEST(OutputLinesTest, OneEventPerLineWithItsNewline) {
  OutputLines lines;
  lines.Feed("a\nbb\n", 10);
  std::vector<LogEvent> events = lines.Take();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].message, "a\n");
  EXPECT_EQ(events[1].message, "bb\n");
  EXPECT_EQ(events[0].timestamp, 10);
}

TEST(OutputLinesTest, PartialLineWaitsForItsNewlineAndKeepsItsStartTime) {
  OutputLines lines;
  lines.Feed("hel", 1);
  EXPECT_TRUE(lines.empty());
  lines.Feed("lo\nwor", 2);
  std::vector<LogEvent> events = lines.Take();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].message, "hello\n");
  EXPECT_EQ(events[0].timestamp, 1);
  lines.Flush();
  EXPECT_EQ(Messages(lines), std::vector<std::string>{"wor"});
}

TEST(OutputLinesTest, CarriageReturnsStayInOneEvent) {
  OutputLines lines;
  lines.Feed("trace\rline 2\n", 1);
  EXPECT_EQ(Messages(lines), std::vector<std::string>{"trace\rline 2\n"});
}

TEST(OutputLinesTest, LongLinesSplitAtTheEventLimit) {
  OutputLines lines;
  std::string big(OutputLines::kMaxEventBytes + 10, 'x');
  lines.Feed(big + "\n", 1);
  std::vector<std::string> m = Messages(lines);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].size(), OutputLines::kMaxEventBytes);
  EXPECT_EQ(m[1], std::string(10, 'x') + "\n");
}

TEST(OutputLinesTest, PlatformLinesInterleaveInOrder) {
  OutputLines lines;
  lines.Add("START\n", 1);
  lines.Feed("out\n", 2);
  lines.Add("END\n", 3);
  EXPECT_EQ(lines.bytes(), 14u);
  EXPECT_EQ(Messages(lines), (std::vector<std::string>{"START\n", "out\n", "END\n"}));
  EXPECT_EQ(lines.bytes(), 0u);
}

TEST(LogTailTest, KeepsTheLastFourKilobytes) {
  LogTail tail;
  tail.Append("head\n");
  EXPECT_EQ(tail.View(), "head\n");
  for (int i = 0; i < 3000; ++i) tail.Append("0123456789");
  EXPECT_EQ(tail.View().size(), LogTail::kTailBytes);
  tail.Append("END");
  EXPECT_TRUE(tail.View().ends_with("789END"));
  EXPECT_EQ(tail.View().size(), LogTail::kTailBytes);
  tail.Append(std::string(5000, 'y'));
  EXPECT_EQ(tail.View(), std::string(LogTail::kTailBytes, 'y'));
  tail.Clear();
  EXPECT_EQ(tail.View(), "");
}

}  // namespace
}  // namespace kumo::runtime
