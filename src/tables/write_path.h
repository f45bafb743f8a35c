// WritePath: every item write (PutItem, UpdateItem, DeleteItem, batches,
// transactions, TTL deletions) goes through Commit(), which makes a
// conditional write an atomic read-modify-write of its items and keeps the
// item, its index entries and its stream record in one WriteBatch.
//
// Concurrency design: lock striping plus a pending-write overlay.
//   1. The stripes of every item involved (hash of the storage key, 1024
//      stripes) are locked in ascending order (no deadlock between
//      multi-item writes).
//   2. Each item's current value is read: from the overlay when a write to
//      it is still on its way to the disk, else from the Store.
//   3. `decide` runs with the locks held: it checks conditions and says
//      what to write.
//   4. The WriteBatch is built (item, index entries, stream record), the new
//      values go into the overlay, and the batch is handed to
//      Store::WriteAsync, all before the locks are released: the Store
//      applies batches in call order, so writes to one item reach the disk
//      in the order they were decided.
//   5. `done` runs once the batch is durable (on the Store's commit thread);
//      only then is the client answered. The overlay entry is dropped when
//      its batch is durable, after which the Store has the value.
//      A Store whose writes do not wait for the disk (Durability::kProcess,
//      in memory) is written on the calling thread instead, before the locks
//      are released, unless batches are still queued (they land first): no
//      overlay entry and no hand-off to the commit thread.
// Reads that are not part of a write (GetItem, Query, Scan) never lock: they
// see the last durable state.
//
// A metadata change that write paths must observe (an index added or
// removed, streams switched, a table deleted) is made under LockAll(): every
// write after it re-reads the table's meta under its stripe locks.
//
// Thread-safety: Commit may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/store.h"
#include "tables/catalog.h"
#include "tables/change_recorder.h"

namespace kumo::tables {

struct WriteSlot {
  // Set by the caller.
  TableHandle table;     // meta is refreshed under the locks
  std::string item_key;  // the table item key (key_codec.h), without the table prefix
  bool by_ttl = false;   // a TTL deletion (stream records say so)

  // Set by Commit before `decide`: the item as it is now.
  std::optional<Item> old_item;

  // Set by `decide`.
  enum class Action { kNone, kPut, kDelete };
  Action action = Action::kNone;
  Item new_item;  // kPut

  // Set by Commit once the batch is built: write capacity units consumed by
  // the table and by each index touched (by index name).
  double table_units = 0;
  std::map<std::string, double> index_units;

  // Set by Commit for tables with local secondary indexes: the size of the
  // item's collection with this write applied (-1 for other tables); and
  // true on each slot whose write would grow its collection past the limit
  // (Commit then fails with ItemCollectionSizeLimitExceededException).
  int64_t collection_bytes = -1;
  bool collection_full = false;
};

class WritePath {
 public:
  using Decide = std::function<Status(std::vector<WriteSlot>& slots)>;
  using Done = std::function<void(Status status, std::vector<WriteSlot>& slots)>;

  // `collection_limit`: the most bytes an item collection may grow to
  // (TableServiceOptions::item_collection_size_limit).
  WritePath(storage::Store& store, storage::Family items, storage::Family indexes,
            ChangeRecorder* recorder, const Clock& clock, int64_t collection_limit);
  ~WritePath();

  // Runs the steps above. `done` is always called exactly once: at once
  // (on the calling thread) when reading fails, a table is gone (400
  // ResourceNotFoundException), `decide` fails (its error, with the slots'
  // old items filled in), a new item breaks an index key rule or a write
  // would grow an item collection past the limit (400
  // ItemCollectionSizeLimitExceededException, culprits marked
  // `collection_full`; writes that shrink a collection always pass); otherwise
  // with the write's status, from the Store's commit thread or, when the
  // batch is written here (step 5), on the calling thread.
  // Precondition: no two slots name the same item.
  void Commit(std::vector<WriteSlot> slots, Decide decide, Done done);

  // Holds every stripe: no write is between reading and queueing its batch.
  class AllLocked {
   public:
    explicit AllLocked(WritePath& path);
    ~AllLocked();
    AllLocked(const AllLocked&) = delete;
    AllLocked& operator=(const AllLocked&) = delete;

   private:
    WritePath& path_;
  };

  // The current value of an item for a reader that holds the item's stripe
  // (the GSI backfill): the overlay first, then the Store.
  Result<std::optional<std::string>> ReadLocked(const std::string& storage_key);
  std::mutex& StripeOf(const std::string& storage_key);
  // Queues `batch` after every write already queued; `done` runs once it is
  // durable (or failed), on the Store's commit thread. Counted by WaitIdle.
  // After Shutdown, returns an error and never calls `done`.
  Status Enqueue(storage::WriteBatch batch, std::function<void(Status)> done);

  // Refuses later writes (500) and waits until every queued batch has
  // called back.
  void Shutdown();
  // Waits until no queued batch is pending.
  void WaitIdle();

 private:
  static constexpr size_t kStripes = 1024;
  struct Pending {
    uint64_t seq = 0;
    bool present = false;
    std::string encoded;
  };
  struct Stripe {
    std::mutex mu;
    std::unordered_map<std::string, Pending> pending;  // guarded by mu
  };

  // A change to one item collection by one Commit.
  struct CollectionChange {
    TableState* state = nullptr;
    std::string collection;
    int64_t delta = 0;
  };

  size_t StripeIndex(const std::string& storage_key) const;
  // Applies the slots' changes to their item collections, all or none:
  // fails (marking the culprits) when one that grows would pass the limit.
  // `applied` receives what was applied, for ReleaseCollections.
  Status ReserveCollections(std::vector<WriteSlot>& slots, std::vector<CollectionChange>& applied);
  void ReleaseCollections(const std::vector<CollectionChange>& applied);
  // Fills `batch`; `encoded[i]` receives slot i's stored form when it is a put.
  Status BuildBatch(std::vector<WriteSlot>& slots, const std::vector<std::string>& keys,
                    storage::WriteBatch& batch, std::vector<uint64_t>& stream_tokens,
                    std::vector<std::string>& encoded);
  void Finish(const std::vector<std::string>& keys, const std::vector<uint64_t>& seqs);
  // Whether Commit may write its batch on the calling thread (nothing is
  // queued and the path is not shut down); when true, EndWriteHere follows.
  bool BeginWriteHere();
  void EndWriteHere();

  storage::Store& store_;
  storage::Family items_;
  storage::Family indexes_;
  ChangeRecorder* recorder_;
  const Clock& clock_;
  const int64_t collection_limit_;
  // Makes ReserveCollections' check-then-apply atomic across collections
  // (whose items may sit under different stripes).
  std::mutex collections_mu_;
  std::array<Stripe, kStripes> stripes_;
  std::atomic<uint64_t> next_seq_{1};

  std::mutex idle_mu_;
  std::condition_variable idle_cv_;
  int64_t in_flight_ = 0;   // guarded by idle_mu_; writes queued or being written here
  int64_t queued_ = 0;      // guarded by idle_mu_; batches handed to WriteAsync
  bool shut_down_ = false;  // guarded by idle_mu_
};

// Checks the index key attributes of an item about to be written: the
// defined type ("Type mismatch for Index Key ...") and, for S and B, a
// non-empty value within the key size limits.
Status ValidateIndexKeys(const TableMeta& meta, const Item& item);

// Write capacity units for an item of `bytes` (1 per KB, at least 1).
double WriteUnits(size_t bytes);

// 400 ItemCollectionSizeLimitExceededException "Collection size exceeded".
Error ItemCollectionSizeLimitExceeded();

}  // namespace kumo::tables
