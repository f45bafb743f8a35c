#include "tables/catalog.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <functional>

#include "common/json.h"
#include "tables/item_codec.h"
#include "tables/key_codec.h"
#include "tables/storage_layout.h"

namespace kumo::tables {
namespace {

namespace json = boost::json;

// Calls `visit(key after the prefix, item)` for every entry under `prefix` of `family`.
Status ForEachEntry(storage::Store& store, storage::Family family, const std::string& prefix,
                    const std::function<Status(std::string_view, const Item&)>& visit) {
  storage::ReadOptions options;
  options.lower_bound = prefix;
  options.upper_bound = PrefixSuccessor(prefix);
  std::unique_ptr<storage::Iterator> it = store.NewIterator(family, options);
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    KUMO_ASSIGN_OR_RETURN(Item item, DecodeItem(it->value()));
    KUMO_RETURN_IF_ERROR(visit(it->key().substr(prefix.size()), item));
  }
  return it->status();
}

}  // namespace

Result<IndexStats> CountEntries(storage::Store& store, storage::Family family,
                                const std::string& prefix) {
  IndexStats stats;
  KUMO_RETURN_IF_ERROR(ForEachEntry(store, family, prefix, [&](std::string_view, const Item& item) {
    stats.item_count += 1;
    stats.size_bytes += static_cast<int64_t>(ItemSize(item));
    return Status::Ok();
  }));
  return stats;
}

Result<CollectionSizes> CountCollections(storage::Store& store, storage::Family items,
                                         const TableMeta& meta) {
  CollectionSizes sizes;
  KUMO_RETURN_IF_ERROR(ForEachEntry(store, items, TablePrefix(meta.id),
                                    [&](std::string_view item_key, const Item& item) -> Status {
                                      KUMO_ASSIGN_OR_RETURN(
                                          std::string collection,
                                          CollectionOfItemKey(meta.key_schema, item_key));
                                      sizes[collection] += ItemCollectionBytes(meta, item);
                                      return Status::Ok();
                                    }));
  return sizes;
}

namespace {

json::object StatsToJson(const TableStats& stats) {
  json::object out{{"n", stats.table.item_count}, {"b", stats.table.size_bytes}};
  json::object indexes;
  for (const auto& [id, s] : stats.indexes) {
    indexes[std::to_string(id)] = json::array{s.item_count, s.size_bytes};
  }
  out["i"] = std::move(indexes);
  return out;
}

std::optional<TableStats> StatsFromJson(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.as_object();
  const json::value* n = o.if_contains("n");
  const json::value* b = o.if_contains("b");
  const json::value* i = o.if_contains("i");
  if (n == nullptr || b == nullptr || i == nullptr || !n->is_int64() || !b->is_int64() ||
      !i->is_object()) {
    return std::nullopt;
  }
  TableStats stats;
  stats.table = {n->as_int64(), b->as_int64()};
  for (const auto& kv : i->as_object()) {
    const json::value& pair = kv.value();
    if (!pair.is_array() || pair.as_array().size() != 2 || !pair.as_array()[0].is_int64() ||
        !pair.as_array()[1].is_int64()) {
      return std::nullopt;
    }
    stats.indexes[static_cast<uint16_t>(std::stoul(std::string(kv.key())))] = {
        pair.as_array()[0].as_int64(), pair.as_array()[1].as_int64()};
  }
  return stats;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> ParseTableArn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:dynamodb:";
  if (!arn.starts_with(kPrefix)) return std::nullopt;
  std::string_view rest = arn.substr(kPrefix.size());
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string region(rest.substr(0, colon));
  rest = rest.substr(colon + 1);
  colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  rest = rest.substr(colon + 1);
  if (!rest.starts_with("table/")) return std::nullopt;
  std::string name(rest.substr(6));
  if (name.empty() || name.find('/') != std::string::npos) return std::nullopt;
  return std::make_pair(std::move(region), std::move(name));
}

Status Catalog::Load(storage::Family items, storage::Family indexes) {
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> next_id, store_.Get(family_, kNextIdMetaKey));
  if (next_id) next_id_ = static_cast<uint32_t>(std::stoul(*next_id));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> clean, store_.Get(family_, kCleanMetaKey));

  storage::ReadOptions options;
  options.lower_bound = "t/";
  options.upper_bound = "t0";
  std::unique_ptr<storage::Iterator> it = store_.NewIterator(family_, options);
  std::vector<std::shared_ptr<const TableMeta>> metas;
  for (it->Seek("t/"); it->Valid(); it->Next()) {
    boost::system::error_code ec;
    json::value v = json::parse(it->value(), ec);
    if (ec || !v.is_object()) return Internal("tables: unreadable table record");
    KUMO_ASSIGN_OR_RETURN(TableMeta meta, FromStored(v.as_object()));
    metas.push_back(std::make_shared<const TableMeta>(std::move(meta)));
  }
  KUMO_RETURN_IF_ERROR(it->status());

  for (const auto& meta : metas) {
    std::shared_ptr<TableState> state = Publish(meta);
    std::optional<TableStats> stats;
    if (clean) {
      KUMO_ASSIGN_OR_RETURN(std::optional<std::string> saved, store_.Get(family_, StatsKey(meta->id)));
      if (saved) stats = StatsFromJson(*saved);
    }
    if (!stats) {
      stats.emplace();
      KUMO_ASSIGN_OR_RETURN(stats->table, CountEntries(store_, items, TablePrefix(meta->id)));
      for (const IndexMeta& index : meta->indexes) {
        KUMO_ASSIGN_OR_RETURN(stats->indexes[index.id],
                              CountEntries(store_, indexes, IndexPrefix(meta->id, index.id)));
      }
    }
    state->set_stats(std::move(*stats));
    if (meta->has_local_indexes()) {
      std::optional<CollectionSizes> collections;
      if (clean) {
        KUMO_ASSIGN_OR_RETURN(std::optional<std::string> saved,
                              store_.Get(family_, CollectionsKey(meta->id)));
        if (saved) {
          KUMO_ASSIGN_OR_RETURN(collections, DecodeCollectionSizes(*saved));
        }
      }
      if (!collections) {
        KUMO_ASSIGN_OR_RETURN(collections, CountCollections(store_, items, *meta));
      }
      state->set_collections(std::move(*collections));
    }
    if (meta->id >= next_id_) next_id_ = meta->id + 1;
  }
  if (clean) {
    // From now on the saved counters go stale: a crash must recount.
    storage::WriteBatch batch;
    batch.Delete(family_, kCleanMetaKey);
    KUMO_RETURN_IF_ERROR(store_.Write(batch));
  }
  return Status::Ok();
}

Status Catalog::SaveStats() {
  storage::WriteBatch batch;
  for (const TableHandle& handle : All()) {
    batch.Put(family_, StatsKey(handle.meta->id), json::serialize(StatsToJson(handle.state->stats())));
    if (handle.meta->has_local_indexes()) {
      batch.Put(family_, CollectionsKey(handle.meta->id),
                EncodeCollectionSizes(handle.state->collections()));
    }
  }
  batch.Put(family_, kCleanMetaKey, "1");
  return store_.Write(batch);
}

std::optional<TableHandle> Catalog::Find(std::string_view region, std::string_view name) const {
  std::optional<std::pair<std::string, std::string>> arn;
  if (name.starts_with("arn:")) {
    arn = ParseTableArn(name);
    if (!arn) return std::nullopt;
    region = arn->first;
    name = arn->second;
  }
  std::shared_lock lock(mu_);
  auto r = regions_.find(region);
  if (r == regions_.end()) return std::nullopt;
  auto t = r->second.find(name);
  if (t == r->second.end()) return std::nullopt;
  return TableHandle{t->second, t->second->meta()};
}

std::vector<std::string> Catalog::List(std::string_view region, std::string_view start_after,
                                       size_t limit, bool& more) const {
  std::vector<std::string> names;
  more = false;
  std::shared_lock lock(mu_);
  auto r = regions_.find(region);
  if (r == regions_.end()) return names;
  auto it = start_after.empty() ? r->second.begin() : r->second.upper_bound(start_after);
  for (; it != r->second.end(); ++it) {
    if (names.size() == limit) {
      more = true;
      break;
    }
    names.push_back(it->first);
  }
  return names;
}

std::vector<TableHandle> Catalog::All() const {
  std::vector<TableHandle> out;
  std::shared_lock lock(mu_);
  for (const auto& [region, tables] : regions_) {
    for (const auto& [name, state] : tables) out.push_back(TableHandle{state, state->meta()});
  }
  return out;
}

std::shared_ptr<TableState> Catalog::Publish(std::shared_ptr<const TableMeta> meta) {
  std::unique_lock lock(mu_);
  auto& tables = regions_[meta->region];
  auto it = tables.find(meta->name);
  if (it != tables.end()) {
    it->second->set_meta(std::move(meta));
    return it->second;
  }
  std::string name = meta->name;
  auto state = std::make_shared<TableState>(std::move(meta));
  tables.emplace(std::move(name), state);
  return state;
}

void Catalog::Remove(std::string_view region, std::string_view name) {
  std::unique_lock lock(mu_);
  auto r = regions_.find(region);
  if (r == regions_.end()) return;
  auto t = r->second.find(name);
  if (t == r->second.end()) return;
  t->second->mark_deleted();
  r->second.erase(t);
}

uint32_t Catalog::AllocateId() {
  std::unique_lock lock(mu_);
  return next_id_++;
}

}  // namespace kumo::tables
