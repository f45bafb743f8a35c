// StreamStore: DynamoDB Streams over the Store family "streams". It is the
// tables' ChangeRecorder (tables/change_recorder.h): the write path hands it
// every item change inside the item's own WriteBatch, and it adds the stream
// record to that batch, so a record exists exactly when its write does.
//
// Model:
//   - One stream per table stream ARN, ENABLED until StreamDisabled, then
//     DISABLED and still readable for the retention (24 h), then deleted.
//   - One shard per stream (AWS splits shards about every 4 hours; Kumo
//     keeps one open shard for the stream's whole life and closes it when
//     the stream is disabled). Readers see records in sequence order.
//   - Sequence numbers are one counter for the whole store, assigned in
//     Record() order and shown as 21-digit decimal strings. An aborted
//     write leaves a gap, as AWS sequence numbers have gaps.
//   - Records older than the retention are never returned; a sweep deletes
//     them (and expired DISABLED streams). Reading from a position before
//     the trim horizon fails with TrimmedDataAccessException.
//
// Visibility: a record becomes readable once its batch is durable AND every
// record with a lower sequence number of the same stream is durable or
// aborted, so a reader that resumes after the last record it saw never
// skips one that committed late. The write path reports durability with
// Committed(token) (and failure with Aborted); if it never does, readers
// find out by looking the record up in the Store, and a reservation neither
// committed nor aborted within 30 s is given up (it would then be visible
// only to readers that had not passed it).
//
// Reader API (for GetRecords and event source mappings): StartPosition
// turns TRIM_HORIZON / LATEST / AT_ / AFTER_SEQUENCE_NUMBER into a
// position, ReadAfter returns the records after a position, and Subscribe
// calls back when a record commits.
//
// Errors are AWS DynamoDB Streams errors (all 400): ResourceNotFoundException,
// TrimmedDataAccessException, ValidationException; or a 500 from the Store.
//
// Thread-safety: every method may be called from any thread. Listeners run
// on the thread that calls Committed(); they must be short and must not
// call Subscribe/Unsubscribe. The Store must outlive the StreamStore;
// destroy the StreamStore (which stops the sweep) before closing the Store.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/store.h"
#include "tables/change_recorder.h"
#include "tables/streams/stream_meta.h"

namespace kumo::tables::streams {

struct StreamStoreOptions {
  const Clock* clock = &Clock::System();
  // How long records (and disabled streams) stay readable.
  std::chrono::milliseconds retention = std::chrono::hours(24);
  // How often expired records and streams are deleted. Zero: no sweep
  // thread (expired records are still never returned).
  std::chrono::milliseconds sweep_interval = std::chrono::minutes(5);
};

// A stream as DescribeStream / ListStreams show it.
struct StreamInfo {
  std::string arn;
  std::string label;  // StreamLabel: the ARN's timestamp suffix
  std::string table_name;
  std::string region;
  std::string view_type;
  KeySchema key_schema;
  int64_t creation_millis = 0;
  bool enabled = true;  // StreamStatus ENABLED, else DISABLED
  std::string shard_id;
  uint64_t start_sequence = 0;
  std::optional<uint64_t> end_sequence;  // set once the shard is closed
};

struct StoredStreamRecord {
  uint64_t sequence = 0;
  int64_t creation_millis = 0;
  std::string json;  // the Record as GetRecords returns it (stream_record.h)
};

struct RecordPage {
  std::vector<StoredStreamRecord> records;
  // Pass to the next ReadAfter: the last record's sequence, or the
  // position read from when there was none.
  uint64_t position = 0;
  // The shard is closed and nothing is left after `position`: the reader is done.
  bool closed = false;
};

enum class PositionType { kTrimHorizon, kLatest, kAtSequence, kAfterSequence };

// The position meaning "from the oldest record still kept" (TRIM_HORIZON).
// Real sequence numbers start at 1.
inline constexpr uint64_t kTrimHorizon = 0;

class StreamStore : public ChangeRecorder {
 public:
  // Opens the "streams" family of `store` and loads every stream.
  static Result<std::unique_ptr<StreamStore>> Open(storage::Store& store,
                                                   StreamStoreOptions options = {});
  ~StreamStore() override;
  StreamStore(const StreamStore&) = delete;
  StreamStore& operator=(const StreamStore&) = delete;

  // ChangeRecorder. Record() on a stream never announced with
  // StreamEnabled creates it (a synchronous metadata write); on a DISABLED
  // stream it records nothing and returns token 0 (the write raced with
  // UpdateTable disabling the stream; AWS keeps no record either).
  Result<uint64_t> Record(storage::WriteBatch& batch, const StreamTarget& target,
                          const ItemChange& change) override;
  void Aborted(uint64_t token) override;
  // Both write the stream's metadata synchronously; a Store error is logged.
  void StreamEnabled(const StreamTarget& target, int64_t creation_millis) override;
  void StreamDisabled(const std::string& stream_arn) override;

  // The batch carrying `token`'s record is durable: the record becomes
  // visible (see Visibility above) and listeners are told. Token 0 and
  // unknown tokens are ignored.
  void Committed(uint64_t token) override;

  // ResourceNotFoundException when the stream does not exist (or expired).
  Result<StreamInfo> Describe(const std::string& stream_arn) const;
  // The streams of `region`, of `table_name` when given, ordered by ARN.
  std::vector<StreamInfo> List(const std::string& region,
                               const std::optional<std::string>& table_name) const;

  // Where a reader starts: the position to pass to ReadAfter. kTrimHorizon
  // for TRIM_HORIZON; just past the newest visible record for LATEST.
  // `sequence` (for AT_/AFTER_SEQUENCE_NUMBER) must belong to the shard
  // (ValidationException otherwise) and not be trimmed
  // (TrimmedDataAccessException).
  Result<uint64_t> StartPosition(const std::string& stream_arn, PositionType type,
                                 uint64_t sequence = 0);

  // Up to `limit` visible records with sequence > `after`, in order,
  // stopping before `max_bytes` of JSON (at least one record is returned
  // when one is visible). TrimmedDataAccessException when records after
  // `after` were trimmed (never for kTrimHorizon).
  Result<RecordPage> ReadAfter(const std::string& stream_arn, uint64_t after, size_t limit,
                               size_t max_bytes = 1 << 20);

  // `listener(stream_arn, sequence)` runs for each Committed record until
  // Unsubscribe; once Unsubscribe returns it never runs again.
  using Listener = std::function<void(const std::string& stream_arn, uint64_t sequence)>;
  uint64_t Subscribe(Listener listener);
  void Unsubscribe(uint64_t id);

  // Deletes expired records and expired DISABLED streams; returns once the
  // deletions are durable. The sweep thread calls this; so can tests.
  Status Sweep();

  const Clock& clock() const { return *options_.clock; }

 private:
  struct Pending {
    uint64_t stream_id = 0;
    int64_t reserved_nanos = 0;  // monotonic, for giving up on abandoned ones
  };

  StreamStore(storage::Store& store, storage::Family family, StreamStoreOptions options);
  Status Load();
  // Creates or refreshes the stream's metadata and writes it.
  Status Enable(const StreamTarget& target, int64_t creation_millis);
  // Writes the in-memory metadata of `arn` (or deletes it when gone).
  Status PersistMeta(const std::string& arn);
  StreamInfo InfoLocked(const StreamMeta& meta) const;
  // Settles reservations of `stream_id` (every stream when 0) whose records
  // are in the Store or that were abandoned, and returns the stream's
  // visibility horizon: readers may see its records below it (UINT64_MAX
  // for stream 0 or an unknown stream).
  uint64_t SettlePending(uint64_t stream_id);
  int64_t RetentionFloor() const;
  Status SweepStream(const std::string& arn);
  void SweepLoop();

  storage::Store& store_;
  const storage::Family family_;
  const StreamStoreOptions options_;

  mutable std::mutex mu_;  // guards everything below up to listeners_mu_
  std::map<std::string, StreamMeta, std::less<>> streams_;  // by ARN
  std::unordered_map<uint64_t, std::string> arn_by_id_;
  std::map<uint64_t, Pending> pending_;  // reserved, neither committed nor aborted, by sequence
  uint64_t next_sequence_ = 1;
  uint64_t next_stream_id_ = 1;

  std::mutex persist_mu_;  // serializes metadata writes so the newest state lands last

  std::mutex listeners_mu_;  // held while listeners run
  std::map<uint64_t, Listener> listeners_;
  uint64_t next_listener_id_ = 1;

  std::mutex sweep_mu_;  // one sweep at a time
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread sweeper_;
};

}  // namespace kumo::tables::streams
