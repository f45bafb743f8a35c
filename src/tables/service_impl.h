// TableService internals shared by the operation files (ops_*.cc).
// Private to src/tables.
#pragma once

#include <atomic>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "edge/service.h"
#include "storage/store.h"
#include "tables/catalog.h"
#include "tables/table_service.h"
#include "tables/write_path.h"

namespace kumo::tables {

// Remembers TransactWriteItems ClientRequestTokens for 10 minutes.
class IdempotencyCache {
 public:
  struct Entry {
    std::string fingerprint;  // the request's TransactItems, serialized
    std::string response;     // empty while the first request is in flight
    int64_t expires_millis = 0;
  };
  // Looks `token` up (dropping expired entries). nullopt when unknown.
  std::optional<Entry> Find(const std::string& token, int64_t now_millis);
  // Claims `token` for a request in flight; false when already claimed.
  bool Claim(const std::string& token, std::string fingerprint, int64_t now_millis);
  // Completes (response non-empty) or releases (response empty) a claim.
  void Complete(const std::string& token, std::string response);

 private:
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

class TableService::Impl {
 public:
  Impl(storage::Store& store, TableServiceOptions options, storage::Family meta,
       storage::Family items, storage::Family indexes);
  ~Impl();

  // Starts the background thread (TTL sweeps, GSI backfills).
  void StartBackground();
  void Shutdown();
  // Queues `task` on the background thread.
  void RunInBackground(std::function<void()> task);
  // One TTL pass over every table with TTL enabled (the sweeper's body).
  void SweepExpiredItems();
  // Fills index `index_name` of a table from its items, then marks it ACTIVE.
  void Backfill(std::string region, std::string table, std::string index_name);

  storage::Store& store;
  const TableServiceOptions options;
  const storage::Family meta_family;
  const storage::Family items;
  const storage::Family indexes;
  Catalog catalog;
  WritePath writes;
  IdempotencyCache tokens;
  // Serializes control-plane changes (create, update, delete, tags, TTL).
  std::mutex control_mu;
  std::atomic<bool> shut_down{false};

 private:
  void BackgroundLoop();

  std::thread background_;
  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  std::deque<std::function<void()>> bg_tasks_;  // guarded by bg_mu_
  bool bg_stop_ = false;                        // guarded by bg_mu_
};

// One call being served. Shared by the callbacks that finish it.
// The request body is parsed into an arena owned by the call (one
// allocation for a typical item request instead of one per JSON node).
struct OpCall {
  OpCall(TableService::Impl& impl, std::string region, std::string host, edge::Responder responder)
      : impl(impl),
        region(std::move(region)),
        host(std::move(host)),
        responder(std::move(responder)),
        arena(arena_buffer, sizeof(arena_buffer)) {}
  OpCall(const OpCall&) = delete;
  OpCall& operator=(const OpCall&) = delete;
  // Parses `body` (a JSON object; empty is {}) into `input`. On failure,
  // 400 SerializationException as DynamoDB answers.
  Status Parse(std::string_view body);

  TableService::Impl& impl;
  std::string region;
  std::string host;  // the Host header (DescribeEndpoints)
  edge::Responder responder;

 private:
  unsigned char arena_buffer[4096];
  boost::json::monotonic_resource arena;

 public:
  boost::json::object input{boost::json::storage_ptr(&arena)};

  void Fail(const Error& error) { responder.Fail(error); }
  // Answers `error` with more members in its JSON body (`extra` is
  // `"Item":{...}` or `"CancellationReasons":[...]`, without braces).
  void FailWith(const Error& error, std::string_view extra);
  // Answers 200 with a JSON body (application/x-amz-json-1.0).
  void Reply(std::string body);
  // Looks the request's TableName up; ResourceNotFoundException when absent.
  Result<TableHandle> FindTable(std::string_view name) const;
};
using OpCallPtr = std::shared_ptr<OpCall>;
using Operation = void (*)(const OpCallPtr&);

// Replaces a trailing ',' of a JSON object being written with '}' (or adds '}').
void CloseObject(std::string& out);

// Operation entry points, by file.
// ops_tables.cc
void CreateTable(const OpCallPtr& call);
void DescribeTable(const OpCallPtr& call);
void ListTables(const OpCallPtr& call);
void UpdateTable(const OpCallPtr& call);
void DeleteTable(const OpCallPtr& call);
// ops_table_settings.cc
void TagResource(const OpCallPtr& call);
void UntagResource(const OpCallPtr& call);
void ListTagsOfResource(const OpCallPtr& call);
void UpdateTimeToLive(const OpCallPtr& call);
void DescribeTimeToLive(const OpCallPtr& call);
void DescribeEndpoints(const OpCallPtr& call);
void DescribeLimits(const OpCallPtr& call);
// ops_items.cc
void GetItem(const OpCallPtr& call);
void PutItem(const OpCallPtr& call);
void DeleteItem(const OpCallPtr& call);
void UpdateItem(const OpCallPtr& call);
// ops_query.cc
void Query(const OpCallPtr& call);
void Scan(const OpCallPtr& call);
// ops_batch.cc
void BatchGetItem(const OpCallPtr& call);
void BatchWriteItem(const OpCallPtr& call);
// ops_transact.cc
void TransactWriteItems(const OpCallPtr& call);
void TransactGetItems(const OpCallPtr& call);
// ops_partiql.cc
void ExecuteStatement(const OpCallPtr& call);
void BatchExecuteStatement(const OpCallPtr& call);
void ExecuteTransaction(const OpCallPtr& call);

}  // namespace kumo::tables
