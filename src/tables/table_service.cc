// TableService: opening, the dispatch table, the background thread and
// shutdown. The operations live in ops_*.cc.
#include "tables/table_service.h"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>

#include <string_view>
#include <unordered_map>

#include "tables/attribute_value.h"
#include "tables/request.h"
#include "tables/service_impl.h"
#include "tables/storage_layout.h"

namespace kumo::tables {
namespace {

const std::unordered_map<std::string_view, Operation>& Operations() {
  static const std::unordered_map<std::string_view, Operation> operations = {
      {"CreateTable", &CreateTable},
      {"DescribeTable", &DescribeTable},
      {"ListTables", &ListTables},
      {"UpdateTable", &UpdateTable},
      {"DeleteTable", &DeleteTable},
      {"TagResource", &TagResource},
      {"UntagResource", &UntagResource},
      {"ListTagsOfResource", &ListTagsOfResource},
      {"UpdateTimeToLive", &UpdateTimeToLive},
      {"DescribeTimeToLive", &DescribeTimeToLive},
      {"DescribeEndpoints", &DescribeEndpoints},
      {"DescribeLimits", &DescribeLimits},
      {"GetItem", &GetItem},
      {"PutItem", &PutItem},
      {"DeleteItem", &DeleteItem},
      {"UpdateItem", &UpdateItem},
      {"Query", &Query},
      {"Scan", &Scan},
      {"BatchGetItem", &BatchGetItem},
      {"BatchWriteItem", &BatchWriteItem},
      {"TransactWriteItems", &TransactWriteItems},
      {"TransactGetItems", &TransactGetItems},
      {"ExecuteStatement", &ExecuteStatement},
      {"BatchExecuteStatement", &BatchExecuteStatement},
      {"ExecuteTransaction", &ExecuteTransaction},
  };
  return operations;
}

void Handle(TableService::Impl& impl, edge::Call call, edge::Responder responder) {
  auto op = Operations().find(call.operation);
  if (op == Operations().end()) {
    return responder.Fail(Error{400, "UnknownOperationException",
                                "Kumo does not implement the DynamoDB operation '" + call.operation + "'"});
  }
  if (impl.shut_down.load(std::memory_order_acquire)) {
    return responder.Fail(Internal("tables: the service is shutting down"));
  }
  auto op_call = std::make_shared<OpCall>(
      impl, call.request.region.empty() ? impl.options.region : std::move(call.request.region),
      std::string(call.request.headers.Get("Host").value_or("")), std::move(responder));
  if (Status parsed = op_call->Parse(call.request.body); !parsed.ok()) return op_call->Fail(parsed.error());
  op->second(op_call);
}

}  // namespace

// ---- OpCall ----

Status OpCall::Parse(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return Status::Ok();
  boost::json::parse_options options;
  options.max_depth = 160;  // DynamoDB nests values 32 deep: about 67 levels of JSON
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec, boost::json::storage_ptr(&arena), options);
  if (ec) return Error{400, "SerializationException", "Malformed JSON: " + ec.message()};
  if (!v.is_object()) return Error{400, "SerializationException", "Request body must be a JSON object"};
  input = std::move(v.as_object());
  return Status::Ok();
}

void OpCall::Reply(std::string body) {
  edge::Response response;
  response.status = 200;
  response.headers.Set("Content-Type", "application/x-amz-json-1.0");
  response.body = std::move(body);
  responder.Send(std::move(response));
}

void OpCall::FailWith(const Error& error, std::string_view extra) {
  // Through the responder, like every other error, so /_kumo/metrics counts it.
  Error detailed = error;
  detailed.details_json = "{" + std::string(extra) + "}";
  responder.Fail(detailed);
}

Result<TableHandle> OpCall::FindTable(std::string_view name) const {
  std::optional<TableHandle> handle = impl.catalog.Find(region, name);
  if (!handle) return TableNotFound();
  return std::move(*handle);
}

void CloseObject(std::string& out) {
  if (!out.empty() && out.back() == ',') {
    out.back() = '}';
  } else {
    out += '}';
  }
}

// ---- IdempotencyCache ----

std::optional<IdempotencyCache::Entry> IdempotencyCache::Find(const std::string& token,
                                                              int64_t now_millis) {
  std::lock_guard lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.expires_millis <= now_millis && !it->second.response.empty()) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  auto it = entries_.find(token);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

bool IdempotencyCache::Claim(const std::string& token, std::string fingerprint,
                             int64_t now_millis) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = entries_.try_emplace(token);
  if (!inserted) return false;
  it->second.fingerprint = std::move(fingerprint);
  it->second.expires_millis = now_millis + 10 * 60 * 1000;
  return true;
}

void IdempotencyCache::Complete(const std::string& token, std::string response) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(token);
  if (it == entries_.end()) return;
  if (response.empty()) {
    entries_.erase(it);
  } else {
    it->second.response = std::move(response);
  }
}

// ---- Impl ----

TableService::Impl::Impl(storage::Store& store, TableServiceOptions options, storage::Family meta,
                         storage::Family items, storage::Family indexes)
    : store(store),
      options(std::move(options)),
      meta_family(meta),
      items(items),
      indexes(indexes),
      catalog(store, meta),
      writes(store, items, indexes, this->options.recorder, *this->options.clock,
             this->options.item_collection_size_limit) {}

TableService::Impl::~Impl() { Shutdown(); }

void TableService::Impl::StartBackground() {
  background_ = std::thread([this] { BackgroundLoop(); });
}

void TableService::Impl::RunInBackground(std::function<void()> task) {
  {
    std::lock_guard lock(bg_mu_);
    if (bg_stop_) return;
    bg_tasks_.push_back(std::move(task));
  }
  bg_cv_.notify_all();
}

void TableService::Impl::BackgroundLoop() {
  const auto interval = options.ttl_sweep_interval;
  auto next_sweep = std::chrono::steady_clock::now() + interval;
  std::unique_lock lock(bg_mu_);
  while (!bg_stop_) {
    if (!bg_tasks_.empty()) {
      std::function<void()> task = std::move(bg_tasks_.front());
      bg_tasks_.pop_front();
      lock.unlock();
      task();
      lock.lock();
      continue;
    }
    if (interval.count() <= 0) {
      bg_cv_.wait(lock, [this] { return bg_stop_ || !bg_tasks_.empty(); });
      continue;
    }
    if (std::chrono::steady_clock::now() >= next_sweep) {
      lock.unlock();
      SweepExpiredItems();
      lock.lock();
      next_sweep = std::chrono::steady_clock::now() + interval;
      continue;
    }
    bg_cv_.wait_until(lock, next_sweep, [this] { return bg_stop_ || !bg_tasks_.empty(); });
  }
}

void TableService::Impl::Shutdown() {
  if (shut_down.exchange(true)) return;
  {
    std::lock_guard lock(bg_mu_);
    bg_stop_ = true;
    bg_tasks_.clear();
  }
  bg_cv_.notify_all();
  if (background_.joinable()) background_.join();
  writes.Shutdown();
  Status saved = catalog.SaveStats();
  if (!saved.ok()) spdlog::warn("tables: could not save table counters: {}", saved.error().message);
}

// ---- TableService ----

TableService::TableService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

TableService::~TableService() { Shutdown(); }

Result<std::unique_ptr<TableService>> TableService::Open(storage::Store& store,
                                                         TableServiceOptions options) {
  KUMO_ASSIGN_OR_RETURN(storage::Family meta, store.OpenFamily(std::string(kMetaFamily)));
  KUMO_ASSIGN_OR_RETURN(storage::Family items, store.OpenFamily(std::string(kItemsFamily)));
  KUMO_ASSIGN_OR_RETURN(storage::Family indexes, store.OpenFamily(std::string(kIndexesFamily)));
  auto impl = std::make_unique<Impl>(store, std::move(options), meta, items, indexes);
  KUMO_RETURN_IF_ERROR(impl->catalog.Load(items, indexes));
  impl->StartBackground();
  // Backfills interrupted by a restart start over (they are idempotent).
  for (const TableHandle& table : impl->catalog.All()) {
    for (const IndexMeta& index : table.meta->indexes) {
      if (!index.backfilling) continue;
      Impl* raw = impl.get();
      impl->RunInBackground([raw, region = table.meta->region, name = table.meta->name,
                             index_name = index.name] { raw->Backfill(region, name, index_name); });
    }
  }
  return std::unique_ptr<TableService>(new TableService(std::move(impl)));
}

edge::ServiceDescriptor TableService::Descriptor() {
  edge::ServiceDescriptor service;
  service.name = "dynamodb";
  service.protocol = edge::Protocol::kJson;
  service.signing_names = {"dynamodb"};
  service.target_prefixes = {"DynamoDB_20120810"};
  Impl* impl = impl_.get();
  service.handler = [impl](edge::Call call, edge::Responder responder) {
    Handle(*impl, std::move(call), std::move(responder));
  };
  return service;
}

void TableService::Shutdown() { impl_->Shutdown(); }

}  // namespace kumo::tables
