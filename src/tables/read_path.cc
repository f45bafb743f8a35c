#include "tables/read_path.h"

#include "tables/condition_evaluator.h"
#include "tables/item_codec.h"
#include "tables/key_codec.h"
#include "tables/projection.h"
#include "tables/request.h"
#include "tables/storage_layout.h"

namespace kumo::tables {
namespace {

constexpr size_t kPageBytes = 1024 * 1024;

Item KeyOf(const ReadPlan& plan, const Item& item) {
  Item key;
  CopyKeyAttributes(plan.table.meta->key_schema, item, key);
  if (plan.index != nullptr) CopyKeyAttributes(plan.index->key_schema, item, key);
  return key;
}

}  // namespace

Result<const IndexMeta*> FindReadIndex(const TableMeta& meta,
                                       const std::optional<std::string>& name, bool consistent) {
  if (!name) return static_cast<const IndexMeta*>(nullptr);
  const IndexMeta* index = meta.FindIndex(*name);
  if (index == nullptr)
    return ValidationError("The table does not have the specified index: " + *name);
  if (index->global && consistent) {
    return ValidationError("Consistent reads are not supported on global secondary indexes");
  }
  if (index->backfilling) {
    return ValidationError("Cannot read from backfilling global secondary index: " + *name);
  }
  return index;
}

Result<std::string> StartPosition(const TableMeta& meta, const IndexMeta* index,
                                  const Item& start) {
  const Error invalid = ValidationError(
      "The provided starting key is invalid: The provided key element does not match the schema");
  Item table_key;
  CopyKeyAttributes(meta.key_schema, start, table_key);
  size_t expected = table_key.size();
  if (index != nullptr) {
    Item all;
    CopyKeyAttributes(meta.key_schema, start, all);
    CopyKeyAttributes(index->key_schema, start, all);
    expected = all.size();
  }
  if (start.size() != expected) return invalid;
  Result<std::string> item_key = ItemKeyFromKey(meta.key_schema, table_key);
  if (!item_key.ok()) return invalid;
  if (index == nullptr) return ItemStorageKey(meta.id, *item_key);
  std::optional<std::string> entry = IndexEntryKey(meta, *index, start, *item_key);
  if (!entry) return invalid;
  return *entry;
}

bool NeedsTableFetch(const TableMeta& meta, const IndexMeta& index,
                     const std::vector<Path>& projection) {
  for (const Path& path : projection) {
    if (!index.Projects(path.top(), meta.key_schema)) return true;
  }
  return false;
}

Consumed ReadConsumed(const ReadPlan& plan, size_t bytes) {
  Consumed consumed;
  consumed.read = true;
  const double units = ReadUnits(bytes, plan.consistent);
  if (plan.index != nullptr) {
    consumed.indexes[plan.index->name] = units;
  } else {
    consumed.table = units;
  }
  return consumed;
}

Result<ReadPage> ReadRange(TableService::Impl& impl, const ReadPlan& plan) {
  storage::ReadOptions options;
  options.lower_bound = plan.begin;
  options.upper_bound = plan.end;
  const storage::Family family = plan.index != nullptr ? impl.indexes : impl.items;
  std::unique_ptr<storage::Iterator> it = impl.store.NewIterator(family, options);
  if (plan.forward) {
    it->Seek(plan.start_after.value_or(plan.begin));
    if (plan.start_after && it->Valid() && it->key() == *plan.start_after) it->Next();
  } else if (plan.start_after) {
    it->SeekForPrev(*plan.start_after);
    if (it->Valid() && it->key() == *plan.start_after) it->Prev();
  } else {
    it->SeekToLast();
  }

  ReadPage page;
  page.items = "[";
  for (; it->Valid(); plan.forward ? it->Next() : it->Prev()) {
    KUMO_ASSIGN_OR_RETURN(Item item, DecodeItem(it->value()));
    if (plan.fetch_from_table) {
      KUMO_ASSIGN_OR_RETURN(std::string item_key,
                            ItemKeyFromItem(plan.table.meta->key_schema, item));
      KUMO_ASSIGN_OR_RETURN(
          std::optional<std::string> full,
          impl.store.Get(impl.items, ItemStorageKey(plan.table.meta->id, item_key)));
      if (full) {
        KUMO_ASSIGN_OR_RETURN(item, DecodeItem(*full));
      }
    }
    ++page.scanned;
    page.bytes += ItemSize(item);
    if (!plan.filter || EvaluateCondition(*plan.filter, item)) {
      ++page.count;
      if (plan.select != Select::kCount) {
        if (page.items.size() > 1) page.items += ',';
        AppendItemJsonText(plan.projection ? Project(item, *plan.projection) : item, page.items);
      }
    }
    if ((plan.limit && page.scanned >= *plan.limit) || page.bytes >= kPageBytes) {
      page.last_key = KeyOf(plan, item);
      break;
    }
  }
  if (!page.last_key) KUMO_RETURN_IF_ERROR(it->status());
  page.items += ']';
  return page;
}

}  // namespace kumo::tables
