// Store basics: reads and writes, families, atomic batches, snapshots,
// iterators, in-memory mode, and behaviour after Close.
#include "storage/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/store_test_util.h"

namespace kumo::storage {
namespace {

using testing::FamilyOrFail;
using testing::GetOrMarker;
using testing::OpenOrFail;
using testing::Put;
using testing::TempDir;

class StoreTest : public ::testing::Test {
 protected:
  Options DiskOptions() const { return Options{dir_.path() + "/db/nested", false}; }
  TempDir dir_;
};

TEST_F(StoreTest, PutGetDeleteRoundTrip) {
  auto store = OpenOrFail(DiskOptions());  // also creates the missing parent dirs
  ASSERT_NE(store, nullptr);
  Family items = FamilyOrFail(*store, "items");

  EXPECT_EQ(GetOrMarker(*store, items, "k"), "<absent>");
  ASSERT_TRUE(Put(*store, items, "k", "v1").ok());
  EXPECT_EQ(GetOrMarker(*store, items, "k"), "v1");
  ASSERT_TRUE(Put(*store, items, "k", std::string("v\0two", 5)).ok());
  EXPECT_EQ(GetOrMarker(*store, items, "k"), std::string("v\0two", 5));

  WriteBatch remove;
  remove.Delete(items, "k");
  ASSERT_TRUE(store->Write(remove).ok());
  EXPECT_EQ(GetOrMarker(*store, items, "k"), "<absent>");
  EXPECT_TRUE(store->Close().ok());
}

TEST_F(StoreTest, DeleteRangeRemovesHalfOpenRangeOnly) {
  auto store = OpenOrFail(DiskOptions());
  ASSERT_NE(store, nullptr);
  Family f = FamilyOrFail(*store, "f");
  for (const char* key : {"a", "b", "b1", "c", "d"}) ASSERT_TRUE(Put(*store, f, key, key).ok());

  WriteBatch batch;
  batch.DeleteRange(f, "b", "d");
  batch.DeleteRange(f, "z", "a");  // empty range: a no-op, not an error
  ASSERT_TRUE(store->Write(batch).ok());
  EXPECT_EQ(GetOrMarker(*store, f, "a"), "a");
  EXPECT_EQ(GetOrMarker(*store, f, "b"), "<absent>");
  EXPECT_EQ(GetOrMarker(*store, f, "b1"), "<absent>");
  EXPECT_EQ(GetOrMarker(*store, f, "c"), "<absent>");
  EXPECT_EQ(GetOrMarker(*store, f, "d"), "d");
}

TEST_F(StoreTest, FamiliesAreSeparateAndPersistAcrossReopen) {
  {
    auto store = OpenOrFail(DiskOptions());
    ASSERT_NE(store, nullptr);
    Family a = FamilyOrFail(*store, "a");
    Family b = FamilyOrFail(*store, "b");
    Family def = FamilyOrFail(*store, "default");
    EXPECT_NE(a.id(), b.id());
    ASSERT_TRUE(Put(*store, a, "k", "in a").ok());
    ASSERT_TRUE(Put(*store, b, "k", "in b").ok());
    ASSERT_TRUE(Put(*store, def, "k", "in default").ok());
    EXPECT_TRUE(store->Close().ok());
  }
  for (int round = 0; round < 2; ++round) {  // the second reopen replays nothing new
    auto store = OpenOrFail(DiskOptions());
    ASSERT_NE(store, nullptr);
    // Opened in another order: names, not ids, select the data.
    Family b = FamilyOrFail(*store, "b");
    Family a = FamilyOrFail(*store, "a");
    EXPECT_EQ(GetOrMarker(*store, a, "k"), "in a");
    EXPECT_EQ(GetOrMarker(*store, b, "k"), "in b");
    EXPECT_EQ(GetOrMarker(*store, FamilyOrFail(*store, "default"), "k"), "in default");
    EXPECT_EQ(GetOrMarker(*store, FamilyOrFail(*store, "new"), "k"), "<absent>");
  }
}

TEST_F(StoreTest, OpenFamilyReturnsOneHandleToConcurrentCallers) {
  auto store = OpenOrFail(DiskOptions());
  ASSERT_NE(store, nullptr);
  std::vector<uint32_t> ids(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < ids.size(); ++i) {
    threads.emplace_back([&, i] { ids[i] = FamilyOrFail(*store, "shared").id(); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<uint32_t>(ids.begin(), ids.end()).size(), 1u);
  EXPECT_EQ(FamilyOrFail(*store, "shared").id(), ids[0]);
  EXPECT_FALSE(store->OpenFamily("").ok());
}

TEST_F(StoreTest, HandlesFromAnotherStoreAreRejected) {
  auto store = OpenOrFail(DiskOptions());
  auto other = OpenOrFail(Options{"", true});
  ASSERT_NE(store, nullptr);
  ASSERT_NE(other, nullptr);
  Family mine = FamilyOrFail(*store, "x");
  Family foreign = FamilyOrFail(*other, "x");

  EXPECT_FALSE(store->Get(foreign, "k").ok());
  EXPECT_FALSE(store->Get(Family(), "k").ok());
  EXPECT_FALSE(Put(*store, foreign, "k", "v").ok());
  auto snapshot = other->GetSnapshot();
  EXPECT_FALSE(store->Get(mine, "k", snapshot.get()).ok());
  auto it = store->NewIterator(foreign);
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  EXPECT_FALSE(it->status().ok());
}

TEST_F(StoreTest, BatchAcrossFamiliesIsAllOrNothing) {
  auto store = OpenOrFail(DiskOptions());
  ASSERT_NE(store, nullptr);
  Family left = FamilyOrFail(*store, "left");
  Family right = FamilyOrFail(*store, "right");

  WriteBatch bad;  // valid ops around one that cannot be applied
  bad.Put(left, "k", "1");
  bad.Put(Family(), "k", "1");
  bad.Put(right, "k", "1");
  EXPECT_FALSE(store->Write(bad).ok());
  EXPECT_EQ(GetOrMarker(*store, left, "k"), "<absent>");
  EXPECT_EQ(GetOrMarker(*store, right, "k"), "<absent>");

  // A reader at any snapshot sees both families at the same version.
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 1; i <= 300; ++i) {
      WriteBatch batch;
      batch.Put(left, "k", std::to_string(i));
      batch.Put(right, "k", std::to_string(i));
      EXPECT_TRUE(store->Write(batch).ok());
    }
    done = true;
  });
  int checks = 0;
  while (!done || checks == 0) {
    auto snapshot = store->GetSnapshot();
    ASSERT_EQ(GetOrMarker(*store, left, "k", snapshot.get()),
              GetOrMarker(*store, right, "k", snapshot.get()));
    ++checks;
  }
  writer.join();
  EXPECT_EQ(GetOrMarker(*store, right, "k"), "300");
}

TEST_F(StoreTest, SnapshotSeesTheStateWhenTaken) {
  auto store = OpenOrFail(DiskOptions());
  ASSERT_NE(store, nullptr);
  Family f = FamilyOrFail(*store, "f");
  ASSERT_TRUE(Put(*store, f, "a", "old").ok());
  ASSERT_TRUE(Put(*store, f, "gone", "here").ok());
  auto snapshot = store->GetSnapshot();
  ASSERT_NE(snapshot, nullptr);

  ASSERT_TRUE(Put(*store, f, "a", "new").ok());
  ASSERT_TRUE(Put(*store, f, "b", "added").ok());
  WriteBatch remove;
  remove.Delete(f, "gone");
  ASSERT_TRUE(store->Write(remove).ok());

  EXPECT_EQ(GetOrMarker(*store, f, "a", snapshot.get()), "old");
  EXPECT_EQ(GetOrMarker(*store, f, "b", snapshot.get()), "<absent>");
  EXPECT_EQ(GetOrMarker(*store, f, "gone", snapshot.get()), "here");
  EXPECT_EQ(GetOrMarker(*store, f, "a"), "new");

  ReadOptions at_snapshot;
  at_snapshot.snapshot = snapshot.get();
  auto it = store->NewIterator(f, at_snapshot);
  std::vector<std::string> keys;
  for (it->SeekToFirst(); it->Valid(); it->Next()) keys.emplace_back(it->key());
  EXPECT_TRUE(it->status().ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "gone"}));
}

std::vector<std::string> Forward(Iterator& it) {
  std::vector<std::string> keys;
  for (it.SeekToFirst(); it.Valid(); it.Next()) keys.emplace_back(it.key());
  return keys;
}

std::vector<std::string> Backward(Iterator& it) {
  std::vector<std::string> keys;
  for (it.SeekToLast(); it.Valid(); it.Prev()) keys.emplace_back(it.key());
  return keys;
}

TEST_F(StoreTest, IteratorsFollowByteOrderBoundsAndDirection) {
  auto store = OpenOrFail(DiskOptions());
  ASSERT_NE(store, nullptr);
  Family f = FamilyOrFail(*store, "f");
  Family other = FamilyOrFail(*store, "other");
  WriteBatch batch;
  for (const char* key : {"b", "a", "c\xff", "c", "ab", "d"})
    batch.Put(f, key, "v" + std::string(key));
  batch.Put(other, "bb", "not in f");
  ASSERT_TRUE(store->Write(batch).ok());

  auto all = store->NewIterator(f);
  EXPECT_EQ(Forward(*all), (std::vector<std::string>{"a", "ab", "b", "c", "c\xff", "d"}));
  EXPECT_EQ(Backward(*all), (std::vector<std::string>{"d", "c\xff", "c", "b", "ab", "a"}));
  all->Seek("aa");
  ASSERT_TRUE(all->Valid());
  EXPECT_EQ(all->key(), "ab");
  EXPECT_EQ(all->value(), "vab");
  all->SeekForPrev("bz");
  ASSERT_TRUE(all->Valid());
  EXPECT_EQ(all->key(), "b");
  all->Prev();
  ASSERT_TRUE(all->Valid());
  EXPECT_EQ(all->key(), "ab");
  all->Seek("e");
  EXPECT_FALSE(all->Valid());
  EXPECT_TRUE(all->status().ok());

  ReadOptions bounded;
  bounded.lower_bound = "ab";
  bounded.upper_bound = "c\xff";  // exclusive
  auto range = store->NewIterator(f, bounded);
  EXPECT_EQ(Forward(*range), (std::vector<std::string>{"ab", "b", "c"}));
  EXPECT_EQ(Backward(*range), (std::vector<std::string>{"c", "b", "ab"}));
  range->Seek("a");  // below the lower bound: lands on it
  ASSERT_TRUE(range->Valid());
  EXPECT_EQ(range->key(), "ab");
  range->SeekForPrev("zzz");  // above the upper bound: last key inside
  ASSERT_TRUE(range->Valid());
  EXPECT_EQ(range->key(), "c");
  EXPECT_TRUE(range->status().ok());
}

TEST_F(StoreTest, InMemoryStoreTouchesNoFiles) {
  const std::string unused = dir_.path() + "/must-not-exist";
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir_.path());  // catch stray relative paths too
  {
    auto store = OpenOrFail(Options{unused, true});
    ASSERT_NE(store, nullptr);
    Family f = FamilyOrFail(*store, "f");
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(Put(*store, f, std::to_string(i), "v").ok());
    EXPECT_EQ(GetOrMarker(*store, f, "999"), "v");
    EXPECT_TRUE(store->Close().ok());
  }
  {
    auto fresh = OpenOrFail(Options{unused, true});  // nothing survives
    ASSERT_NE(fresh, nullptr);
    EXPECT_EQ(GetOrMarker(*fresh, FamilyOrFail(*fresh, "f"), "999"), "<absent>");
  }
  std::filesystem::current_path(cwd);
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path()));
  EXPECT_FALSE(std::filesystem::exists("/kumo-in-memory"));
}

TEST_F(StoreTest, OperationsAfterCloseFailWithoutCrashing) {
  auto store = OpenOrFail(DiskOptions());
  ASSERT_NE(store, nullptr);
  Family f = FamilyOrFail(*store, "f");
  ASSERT_TRUE(Put(*store, f, "k", "v").ok());
  ASSERT_TRUE(store->Close().ok());
  EXPECT_TRUE(store->Close().ok());  // idempotent

  Result<std::optional<std::string>> got = store->Get(f, "k");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().http_status, 500);
  EXPECT_NE(got.error().message.find("closed"), std::string::npos) << got.error().message;
  EXPECT_FALSE(Put(*store, f, "k", "v").ok());
  EXPECT_FALSE(store->OpenFamily("g").ok());
  EXPECT_EQ(store->GetSnapshot(), nullptr);
  auto it = store->NewIterator(f);
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  EXPECT_FALSE(it->status().ok());
  bool called = false;
  store->WriteAsync(WriteBatch(), [&](Status s) {
    called = true;
    EXPECT_FALSE(s.ok());
  });
  EXPECT_TRUE(called);
}

TEST_F(StoreTest, LiveIteratorKeepsDatabaseOpenPastClose) {
  auto store = OpenOrFail(DiskOptions());
  ASSERT_NE(store, nullptr);
  Family f = FamilyOrFail(*store, "f");
  ASSERT_TRUE(Put(*store, f, "k", "v").ok());
  auto it = store->NewIterator(f);
  ASSERT_TRUE(store->Close().ok());

  EXPECT_FALSE(Store::Open(DiskOptions()).ok());  // still open, so still locked
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "k");
  it.reset();  // the last user: the database closes and unlocks now

  auto reopened = OpenOrFail(DiskOptions());
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(GetOrMarker(*reopened, FamilyOrFail(*reopened, "f"), "k"), "v");
}

TEST_F(StoreTest, ProcessDurabilityKeepsDataAcrossClose) {
  Options options = DiskOptions();
  options.durability = Durability::kProcess;
  {
    auto store = OpenOrFail(options);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(Put(*store, FamilyOrFail(*store, "f"), "k", "v").ok());
  }  // the destructor closes
  auto store = OpenOrFail(options);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(GetOrMarker(*store, FamilyOrFail(*store, "f"), "k"), "v");
}

}  // namespace
}  // namespace kumo::storage
