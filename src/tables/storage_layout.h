// Where tables live in the Store.
//
// Families:
//   tables_meta     "t/{region}/{name}" -> TableMeta JSON (table_meta.h);
//                   "next_id" -> the next table storage id (decimal);
//                   "stats/{id}" -> counters saved at a clean shutdown;
//                   "clean" -> present only between a clean shutdown and the next open;
//                   "collections/{id}" -> item collection sizes saved at a clean shutdown
//                   (tables with local secondary indexes; EncodeCollectionSizes).
//   tables_items    be32(table id) | item key (key_codec.h)  -> EncodeItem(item)
//   tables_indexes  be32(table id) | be16(index id) | hash32(index pk) | enc(index pk)
//                   [| enc(index sk)] | item key            -> EncodeItem(projected item)
// An index entry ends with the table's item key, so entries with equal index
// keys are distinct and ordered by the table key, as in DynamoDB. Table ids
// are never reused: dropping a table is two DeleteRanges over its prefix.
//
// Thread-safety: free functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"
#include "tables/attribute_value.h"
#include "tables/table_meta.h"

namespace kumo::tables {

inline constexpr std::string_view kMetaFamily = "tables_meta";
inline constexpr std::string_view kItemsFamily = "tables_items";
inline constexpr std::string_view kIndexesFamily = "tables_indexes";
inline constexpr std::string_view kNextIdMetaKey = "next_id";
inline constexpr std::string_view kCleanMetaKey = "clean";

std::string MetaKey(std::string_view region, std::string_view name);
std::string StatsKey(uint32_t table_id);
std::string CollectionsKey(uint32_t table_id);

// be32(table id): every item of the table starts with it.
std::string TablePrefix(uint32_t table_id);
// be32(table id) | be16(index id).
std::string IndexPrefix(uint32_t table_id, uint16_t index_id);
std::string ItemStorageKey(uint32_t table_id, std::string_view item_key);

// The index entry key of `item` (whose table item key is `item_key`), or
// nullopt when the item lacks one of the index's key attributes or has it
// with another type than the definition (a sparse index skips it).
std::optional<std::string> IndexEntryKey(const TableMeta& meta, const IndexMeta& index,
                                         const Item& item, std::string_view item_key);
// The attributes the index stores for `item`: its projection plus every key
// attribute of the table and of the index.
Item ProjectForIndex(const TableMeta& meta, const IndexMeta& index, const Item& item);

// The key attributes of `item` for `schema` (LastEvaluatedKey, KEYS_ONLY).
void CopyKeyAttributes(const KeySchema& schema, const Item& item, Item& out);

// ---- Item collections (tables with local secondary indexes) ----
//
// An item collection is every item sharing a partition key value, plus the
// local secondary index entries of those items. It is named by the
// partition's PartitionPrefix (the front of its items' keys).

// AWS's storage overhead per index entry.
inline constexpr int64_t kIndexEntryOverhead = 100;

// The bytes `item` holds in its collection, as AWS counts them: the item's
// size, plus, for each local secondary index holding an entry for it, the
// entry's size (its projected attributes and keys) and kIndexEntryOverhead.
int64_t ItemCollectionBytes(const TableMeta& meta, const Item& item);

// The collection name (PartitionPrefix) of a table item key. Internal error
// on malformed bytes.
Result<std::string> CollectionOfItemKey(const KeySchema& schema, std::string_view item_key);

// The stored form of a table's collection sizes (collection name -> bytes),
// and back; DecodeCollectionSizes fails with an Internal error on bytes it
// cannot read.
using CollectionSizes = std::unordered_map<std::string, int64_t>;
std::string EncodeCollectionSizes(const CollectionSizes& sizes);
Result<CollectionSizes> DecodeCollectionSizes(std::string_view encoded);

}  // namespace kumo::tables
