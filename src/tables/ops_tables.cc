// CreateTable, DescribeTable, ListTables, UpdateTable, DeleteTable.
//
// Control-plane changes are serialized by Impl::control_mu. The table
// record is written with WriteAsync and the answer sent once it is durable.
// Changes that item writes must see (indexes, streams, deletion) are
// published under WritePath::AllLocked.
#include <boost/json/serialize.hpp>

#include "common/json.h"
#include "tables/request.h"
#include "tables/service_impl.h"
#include "tables/storage_layout.h"
#include "tables/table_spec.h"

namespace kumo::tables {
namespace {

namespace json = boost::json;

std::string Described(std::string_view member, const TableMeta& meta, const TableStats& stats,
                      std::string_view status) {
  json::object out;
  out[member] = DescribeTable(meta, stats, status);
  return json::serialize(out);
}

StreamTarget TargetOf(const TableMeta& meta) {
  return StreamTarget{meta.name, meta.region, meta.StreamArn(), meta.stream_view_type, meta.key_schema};
}

// Queues `batch` and answers `body` once it is durable.
void CommitAndReply(const OpCallPtr& call, storage::WriteBatch batch, std::string body) {
  Status queued = call->impl.writes.Enqueue(std::move(batch), [call, body = std::move(body)](Status status) mutable {
    if (!status.ok()) return call->Fail(status.error());
    call->Reply(std::move(body));
  });
  if (!queued.ok()) call->Fail(queued.error());
}

// Reads a required TableName member with the model's constraints.
Result<std::string> RequiredTableName(const json::object& input) {
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> name, StringMember(input, "TableName"));
  Constraints c;
  c.Name(name, "tableName", true);
  KUMO_RETURN_IF_ERROR(c.Finish());
  return *name;
}

}  // namespace

void CreateTable(const OpCallPtr& call) {
  TableService::Impl& impl = call->impl;
  const int64_t now = impl.options.clock->NowMillis();
  Result<TableMeta> parsed = ParseCreateTable(call->input, call->region, now);
  if (!parsed.ok()) return call->Fail(parsed.error());
  std::lock_guard lock(impl.control_mu);
  if (impl.catalog.Find(call->region, parsed->name)) {
    return call->Fail(Error{400, "ResourceInUseException", "Table already exists: " + parsed->name});
  }
  parsed->id = impl.catalog.AllocateId();
  auto meta = std::make_shared<const TableMeta>(std::move(parsed).value());
  storage::WriteBatch batch;
  batch.Put(impl.meta_family, MetaKey(meta->region, meta->name), json::serialize(ToStored(*meta)));
  batch.Put(impl.meta_family, kNextIdMetaKey, std::to_string(meta->id + 1));
  TableStats stats;
  for (const IndexMeta& index : meta->indexes) stats.indexes[index.id] = {};
  impl.catalog.Publish(meta)->set_stats(stats);
  if (meta->stream_enabled && impl.options.recorder != nullptr) {
    impl.options.recorder->StreamEnabled(TargetOf(*meta), now);
  }
  CommitAndReply(call, std::move(batch), Described("TableDescription", *meta, stats, "CREATING"));
}

void DescribeTable(const OpCallPtr& call) {
  Result<std::string> name = RequiredTableName(call->input);
  if (!name.ok()) return call->Fail(name.error());
  std::optional<TableHandle> table = call->impl.catalog.Find(call->region, *name);
  if (!table) return call->Fail(NamedTableNotFound(*name));
  call->Reply(Described("Table", *table->meta, table->state->stats(), "ACTIVE"));
}

void ListTables(const OpCallPtr& call) {
  Constraints c;
  Result<std::optional<std::string>> start = StringMember(call->input, "ExclusiveStartTableName");
  if (!start.ok()) return call->Fail(start.error());
  Result<std::optional<int64_t>> limit = IntMember(call->input, "Limit");
  if (!limit.ok()) return call->Fail(limit.error());
  c.Name(*start, "exclusiveStartTableName", false);
  c.Min(*limit, "limit", 1);
  c.Max(*limit, "limit", 100);
  if (Status s = c.Finish(); !s.ok()) return call->Fail(s.error());
  bool more = false;
  std::vector<std::string> names =
      call->impl.catalog.List(call->region, start->value_or(""), static_cast<size_t>(limit->value_or(100)), more);
  json::array list;
  for (const std::string& n : names) list.push_back(json::string(n));
  json::object out{{"TableNames", std::move(list)}};
  if (more && !names.empty()) out["LastEvaluatedTableName"] = names.back();
  call->Reply(json::serialize(out));
}

void UpdateTable(const OpCallPtr& call) {
  TableService::Impl& impl = call->impl;
  Result<std::string> name = RequiredTableName(call->input);
  if (!name.ok()) return call->Fail(name.error());
  std::lock_guard lock(impl.control_mu);
  std::optional<TableHandle> table = impl.catalog.Find(call->region, *name);
  if (!table) return call->Fail(NamedTableNotFound(*name));
  const int64_t now = impl.options.clock->NowMillis();
  Result<TableChange> change = ParseUpdateTable(call->input, *table->meta, now);
  if (!change.ok()) return call->Fail(change.error());
  auto meta = std::make_shared<const TableMeta>(std::move(change->meta));

  storage::WriteBatch batch;
  batch.Put(impl.meta_family, MetaKey(meta->region, meta->name), json::serialize(ToStored(*meta)));
  for (uint16_t index_id : change->deleted_indexes) {
    batch.DeleteRange(impl.indexes, IndexPrefix(meta->id, index_id), IndexPrefix(meta->id, index_id + 1));
  }
  TableStats stats = table->state->stats();
  for (uint16_t index_id : change->deleted_indexes) stats.indexes.erase(index_id);
  for (const std::string& created : change->created_indexes) stats.indexes[meta->FindIndex(created)->id] = {};
  std::string body = Described("TableDescription", *meta, stats, "UPDATING");
  {
    // Every later item write sees the new indexes and stream setting.
    WritePath::AllLocked all(impl.writes);
    impl.catalog.Publish(meta);
    table->state->set_stats(stats);
    CommitAndReply(call, std::move(batch), std::move(body));
  }
  if (change->stream_changed && impl.options.recorder != nullptr) {
    if (meta->stream_enabled) {
      impl.options.recorder->StreamEnabled(TargetOf(*meta), now);
    } else {
      impl.options.recorder->StreamDisabled(table->meta->StreamArn());
    }
  }
  TableService::Impl* raw = &impl;
  for (const std::string& created : change->created_indexes) {
    impl.RunInBackground([raw, region = meta->region, table_name = meta->name, created] {
      raw->Backfill(region, table_name, created);
    });
  }
}

void DeleteTable(const OpCallPtr& call) {
  TableService::Impl& impl = call->impl;
  Result<std::string> name = RequiredTableName(call->input);
  if (!name.ok()) return call->Fail(name.error());
  std::lock_guard lock(impl.control_mu);
  std::optional<TableHandle> table = impl.catalog.Find(call->region, *name);
  if (!table) return call->Fail(NamedTableNotFound(*name));
  const TableMeta& meta = *table->meta;
  if (meta.deletion_protection) {
    return call->Fail(ValidationError(
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion "
        "protection first."));
  }
  storage::WriteBatch batch;
  batch.Delete(impl.meta_family, MetaKey(meta.region, meta.name));
  batch.Delete(impl.meta_family, StatsKey(meta.id));
  batch.Delete(impl.meta_family, CollectionsKey(meta.id));
  batch.DeleteRange(impl.items, TablePrefix(meta.id), TablePrefix(meta.id + 1));
  batch.DeleteRange(impl.indexes, TablePrefix(meta.id), TablePrefix(meta.id + 1));
  std::string body = Described("TableDescription", meta, table->state->stats(), "DELETING");
  {
    // No item write is between its read and its queueing; later ones see the table gone.
    WritePath::AllLocked all(impl.writes);
    impl.catalog.Remove(meta.region, meta.name);
    CommitAndReply(call, std::move(batch), std::move(body));
  }
  if (meta.stream_enabled && impl.options.recorder != nullptr) {
    impl.options.recorder->StreamDisabled(meta.StreamArn());
  }
}

}  // namespace kumo::tables
