// LogStoreSink: the engine's log events land in CloudWatch Logs' store,
// creating /aws/lambda/NAME and the stream on first use.
#include "runtime/log_store_sink.h"

#include <gtest/gtest.h>

#include "runtime/runtime_test_util.h"
#include "storage/store.h"

namespace kumo::runtime {
namespace {

TEST(LogStoreSinkTest, AppendsEventsInOrderToANewGroupAndStream) {
  storage::Options options;
  options.in_memory = true;
  Result<std::unique_ptr<storage::Store>> store = storage::Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.error().message;
  Result<std::unique_ptr<logs::LogStore>> log_store = logs::LogStore::Open(**store);
  ASSERT_TRUE(log_store.ok()) << log_store.error().message;
  {
    LogStoreSink sink(**log_store);
    sink.Append("us-east-1", "/aws/lambda/fn", "2024/01/15/[$LATEST]ab",
                {{1000, "START RequestId: x Version: $LATEST\n"}, {1001, "hello\n"}});
    const logs::GroupRef group{"us-east-1", "/aws/lambda/fn"};
    std::vector<logs::StoredEvent> events;
    ASSERT_TRUE(testing::WaitUntil([&] {
      auto got = (*log_store)->GetEvents(group, "2024/01/15/[$LATEST]ab", logs::EventQuery{});
      if (got.ok()) events = *got;
      return events.size() == 2;
    }));
    EXPECT_EQ(events[0].message, "START RequestId: x Version: $LATEST\n");
    EXPECT_EQ(events[0].timestamp, 1000);
    EXPECT_EQ(events[1].message, "hello\n");
  }
  log_store->reset();
  IgnoreError((*store)->Close());  // teardown: nothing to report to
}

}  // namespace
}  // namespace kumo::runtime
