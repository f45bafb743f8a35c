#include "tables/storage_layout.h"

#include "tables/key_codec.h"

namespace kumo::tables {
namespace {

void AppendBe32(uint32_t v, std::string& out) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

const AttributeValue* KeyValue(const Item& item, const KeyAttribute& attribute) {
  auto it = item.find(attribute.name);
  if (it == item.end() || it->second.type() != attribute.type) return nullptr;
  return &it->second;
}

}  // namespace

std::string MetaKey(std::string_view region, std::string_view name) {
  std::string key = "t/";
  key.append(region);
  key.push_back('/');
  key.append(name);
  return key;
}

std::string StatsKey(uint32_t table_id) { return "stats/" + std::to_string(table_id); }

std::string CollectionsKey(uint32_t table_id) { return "collections/" + std::to_string(table_id); }

std::string TablePrefix(uint32_t table_id) {
  std::string out;
  AppendBe32(table_id, out);
  return out;
}

std::string IndexPrefix(uint32_t table_id, uint16_t index_id) {
  std::string out;
  out.reserve(6);
  AppendBe32(table_id, out);
  out.push_back(static_cast<char>(index_id >> 8));
  out.push_back(static_cast<char>(index_id));
  return out;
}

std::string ItemStorageKey(uint32_t table_id, std::string_view item_key) {
  std::string out;
  out.reserve(4 + item_key.size());
  AppendBe32(table_id, out);
  out.append(item_key);
  return out;
}

std::optional<std::string> IndexEntryKey(const TableMeta& meta, const IndexMeta& index,
                                         const Item& item, std::string_view item_key) {
  const AttributeValue* pk = KeyValue(item, index.key_schema.partition);
  if (pk == nullptr) return std::nullopt;
  const AttributeValue* sk = nullptr;
  if (index.key_schema.sort) {
    sk = KeyValue(item, *index.key_schema.sort);
    if (sk == nullptr) return std::nullopt;
  }
  std::string key = IndexPrefix(meta.id, index.id);
  key += PartitionPrefix(*pk);
  if (sk != nullptr) AppendKeyValue(*sk, key);
  key.append(item_key);
  return key;
}

void CopyKeyAttributes(const KeySchema& schema, const Item& item, Item& out) {
  auto copy = [&](const std::string& name) {
    auto it = item.find(name);
    if (it != item.end()) out.insert_or_assign(name, it->second);
  };
  copy(schema.partition.name);
  if (schema.sort) copy(schema.sort->name);
}

Item ProjectForIndex(const TableMeta& meta, const IndexMeta& index, const Item& item) {
  if (index.projection == ProjectionType::kAll) return item;
  Item out;
  CopyKeyAttributes(meta.key_schema, item, out);
  CopyKeyAttributes(index.key_schema, item, out);
  if (index.projection == ProjectionType::kInclude) {
    for (const std::string& name : index.non_key_attributes) {
      auto it = item.find(name);
      if (it != item.end()) out.insert_or_assign(name, it->second);
    }
  }
  return out;
}

int64_t ItemCollectionBytes(const TableMeta& meta, const Item& item) {
  const int64_t item_size = static_cast<int64_t>(ItemSize(item));
  int64_t total = item_size;
  for (const IndexMeta& index : meta.indexes) {
    if (index.global) continue;
    // A local index shares the table's partition key: the entry exists when
    // the item has the index sort key with its defined type.
    if (index.key_schema.sort && KeyValue(item, *index.key_schema.sort) == nullptr) continue;
    int64_t entry = 0;
    if (index.projection == ProjectionType::kAll) {
      entry = item_size;
    } else {
      // The attributes ProjectForIndex keeps, sized without copying them.
      for (const auto& [name, value] : item) {
        if (index.Projects(name, meta.key_schema)) {
          entry += static_cast<int64_t>(name.size() + AttributeValueSize(value));
        }
      }
    }
    total += entry + kIndexEntryOverhead;
  }
  return total;
}

Result<std::string> CollectionOfItemKey(const KeySchema& schema, std::string_view item_key) {
  KeyReader reader(item_key);
  KUMO_RETURN_IF_ERROR(reader.SkipHash());
  KUMO_RETURN_IF_ERROR(reader.Read(schema.partition.type).status());
  return std::string(item_key.substr(0, item_key.size() - reader.remaining().size()));
}

namespace {

void AppendBe64(uint64_t v, std::string& out) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

uint64_t ReadBe(std::string_view in, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

}  // namespace

// Entries: be32(name length) | name | be64(bytes).
std::string EncodeCollectionSizes(const CollectionSizes& sizes) {
  std::string out;
  for (const auto& [name, bytes] : sizes) {
    AppendBe32(static_cast<uint32_t>(name.size()), out);
    out += name;
    AppendBe64(static_cast<uint64_t>(bytes), out);
  }
  return out;
}

Result<CollectionSizes> DecodeCollectionSizes(std::string_view in) {
  CollectionSizes sizes;
  while (!in.empty()) {
    if (in.size() < 4) return Internal("tables: unreadable item collection sizes");
    const size_t length = ReadBe(in, 4);
    if (in.size() < 4 + length + 8) return Internal("tables: unreadable item collection sizes");
    sizes[std::string(in.substr(4, length))] =
        static_cast<int64_t>(ReadBe(in.substr(4 + length), 8));
    in.remove_prefix(4 + length + 8);
  }
  return sizes;
}

}  // namespace kumo::tables
