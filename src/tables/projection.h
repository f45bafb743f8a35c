// Applies a projection (ProjectionExpression, or legacy AttributesToGet) to
// an item, as DynamoDB does: only the requested paths are returned, inside
// their enclosing maps and lists; requested list elements keep their
// original relative order with the gaps closed (a[2], a[0] -> [a0, a2]);
// paths that do not exist in the item are silently absent.
//
// Thread-safety: pure function.
#pragma once

#include <vector>

#include "tables/attribute_value.h"
#include "tables/expression_ast.h"

namespace kumo::tables {

Item Project(const Item& item, const std::vector<Path>& paths);

}  // namespace kumo::tables
