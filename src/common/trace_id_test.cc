#include "common/trace_id.h"

#include <gtest/gtest.h>

#include <regex>

namespace kumo {
namespace {

TEST(TraceIdTest, NewRootsCarryTheTimeAndDiffer) {
  const std::string root = NewTraceRoot(1700000000000);
  EXPECT_TRUE(std::regex_match(root, std::regex("1-6553f100-[0-9a-f]{24}"))) << root;
  EXPECT_TRUE(IsTraceRoot(root));
  EXPECT_NE(NewTraceRoot(1700000000000), root);
}

TEST(TraceIdTest, MalformedRootsAreRefused) {
  EXPECT_TRUE(IsTraceRoot("1-5759e988-bd862e3fe1be46a994272793"));
  for (const char* bad :
       {"", "1-xyz", "2-5759e988-bd862e3fe1be46a994272793", "1-5759E988-bd862e3fe1be46a994272793",
        "1-5759e988-bd862e3fe1be46a99427279", "1-5759e988_bd862e3fe1be46a994272793"}) {
    EXPECT_FALSE(IsTraceRoot(bad)) << bad;
  }
}

}  // namespace
}  // namespace kumo
