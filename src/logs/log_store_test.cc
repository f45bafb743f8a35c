// LogStore: metadata, the append path, reads in both directions, filtering
// across streams, retention, listeners, and reopening.
#include "logs/log_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "logs/test_util.h"

namespace kumo::logs {
namespace {

using testing::ErrorOf;
using testing::kNow;
using testing::Sync;

std::vector<std::string> Messages(const std::vector<StoredEvent>& events) {
  std::vector<std::string> out;
  for (const StoredEvent& event : events) out.push_back(event.message);
  return out;
}

std::vector<std::string> Messages(const FilterPage& page) {
  std::vector<std::string> out;
  for (const FilteredEvent& found : page.events)
    out.push_back(found.stream + ":" + found.event.message);
  return out;
}

class LogStoreTest : public testing::LogsFixture {
 protected:
  // Every key of the family, to check what deletions left behind.
  size_t CountKeys() {
    Result<storage::Family> family = store_->OpenFamily("logs");
    EXPECT_TRUE(family.ok());
    std::unique_ptr<storage::Iterator> it = store_->NewIterator(*family);
    size_t count = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++count;
    return count;
  }
  std::vector<StoredEvent> All(const GroupRef& group, std::string_view stream) {
    EventQuery query;
    query.from_head = true;
    Result<std::vector<StoredEvent>> events = logs_->GetEvents(group, stream, query);
    EXPECT_TRUE(events.ok()) << (events.ok() ? "" : events.error().message);
    return events.ok() ? *events : std::vector<StoredEvent>();
  }
};

TEST_F(LogStoreTest, CreateDescribeAndDeleteGroupsWithAwsErrors) {
  GroupRef group = Group("/app/web");
  ASSERT_TRUE(CreateGroup(group).ok());
  Status again = CreateGroup(group);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "ResourceAlreadyExistsException");
  EXPECT_EQ(again.error().http_status, 400);

  Result<LogGroupInfo> info = logs_->DescribeGroup(group);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->arn, "arn:aws:logs:us-east-1:000000000000:log-group:/app/web");
  EXPECT_EQ(info->creation_time, kNow);
  EXPECT_EQ(info->log_group_class, "STANDARD");
  EXPECT_FALSE(info->retention_in_days.has_value());

  Result<LogGroupInfo> other_region = logs_->DescribeGroup(Group("/app/web", "eu-west-1"));
  EXPECT_EQ(ErrorOf(other_region), "The specified log group does not exist.");

  ASSERT_TRUE(Append(group, "s", {{kNow, "hello"}}).ok());
  ASSERT_TRUE(Sync([&](Done done) { logs_->DeleteGroup(group, std::move(done)); }).ok());
  EXPECT_EQ(ErrorOf(logs_->DescribeGroup(group)), "The specified log group does not exist.");
  EXPECT_EQ(CountKeys(), 1u) << "only the sequence high-water mark may remain";
  Status missing = Sync([&](Done done) { logs_->DeleteGroup(group, std::move(done)); });
  EXPECT_EQ(missing.error().code, "ResourceNotFoundException");
}

TEST_F(LogStoreTest, StreamsNeedTheirGroupAndAreUnique) {
  GroupRef group = Group("g");
  EXPECT_EQ(ErrorOf(CreateStream(group, "s")), "The specified log group does not exist.");
  ASSERT_TRUE(CreateGroup(group).ok());
  ASSERT_TRUE(CreateStream(group, "s").ok());
  EXPECT_EQ(ErrorOf(CreateStream(group, "s")), "The specified log stream already exists");
  Status put = Sync([&](Done done) { logs_->Put(group, "nope", {{kNow, "x"}}, std::move(done)); });
  EXPECT_EQ(ErrorOf(put), "The specified log stream does not exist.");
  Status put_group = Sync([&](Done done) {
    logs_->Put(Group("none"), "s", {{kNow, "x"}}, std::move(done));
  });
  EXPECT_EQ(ErrorOf(put_group), "The specified log group does not exist.");

  ASSERT_TRUE(Append(group, "s", {{kNow, "a"}}).ok());
  ASSERT_TRUE(Sync([&](Done done) { logs_->DeleteStream(group, "s", std::move(done)); }).ok());
  EXPECT_EQ(ErrorOf(logs_->GetEvents(group, "s", {})), "The specified log stream does not exist.");
  ASSERT_TRUE(CreateStream(group, "s").ok());
  EXPECT_TRUE(All(group, "s").empty()) << "a recreated stream must not see the old events";
}

TEST_F(LogStoreTest, AppendCreatesGroupAndStreamAndOrdersByTimestampThenArrival) {
  GroupRef group = Group("/aws/lambda/fn");
  ASSERT_TRUE(
      Append(group, "env1", {{kNow + 20, "late"}, {kNow + 10, "first"}, {kNow + 10, "second"}})
          .ok());
  ASSERT_TRUE(Append(group, "env1", {{kNow + 10, "third"}}).ok());
  EXPECT_EQ(Messages(All(group, "env1")),
            (std::vector<std::string>{"first", "second", "third", "late"}));

  Result<std::vector<LogStreamInfo>> streams = logs_->ListStreams(group);
  ASSERT_TRUE(streams.ok());
  ASSERT_EQ(streams->size(), 1u);
  const LogStreamInfo& stream = (*streams)[0];
  EXPECT_EQ(stream.first_event_timestamp, kNow + 10);
  EXPECT_EQ(stream.last_event_timestamp, kNow + 20);
  EXPECT_EQ(stream.last_ingestion_time, kNow);
  EXPECT_EQ(stream.stored_bytes, 4 + 5 + 6 + 5);
  EXPECT_EQ(stream.arn,
            "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/fn:log-stream:env1");
  EXPECT_EQ(logs_->DescribeGroup(group)->stored_bytes, 20);
}

// A function may print bytes that are not UTF-8; the stream stays text that
// every later read can carry as JSON.
TEST_F(LogStoreTest, MessagesThatAreNotUtf8AreStoredWithReplacementCharacters) {
  GroupRef group = Group("/aws/lambda/fn");
  ASSERT_TRUE(Append(group, "s", {{kNow, "path /\xff ok"}, {kNow, "caf\xC3\xA9"}}).ok());
  EXPECT_EQ(Messages(All(group, "s")),
            (std::vector<std::string>{"path /\xEF\xBF\xBD ok", "caf\xC3\xA9"}));
}

TEST_F(LogStoreTest, AppendDoesNotWaitForDurabilityAndManyWritersKeepEveryEvent) {
  GroupRef group = Group("/aws/lambda/busy");
  constexpr int kThreads = 4, kPerThread = 200;
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        logs_->Append(group, "s" + std::to_string(t), {{kNow + i, "m"}}, [&](Status status) {
          if (status.ok()) ++acknowledged;
        });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < 1000 && acknowledged < kThreads * kPerThread; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // bounded poll for the callbacks
  }
  ASSERT_EQ(acknowledged, kThreads * kPerThread);
  FilterQuery query;
  Result<FilterPage> page = logs_->FilterEvents(group, query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->events.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST_F(LogStoreTest, ReopenKeepsMetadataAndNeverReusesSequenceNumbers) {
  GroupRef group = Group("g");
  ASSERT_TRUE(Sync([&](Done done) {
                logs_->CreateGroup(group, {{"team", "a"}}, "INFREQUENT_ACCESS", std::move(done));
              }).ok());
  ASSERT_TRUE(Sync([&](Done done) { logs_->SetRetention(group, 30, std::move(done)); }).ok());
  ASSERT_TRUE(Append(group, "s", {{kNow, "before"}}).ok());
  Reopen();
  Result<LogGroupInfo> info = logs_->DescribeGroup(group);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->retention_in_days, 30);
  EXPECT_EQ(info->log_group_class, "INFREQUENT_ACCESS");
  EXPECT_EQ(info->tags, (Tags{{"team", "a"}}));
  EXPECT_EQ(info->stored_bytes, 6);
  // Same timestamp after the restart: a reused sequence would overwrite "before".
  ASSERT_TRUE(Append(group, "s", {{kNow, "after"}}).ok());
  EXPECT_EQ(Messages(All(group, "s")), (std::vector<std::string>{"before", "after"}));
}

TEST_F(LogStoreTest, GetEventsPagesForwardAndBackwardWithinTimeBounds) {
  GroupRef group = Group("g");
  std::vector<LogEvent> events;
  for (int i = 0; i < 10; ++i) events.push_back({kNow + i, "e" + std::to_string(i)});
  ASSERT_TRUE(Append(group, "s", events).ok());

  EventQuery head;
  head.from_head = true;
  head.limit = 4;
  Result<std::vector<StoredEvent>> page = logs_->GetEvents(group, "s", head);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Messages(*page), (std::vector<std::string>{"e0", "e1", "e2", "e3"}));
  head.cursor = page->back().position();
  EXPECT_EQ(Messages(logs_->GetEvents(group, "s", head).value()),
            (std::vector<std::string>{"e4", "e5", "e6", "e7"}));

  EventQuery tail;  // newest first: the last `limit`, still oldest first in the page
  tail.limit = 3;
  page = logs_->GetEvents(group, "s", tail);
  EXPECT_EQ(Messages(*page), (std::vector<std::string>{"e7", "e8", "e9"}));
  tail.cursor = page->front().position();
  EXPECT_EQ(Messages(logs_->GetEvents(group, "s", tail).value()),
            (std::vector<std::string>{"e4", "e5", "e6"}));

  EventQuery bounded;  // startTime inclusive, endTime exclusive
  bounded.from_head = true;
  bounded.start_time = kNow + 2;
  bounded.end_time = kNow + 5;
  EXPECT_EQ(Messages(logs_->GetEvents(group, "s", bounded).value()),
            (std::vector<std::string>{"e2", "e3", "e4"}));
  bounded.from_head = false;
  bounded.cursor = EventPosition{kNow + 3, 0};
  EXPECT_EQ(Messages(logs_->GetEvents(group, "s", bounded).value()),
            (std::vector<std::string>{"e2"}));
  bounded.cursor = EventPosition{kNow, 0};
  EXPECT_TRUE(logs_->GetEvents(group, "s", bounded)->empty());

  EventQuery small;  // the byte budget counts 26 bytes per event, and returns at least one
  small.from_head = true;
  small.max_bytes = 2 * (2 + 26);
  EXPECT_EQ(logs_->GetEvents(group, "s", small)->size(), 2u);
  small.max_bytes = 1;
  EXPECT_EQ(logs_->GetEvents(group, "s", small)->size(), 1u);
}

TEST_F(LogStoreTest, FilterEventsInterleavesStreamsAndResumesAfterTheLastEvent) {
  GroupRef group = Group("g");
  ASSERT_TRUE(
      Append(group, "a", {{kNow + 1, "a1 ERROR"}, {kNow + 3, "a3"}, {kNow + 5, "a5 ERROR"}}).ok());
  ASSERT_TRUE(Append(group, "b", {{kNow + 2, "b2 ERROR"}, {kNow + 3, "b3 ERROR"}}).ok());
  ASSERT_TRUE(Append(group, "other", {{kNow + 4, "o4 ERROR"}}).ok());

  FilterQuery query;
  Result<FilterPage> page = logs_->FilterEvents(group, query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Messages(*page),
            (std::vector<std::string>{"a:a1 ERROR", "b:b2 ERROR", "a:a3", "b:b3 ERROR",
                                      "other:o4 ERROR", "a:a5 ERROR"}));
  EXPECT_FALSE(page->more);

  query.match = [](std::string_view message) {
    return message.find("ERROR") != std::string_view::npos;
  };
  query.limit = 2;
  page = logs_->FilterEvents(group, query);
  EXPECT_EQ(Messages(*page), (std::vector<std::string>{"a:a1 ERROR", "b:b2 ERROR"}));
  EXPECT_TRUE(page->more);
  query.after = page->events.back().event.position();
  page = logs_->FilterEvents(group, query);
  EXPECT_EQ(Messages(*page), (std::vector<std::string>{"b:b3 ERROR", "other:o4 ERROR"}));
  EXPECT_TRUE(page->more);
  query.after = page->events.back().event.position();
  page = logs_->FilterEvents(group, query);
  EXPECT_EQ(Messages(*page), (std::vector<std::string>{"a:a5 ERROR"}));
  EXPECT_FALSE(page->more) << "no further match: no next page";

  FilterQuery some;  // stream names, a prefix, and an inclusive end time
  some.stream_names = {"b", "other"};
  some.end_time = kNow + 3;
  EXPECT_EQ(Messages(logs_->FilterEvents(group, some).value()),
            (std::vector<std::string>{"b:b2 ERROR", "b:b3 ERROR"}));
  FilterQuery prefixed;
  prefixed.stream_prefix = "o";
  prefixed.start_time = kNow + 4;
  EXPECT_EQ(Messages(logs_->FilterEvents(group, prefixed).value()),
            (std::vector<std::string>{"other:o4 ERROR"}));
}

TEST_F(LogStoreTest, ListGroupsPagesByNameWithinARegion) {
  for (std::string name : {"/b", "/a/2", "/a/1", "/c"}) ASSERT_TRUE(CreateGroup(Group(name)).ok());
  ASSERT_TRUE(CreateGroup(Group("/a/0", "eu-west-1")).ok());
  GroupPage page = logs_->ListGroups("us-east-1", "/a", "", 1);
  ASSERT_EQ(page.groups.size(), 1u);
  EXPECT_EQ(page.groups[0].name, "/a/1");
  EXPECT_TRUE(page.more);
  page = logs_->ListGroups("us-east-1", "/a", "/a/1", 5);
  ASSERT_EQ(page.groups.size(), 1u);
  EXPECT_EQ(page.groups[0].name, "/a/2");
  EXPECT_FALSE(page.more);
  page = logs_->ListGroups("us-east-1", "", "", 10,
                           [](const LogGroupInfo& g) { return g.name != "/b"; });
  ASSERT_EQ(page.groups.size(), 3u);
  EXPECT_EQ(page.groups[2].name, "/c");
  EXPECT_EQ(logs_->ListGroups("eu-west-1", "", "", 10).groups.size(), 1u);
}

TEST_F(LogStoreTest, TagsMergeRemoveAndStopAtFifty) {
  GroupRef group = Group("g");
  ASSERT_TRUE(CreateGroup(group).ok());
  ASSERT_TRUE(Sync([&](Done done) {
                logs_->TagGroup(group, {{"a", "1"}, {"b", "2"}}, std::move(done));
              }).ok());
  ASSERT_TRUE(Sync([&](Done done) {
                logs_->UntagGroup(group, {"a", "absent"}, std::move(done));
              }).ok());
  EXPECT_EQ(logs_->DescribeGroup(group)->tags, (Tags{{"b", "2"}}));
  Tags many;
  for (int i = 0; i < 50; ++i) many["k" + std::to_string(i)] = "v";
  Status too_many = Sync([&](Done done) { logs_->TagGroup(group, many, std::move(done)); });
  EXPECT_EQ(too_many.error().code, "TooManyTagsException");
  EXPECT_EQ(logs_->DescribeGroup(group)->tags.size(), 1u) << "a rejected change changes nothing";
}

TEST_F(LogStoreTest, RetentionHidesOldEventsAndTheSweepDeletesThem) {
  GroupRef group = Group("g");
  ASSERT_TRUE(Append(group, "s", {{kNow - 3 * 86400000LL, "old"}, {kNow - 1000, "new"}}).ok());
  ASSERT_TRUE(Sync([&](Done done) { logs_->SetRetention(group, 1, std::move(done)); }).ok());
  EXPECT_EQ(Messages(All(group, "s")), (std::vector<std::string>{"new"}))
      << "skipped on read before any sweep";
  EXPECT_EQ(logs_->FilterEvents(group, {})->events.size(), 1u);
  size_t keys_before = CountKeys();
  ASSERT_TRUE(logs_->SweepRetention().ok());
  EXPECT_EQ(CountKeys(), keys_before - 1);
  EXPECT_EQ(logs_->DescribeGroup(group)->stored_bytes, 3);
  // Without the policy, nothing old comes back: it is gone, not hidden.
  ASSERT_TRUE(
      Sync([&](Done done) { logs_->SetRetention(group, std::nullopt, std::move(done)); }).ok());
  EXPECT_EQ(Messages(All(group, "s")), (std::vector<std::string>{"new"}));
}

TEST_F(LogStoreTest, SweepThreadRunsOnItsInterval) {
  Reopen(std::chrono::milliseconds(10));
  GroupRef group = Group("g");
  ASSERT_TRUE(Append(group, "s", {{kNow - 10 * 86400000LL, "old"}}).ok());
  ASSERT_TRUE(Sync([&](Done done) { logs_->SetRetention(group, 5, std::move(done)); }).ok());
  for (int i = 0; i < 1000 && logs_->DescribeGroup(group)->stored_bytes != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // bounded poll for the sweep
  }
  EXPECT_EQ(logs_->DescribeGroup(group)->stored_bytes, 0);
}

TEST_F(LogStoreTest, ListenersSeeDurableBatchesOfTheirGroupUntilUnsubscribed) {
  GroupRef group = Group("/aws/lambda/f");
  std::mutex mu;
  std::vector<std::string> seen;
  uint64_t id = logs_->Subscribe(
      group, [&](const std::string& stream, const std::vector<StoredEvent>& events) {
        std::lock_guard lock(mu);
        for (const StoredEvent& event : events) seen.push_back(stream + ":" + event.message);
      });
  ASSERT_TRUE(Append(group, "s1", {{kNow, "one"}, {kNow, "two"}}).ok());
  ASSERT_TRUE(Append(Group("/aws/lambda/other"), "s1", {{kNow, "elsewhere"}}).ok());
  ASSERT_TRUE(Append(group, "s2", {{kNow, "three"}}).ok());
  logs_->Unsubscribe(id);
  ASSERT_TRUE(Append(group, "s1", {{kNow, "after"}}).ok());
  std::lock_guard lock(mu);
  EXPECT_EQ(seen, (std::vector<std::string>{"s1:one", "s1:two", "s2:three"}));
}

TEST_F(LogStoreTest, WritesAfterTheStoreClosedFailWithoutDeadlock) {
  GroupRef group = Group("g");
  ASSERT_TRUE(CreateGroup(group).ok());
  ASSERT_TRUE(store_->Close().ok());
  // The callback runs on this thread and calls back into the LogStore.
  bool reentered = false;
  Status status = Sync([&](Done done) {
    logs_->Append(group, "s", {{kNow, "x"}}, [&, done](Status s) {
      reentered = logs_->DescribeGroup(group).ok();
      done(s);
    });
  });
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(reentered);
  EXPECT_FALSE(logs_->GetEvents(group, "s", {}).ok());
}

}  // namespace
}  // namespace kumo::logs
