// StreamStore driven as the table write path drives it: ordering, gaps,
// visibility of late commits, listeners, disable, retention, restarts.
#include "tables/streams/stream_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tables/streams/stream_keys.h"
#include "tables/streams/test_util.h"

namespace kumo::tables::streams {
namespace {

using testing::I;
using testing::kDayMillis;
using testing::kNow;
using testing::Target;

class StreamStoreTest : public testing::StreamsFixture {};

std::vector<std::string> EventNames(const std::vector<boost::json::object>& records) {
  std::vector<std::string> names;
  for (const auto& r : records) names.emplace_back(r.at("eventName").as_string());
  return names;
}

Item Row(int sk, const std::string& v = "x") {
  return I(R"({"pk":{"S":"p"},"sk":{"N":")" + std::to_string(sk) + R"("},"v":{"S":")" + v +
           R"("}})");
}

TEST_F(StreamStoreTest, RecordsComeBackInWriteOrderWithIncreasingSequenceNumbers) {
  StreamTarget t = Target();
  streams_->StreamEnabled(t, kNow);
  Item a = Row(1, "a"), b = Row(1, "b");
  Write(t, ChangeKind::kInsert, nullptr, &a);
  Write(t, ChangeKind::kModify, &a, &b);
  Write(t, ChangeKind::kRemove, &b, nullptr);
  std::vector<boost::json::object> records = ReadAll(t);
  EXPECT_EQ(EventNames(records), (std::vector<std::string>{"INSERT", "MODIFY", "REMOVE"}));
  std::string previous;
  for (const auto& r : records) {
    std::string seq(r.at("dynamodb").at("SequenceNumber").as_string());
    EXPECT_GT(seq, previous);
    previous = seq;
  }
}

TEST_F(StreamStoreTest, AbortedWritesLeaveAGapAndNoRecord) {
  StreamTarget t = Target();
  streams_->StreamEnabled(t, kNow);
  Item a = Row(1), b = Row(2);
  uint64_t first = Put(t, a);
  storage::WriteBatch dropped;
  ItemChange change{ChangeKind::kInsert, nullptr, &b};
  Result<uint64_t> aborted = streams_->Record(dropped, t, change);
  ASSERT_TRUE(aborted.ok());
  streams_->Aborted(*aborted);
  uint64_t third = Put(t, b);
  EXPECT_EQ(third, first + 2) << "the aborted reservation's number is skipped, not reused";
  Result<RecordPage> page = streams_->ReadAfter(t.stream_arn, kTrimHorizon, 100);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 2u);
  EXPECT_EQ(page->records[0].sequence, first);
  EXPECT_EQ(page->records[1].sequence, third);
  EXPECT_EQ(page->position, third);
}

TEST_F(StreamStoreTest, ALaterRecordStaysHiddenUntilEveryEarlierOneSettles) {
  StreamTarget t = Target();
  streams_->StreamEnabled(t, kNow);
  Item a = Row(1), b = Row(2);
  storage::WriteBatch slow, fast;
  Result<uint64_t> first = streams_->Record(slow, t, {ChangeKind::kInsert, nullptr, &a});
  Result<uint64_t> second = streams_->Record(fast, t, {ChangeKind::kInsert, nullptr, &b});
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_TRUE(store_->Write(fast).ok());
  streams_->Committed(*second);
  EXPECT_TRUE(ReadAll(t).empty()) << "reading the second now would skip the first forever";
  Result<uint64_t> latest = streams_->StartPosition(t.stream_arn, PositionType::kLatest);
  ASSERT_TRUE(latest.ok());
  EXPECT_LT(*latest, *first) << "LATEST must not pass a record still in flight";

  // Written but never reported: the reader finds it in the Store.
  ASSERT_TRUE(store_->Write(slow).ok());
  std::vector<boost::json::object> records = ReadAll(t);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].at("dynamodb").at("SequenceNumber").as_string(), FormatSequence(*first));
}

TEST_F(StreamStoreTest, AbandonedReservationsStopHidingLaterRecords) {
  StreamTarget t = Target();
  streams_->StreamEnabled(t, kNow);
  Item a = Row(1), b = Row(2);
  storage::WriteBatch never;
  ASSERT_TRUE(streams_->Record(never, t, {ChangeKind::kInsert, nullptr, &a}).ok());
  Put(t, b);
  EXPECT_TRUE(ReadAll(t).empty());
  clock_.AdvanceMillis(31'000);
  EXPECT_EQ(ReadAll(t).size(), 1u);
}

TEST_F(StreamStoreTest, ListenersHearEachCommitUntilUnsubscribed) {
  StreamTarget t = Target();
  streams_->StreamEnabled(t, kNow);
  std::vector<std::pair<std::string, uint64_t>> heard;
  uint64_t id = streams_->Subscribe(
      [&](const std::string& arn, uint64_t seq) { heard.emplace_back(arn, seq); });
  Item a = Row(1);
  uint64_t seq = Put(t, a);
  streams_->Unsubscribe(id);
  Put(t, a);
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0].first, t.stream_arn);
  EXPECT_EQ(heard[0].second, seq);
}

TEST_F(StreamStoreTest, RecordCreatesAStreamItWasNeverTold) {
  StreamTarget t = Target();
  Item a = Row(1);
  Put(t, a);
  Result<StreamInfo> info = streams_->Describe(t.stream_arn);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->table_name, "Music");
  EXPECT_TRUE(info->enabled);
  EXPECT_EQ(ReadAll(t).size(), 1u);
}

TEST_F(StreamStoreTest, DisabledStreamsTakeNoRecordsCloseTheShardAndExpireAfterADay) {
  StreamTarget t = Target();
  streams_->StreamEnabled(t, kNow);
  Item a = Row(1);
  uint64_t last = Put(t, a);
  streams_->StreamDisabled(t.stream_arn);
  storage::WriteBatch batch;
  Result<uint64_t> token = streams_->Record(batch, t, {ChangeKind::kInsert, nullptr, &a});
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(*token, 0u);
  EXPECT_TRUE(batch.empty());

  Result<StreamInfo> info = streams_->Describe(t.stream_arn);
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->enabled);
  EXPECT_EQ(info->end_sequence, last);
  Result<RecordPage> page = streams_->ReadAfter(t.stream_arn, kTrimHorizon, 100);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->records.size(), 1u);
  EXPECT_TRUE(page->closed);
  Result<RecordPage> partial = streams_->ReadAfter(t.stream_arn, kTrimHorizon, 0);
  ASSERT_TRUE(partial.ok());
  EXPECT_FALSE(partial->closed) << "a record is still unread";

  clock_.AdvanceMillis(kDayMillis - 1);
  ASSERT_TRUE(streams_->Sweep().ok());
  EXPECT_TRUE(streams_->Describe(t.stream_arn).ok()) << "readable for 24 hours";
  clock_.AdvanceMillis(2);
  ASSERT_TRUE(streams_->Sweep().ok());
  Result<StreamInfo> gone = streams_->Describe(t.stream_arn);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, "ResourceNotFoundException");
  Reopen();
  EXPECT_FALSE(streams_->Describe(t.stream_arn).ok()) << "the deletion is durable";
}

TEST_F(StreamStoreTest, RecordsOlderThanTheRetentionAreTrimmed) {
  StreamTarget t = Target();
  streams_->StreamEnabled(t, kNow);
  Item a = Row(1), b = Row(2);
  uint64_t old_seq = Put(t, a);
  clock_.AdvanceMillis(kDayMillis / 2);
  uint64_t new_seq = Put(t, b);
  clock_.AdvanceMillis(kDayMillis / 2 + 1);

  // Expired but not yet swept: never returned, and a reader before it is trimmed.
  Result<RecordPage> horizon = streams_->ReadAfter(t.stream_arn, kTrimHorizon, 100);
  ASSERT_TRUE(horizon.ok());
  ASSERT_EQ(horizon->records.size(), 1u);
  EXPECT_EQ(horizon->records[0].sequence, new_seq);
  Result<RecordPage> behind = streams_->ReadAfter(t.stream_arn, old_seq - 1, 100);
  ASSERT_FALSE(behind.ok());
  EXPECT_EQ(behind.error().code, "TrimmedDataAccessException");

  ASSERT_TRUE(streams_->Sweep().ok());
  Result<uint64_t> at_old =
      streams_->StartPosition(t.stream_arn, PositionType::kAtSequence, old_seq);
  ASSERT_FALSE(at_old.ok());
  EXPECT_EQ(at_old.error().code, "TrimmedDataAccessException");
  Result<uint64_t> after_old =
      streams_->StartPosition(t.stream_arn, PositionType::kAfterSequence, old_seq);
  ASSERT_TRUE(after_old.ok()) << "nothing after it was trimmed";
  Result<RecordPage> rest = streams_->ReadAfter(t.stream_arn, *after_old, 100);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->records.size(), 1u);
  EXPECT_EQ(rest->records[0].sequence, new_seq);
  Reopen();
  EXPECT_EQ(streams_->ReadAfter(t.stream_arn, old_seq - 1, 100).error().code,
            "TrimmedDataAccessException")
      << "the trim horizon survives a restart";
}

TEST_F(StreamStoreTest, PositionsForEachIteratorType) {
  StreamTarget t = Target();
  streams_->StreamEnabled(t, kNow);
  Item a = Row(1), b = Row(2);
  uint64_t first = Put(t, a);
  uint64_t second = Put(t, b);
  auto position = [&](PositionType type, uint64_t seq = 0) {
    Result<uint64_t> p = streams_->StartPosition(t.stream_arn, type, seq);
    EXPECT_TRUE(p.ok()) << p.error().message;
    return p.ok() ? *p : 0;
  };
  EXPECT_EQ(position(PositionType::kTrimHorizon), kTrimHorizon);
  EXPECT_EQ(position(PositionType::kLatest), second);
  EXPECT_EQ(position(PositionType::kAtSequence, second), second - 1);
  EXPECT_EQ(position(PositionType::kAfterSequence, first), first);

  Result<uint64_t> foreign =
      streams_->StartPosition(t.stream_arn, PositionType::kAtSequence, second + 50);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code, "ValidationException");
  Result<uint64_t> missing = streams_->StartPosition(t.stream_arn + "x", PositionType::kLatest);
  EXPECT_EQ(missing.error().code, "ResourceNotFoundException");

  // An empty stream's LATEST is a real position: later records follow it.
  StreamTarget other = Target("Other");
  streams_->StreamEnabled(other, kNow);
  Result<uint64_t> empty_latest = streams_->StartPosition(other.stream_arn, PositionType::kLatest);
  ASSERT_TRUE(empty_latest.ok());
  EXPECT_NE(*empty_latest, kTrimHorizon);
  uint64_t later = Put(other, a);
  Result<RecordPage> page = streams_->ReadAfter(other.stream_arn, *empty_latest, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(page->records[0].sequence, later);
}

TEST_F(StreamStoreTest, PagesStopAtTheLimitAndTheByteBudget) {
  StreamTarget t = Target();
  streams_->StreamEnabled(t, kNow);
  for (int i = 0; i < 5; ++i) {
    Item row = Row(i, std::string(100, 'x'));
    Put(t, row);
  }
  Result<RecordPage> two = streams_->ReadAfter(t.stream_arn, kTrimHorizon, 2);
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->records.size(), 2u);
  Result<RecordPage> rest = streams_->ReadAfter(t.stream_arn, two->position, 100);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->records.size(), 3u);
  EXPECT_GT(rest->records[0].sequence, two->position);
  Result<RecordPage> small = streams_->ReadAfter(t.stream_arn, kTrimHorizon, 100, 10);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->records.size(), 1u) << "one record even when it alone exceeds the budget";
  size_t one = small->records[0].json.size();
  Result<RecordPage> budget = streams_->ReadAfter(t.stream_arn, kTrimHorizon, 100, one * 3);
  ASSERT_TRUE(budget.ok());
  EXPECT_EQ(budget->records.size(), 3u);
}

TEST_F(StreamStoreTest, StreamsRecordsAndSequenceNumbersSurviveRestarts) {
  StreamTarget t = Target();
  streams_->StreamEnabled(t, kNow);
  Item a = Row(1);
  uint64_t before = Put(t, a);
  Reopen();
  Result<StreamInfo> info = streams_->Describe(t.stream_arn);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->view_type, "NEW_AND_OLD_IMAGES");
  EXPECT_EQ(info->key_schema.sort->name, "sk");
  EXPECT_EQ(ReadAll(t).size(), 1u);
  uint64_t after = Put(t, a);
  EXPECT_GT(after, before);

  // Even once the records that carried the highest numbers are swept.
  clock_.AdvanceMillis(kDayMillis + 1);
  ASSERT_TRUE(streams_->Sweep().ok());
  EXPECT_TRUE(ReadAll(t).empty());
  Reopen();
  EXPECT_GT(Put(t, a), after);
}

TEST_F(StreamStoreTest, ListFiltersByRegionAndTableInArnOrder) {
  streams_->StreamEnabled(Target("Beta"), kNow);
  streams_->StreamEnabled(Target("Alpha"), kNow);
  streams_->StreamEnabled(Target("Alpha", "KEYS_ONLY", "eu-west-1"), kNow);
  std::vector<StreamInfo> all = streams_->List("us-east-1", std::nullopt);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].table_name, "Alpha");
  EXPECT_EQ(all[1].table_name, "Beta");
  EXPECT_EQ(streams_->List("us-east-1", "Beta").size(), 1u);
  EXPECT_EQ(streams_->List("eu-west-1", std::nullopt).size(), 1u);
  EXPECT_TRUE(streams_->List("us-east-1", "Gamma").empty());
}

// Writers on several threads commit out of order; a reader that always
// resumes after the last record it saw must see every record exactly once.
TEST_F(StreamStoreTest, AFollowingReaderMissesNothingUnderConcurrentWriters) {
  StreamTarget t = Target();
  streams_->StreamEnabled(t, kNow);
  constexpr int kWriters = 4, kPerWriter = 300;
  std::atomic<int> done{0};
  // Readers may see a record (found in the Store) before its write's
  // callback ran: the test waits for every callback before the store goes.
  std::atomic<int> in_flight{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        Item row = Row(w * kPerWriter + i);
        storage::WriteBatch batch;
        Result<uint64_t> token = streams_->Record(batch, t, {ChangeKind::kInsert, nullptr, &row});
        if (!token.ok()) continue;
        if (i % 7 == 3) {
          streams_->Aborted(*token);  // some writes fail
          continue;
        }
        ++in_flight;
        store_->WriteAsync(std::move(batch), [this, &in_flight, token = *token](Status s) {
          if (s.ok()) streams_->Committed(token);
          --in_flight;
        });
      }
      ++done;
    });
  }
  std::vector<uint64_t> seen;
  uint64_t position = kTrimHorizon;
  int expected = kWriters * (kPerWriter - (kPerWriter + 3) / 7);
  for (int round = 0; round < 100000 && static_cast<int>(seen.size()) < expected; ++round) {
    Result<RecordPage> page = streams_->ReadAfter(t.stream_arn, position, 50);
    ASSERT_TRUE(page.ok()) << page.error().message;
    for (const auto& r : page->records) seen.push_back(r.sequence);
    position = page->position;
    if (page->records.empty()) std::this_thread::yield();
  }
  for (auto& w : writers) w.join();
  for (int i = 0; i < 100000 && in_flight.load() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  ASSERT_EQ(in_flight.load(), 0);
  EXPECT_EQ(static_cast<int>(seen.size()), expected);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << "no duplicates";
}

}  // namespace
}  // namespace kumo::tables::streams
