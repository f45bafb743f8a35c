// TableService: the DynamoDB API (JSON 1.0, X-Amz-Target
// DynamoDB_20120810.<Operation>, SigV4 signing name "dynamodb") over the
// Store.
//
// Tables, items, queries and scans, batches, transactions, secondary
// indexes (maintained in the same WriteBatch as the item), streams (through
// a ChangeRecorder, in the same WriteBatch) and TTL (a background sweeper
// deleting expired items through the normal delete path). Table metadata
// lives in the Store and survives restarts.
//
// Threading: the handler runs on the edge's I/O threads. Reads never lock
// and never wait for a write. Writes to one item are serialized by a striped
// per-key lock held from the read of the old item until the batch is handed
// to Store::WriteAsync; the answer is sent from the write's completion
// callback, so an acknowledged write is durable and no I/O thread waits on
// an fsync. See README.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "edge/service.h"
#include "tables/change_recorder.h"

namespace kumo::storage {
class Store;
}

namespace kumo::tables {

struct TableServiceOptions {
  // Used when a request's SigV4 scope names no region (ARNs, stream labels).
  std::string region = "us-east-1";
  const Clock* clock = &Clock::System();
  // How often the TTL sweeper looks for expired items. Zero disables it.
  std::chrono::milliseconds ttl_sweep_interval{60000};
  // Receives item changes of tables with a stream; may be null (no streams
  // are recorded then, but StreamSpecification is still accepted and
  // reported). Must outlive the service.
  ChangeRecorder* recorder = nullptr;
  // The most bytes an item collection (the items sharing a partition key
  // value, plus their local secondary index entries) may hold in a table
  // with local secondary indexes; a write growing one past it fails with
  // ItemCollectionSizeLimitExceededException. AWS's limit is 10 GB.
  int64_t item_collection_size_limit = int64_t{10} << 30;
};

class TableService {
 public:
  // Opens the service's families in `store` (which must outlive the service)
  // and loads every table's metadata. Fails when the store cannot be read.
  static Result<std::unique_ptr<TableService>> Open(storage::Store& store,
                                                    TableServiceOptions options);
  // Calls Shutdown().
  ~TableService();

  // name "dynamodb", Protocol::kJson, target prefix "DynamoDB_20120810",
  // signing name "dynamodb". The handler refers to this service, which must
  // outlive every call.
  edge::ServiceDescriptor Descriptor();

  // Stops the TTL sweeper and waits for every write already handed to the
  // Store to complete (their answers are sent). Idempotent. Call before the
  // Store is closed; requests arriving afterwards are answered with 500.
  void Shutdown();

  class Impl;

 private:
  explicit TableService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kumo::tables
