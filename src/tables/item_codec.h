// The stored form of an item: one compact binary value per item, written
// in the same WriteBatch as its index and stream entries.
//
// Format (version 1), all lengths and counts unsigned LEB128 varints:
//   item   := 0x01 count (name value)*
//   name   := len bytes
//   value  := tag payload
//     S 0x01 len bytes | N 0x02 len canonical-decimal-text | B 0x03 len bytes
//     BOOL false 0x04 | BOOL true 0x05 | NULL 0x06
//     M 0x07 count (name value)* | L 0x08 count value*
//     SS 0x09 count (len bytes)* | NS 0x0A count (len text)* | BS 0x0B count (len bytes)*
// Numbers are kept as their canonical text so that GetItem can copy them to
// the response without arithmetic; sets are stored sorted.
//
// Decoding checks every length against the buffer: corrupt input yields an
// Internal error, never a crash. Thread-safety: free functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "tables/attribute_value.h"

namespace kumo::tables {

std::string EncodeItem(const Item& item);
Result<Item> DecodeItem(std::string_view encoded);

// Appends the DynamoDB JSON of an encoded item ({"name":{"S":"..."},...})
// to `out`, straight from the stored bytes (the GetItem fast path: no Item
// is built). On error `out` may hold a partial object and must be discarded.
Status AppendEncodedItemJson(std::string_view encoded, std::string& out);

}  // namespace kumo::tables
