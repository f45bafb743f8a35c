// Applies a resolved UpdateExpression (or converted legacy AttributeUpdates)
// to an item, as DynamoDB does:
//   - every SET value is computed from the item as it was before the update
//     ("SET a = b, b = a" swaps);
//   - SET on a list index past the end appends (several such SETs append in
//     index order); REMOVE of list elements uses the original indexes, so
//     SET a[3] with REMOVE a[1] changes the element originally at 3;
//   - ADD adds to numbers and unions sets (creating them when absent);
//     DELETE subtracts from sets and removes a set that becomes empty;
//   - a path whose parent is missing or not a map/list fails with "The
//     document path provided in the update expression is invalid for
//     update"; operands of the wrong type fail with "An operand in the
//     update expression has an incorrect data type"; a SET reading a missing
//     attribute fails with "The provided expression refers to an attribute
//     that does not exist in the item".
// The caller checks key attributes, index key types and the item size.
//
// Thread-safety: pure function.
#pragma once

#include "common/status.h"
#include "tables/attribute_value.h"
#include "tables/expression_ast.h"

namespace kumo::tables {

// `item` is the stored item, or just its key when there was none
// (`item_existed` false: DynamoDB then ignores REMOVEs under missing parents).
Result<Item> ApplyUpdate(const UpdateExpression& update, Item item, bool item_existed = true);

}  // namespace kumo::tables
