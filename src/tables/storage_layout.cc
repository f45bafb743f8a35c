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

}  // namespace kumo::tables
