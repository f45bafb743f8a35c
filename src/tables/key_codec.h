// Key encoding: primary-key values as RocksDB keys whose unsigned byte order
// is DynamoDB's order.
//
// One key value (S, N or B) encodes self-delimiting, so encodings can be
// concatenated and still compare component by component:
//   S, B: the bytes with 0x00 escaped as 00 FF, then the terminator 00 01.
//   N:    a sign byte (01 negative, 02 zero, 03 positive), then for non-zero
//         numbers the leading-digit exponent + 130 as one byte and the
//         significant digits two per byte (d1*10 + d2 + 1, padded with 0),
//         then a 00 terminator; negative numbers invert these bytes.
// An item's key is   hash32(partition) | enc(partition) [| enc(sort)]:
// the big-endian 32-bit hash prefix spreads partitions evenly (parallel Scan
// segments are hash ranges, as in DynamoDB) and keeps a partition's items
// together, sorted by sort key. The hash is FNV-1a over enc(partition); it
// is part of the on-disk format and must never change.
//
// Index and stream entries are built from the same pieces (PartitionPrefix,
// EncodeKeyValue) followed by the table's item key.
//
// Thread-safety: free functions and a single-threaded reader.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "tables/attribute_value.h"

namespace kumo::tables {

// Appends the encoding of `value`. Precondition: value is S, N or B.
void AppendKeyValue(const AttributeValue& value, std::string& out);
std::string EncodeKeyValue(const AttributeValue& value);
// The encoding shared by every S or B value starting with `prefix` (the
// escaped bytes without the terminator), for begins_with ranges.
std::string EncodeKeyPrefix(const AttributeValue& prefix);

// Decodes key values front to back from an encoded key.
class KeyReader {
 public:
  explicit KeyReader(std::string_view encoded) : in_(encoded) {}
  // Reads one value of `type` (S, N or B). Internal error on malformed bytes.
  Result<AttributeValue> Read(AttrType type);
  // Skips the 4-byte partition hash at the front of an item key.
  Status SkipHash();
  std::string_view remaining() const { return in_; }

 private:
  std::string_view in_;
};

uint32_t PartitionHash(const AttributeValue& partition);
// hash32(partition) | enc(partition): every item of the partition, and only
// those, has a key starting with this prefix.
std::string PartitionPrefix(const AttributeValue& partition);
// The item key. `sort` is null for tables without a sort key.
std::string EncodeItemKey(const AttributeValue& partition, const AttributeValue* sort);

// The smallest string greater than every string starting with `prefix`;
// empty when there is none (prefix is all 0xFF), meaning "no upper bound".
std::string PrefixSuccessor(std::string_view prefix);

// The range of 32-bit hashes [begin, end) covered by parallel Scan segment
// `segment` of `total` (precondition: 0 <= segment < total), as key bounds
// for RocksDB: begin inclusive, end exclusive, end empty for the last one.
struct KeyRange {
  std::string begin;
  std::string end;
};
KeyRange ScanSegmentRange(uint32_t segment, uint32_t total);

// ---- Key schema and validation ----

struct KeyAttribute {
  std::string name;
  AttrType type = AttrType::kS;  // S, N or B
};

struct KeySchema {
  KeyAttribute partition;
  std::optional<KeyAttribute> sort;
};

struct PrimaryKey {
  AttributeValue partition;
  std::optional<AttributeValue> sort;
};

// Checks a key attribute's value: non-empty S/B, partition key at most
// 2048 bytes, sort key at most 1024 bytes (AWS's messages).
Status ValidateKeyValue(const KeyAttribute& attribute, const AttributeValue& value,
                        bool is_partition);

// The key of an item about to be written (PutItem): the key attributes must
// be present with the schema's types ("Missing the key ... in the item",
// "Type mismatch for key ...").
Result<std::string> ItemKeyFromItem(const KeySchema& schema, const Item& item);
// The key of a request's Key parameter (GetItem, DeleteItem, UpdateItem):
// exactly the key attributes, of the schema's types, else "The provided key
// element does not match the schema".
Result<std::string> ItemKeyFromKey(const KeySchema& schema, const Item& key);
// Decodes an item key back to its values.
Result<PrimaryKey> DecodeItemKey(const KeySchema& schema, std::string_view encoded);

}  // namespace kumo::tables
