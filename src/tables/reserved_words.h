// DynamoDB's reserved words: names that may not appear bare in an
// expression and need an ExpressionAttributeNames placeholder instead.
// Thread-safety: pure functions over a constant table.
#pragma once

#include <cstddef>
#include <string_view>

namespace kumo::tables {

// True if `name` is a reserved word, compared case-insensitively.
bool IsReservedWord(std::string_view name);
size_t ReservedWordCount();

}  // namespace kumo::tables
