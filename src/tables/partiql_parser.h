// PartiQL for DynamoDB: parses one statement of ExecuteStatement,
// BatchExecuteStatement or ExecuteTransaction into the expression trees of
// expression_ast.h, resolved (names and values substituted, functions and
// operand types checked by expression_resolver.h), so the same evaluators
// and write path run PartiQL and the expression API alike.
//
// The subset (keywords case-insensitive; see README.md):
//   SELECT (* | path (, path)*) FROM table[.index] [WHERE cond]
//          [ORDER BY key [ASC | DESC]]
//   INSERT INTO table VALUE {'attr': value, ...}
//   UPDATE table (SET path = setvalue (, ...)* | REMOVE path (, path)*)+
//          WHERE cond [RETURNING (ALL | MODIFIED) (OLD | NEW) *]
//   DELETE FROM table WHERE cond [RETURNING ALL OLD *]
//   EXISTS(SELECT * FROM table WHERE cond)       (ExecuteTransaction only)
// table, index: "quoted" (case-sensitive, any characters) or bare names.
// path: name ('.' name | '[' n ']')*.
// cond: OR, AND, NOT, parentheses; = <> != < <= > >=; BETWEEN x AND y;
//   IN [v, ...] / IN (v, ...); IS [NOT] MISSING; IS [NOT] NULL;
//   begins_with(path, v), contains(path, v), attribute_type(path, v),
//   size(path) as an operand (function names case-insensitive).
// value: 'string', number, TRUE, FALSE, NULL, ?, [list], {'k': v} (map),
//   <<set>> of strings or numbers.
// setvalue: value | path | operand (+ | -) operand |
//   list_append(a, b) | if_not_exists(path, v) |
//   set_add(path, <<...>>) (ADD) | set_delete(path, <<...>>) (DELETE).
//
// Errors are AWS's ValidationException messages: "Statement wasn't well
// formed, can't be processed: <detail>" for syntax, "Number of parameters
// in request and statement don't match.", "Aliasing is not supported", ...
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tables/attribute_value.h"
#include "tables/expression_ast.h"

namespace kumo::tables {

struct PartiqlStatement {
  enum class Kind { kSelect, kInsert, kUpdate, kDelete, kExists };
  Kind kind = Kind::kSelect;
  std::string table;
  std::optional<std::string> index;             // SELECT ... FROM "table"."index"
  std::optional<std::vector<Path>> projection;  // SELECT a, b.c (nullopt: *)
  std::optional<Condition> where;
  struct OrderKey {
    std::string attribute;
    bool descending = false;
  };
  std::vector<OrderKey> order_by;  // SELECT
  Item item;                       // INSERT
  UpdateExpression update;         // UPDATE
  // RETURNING: ALL OLD *, MODIFIED OLD *, ALL NEW *, MODIFIED NEW *.
  enum class Returning { kNone, kAllOld, kModifiedOld, kAllNew, kModifiedNew };
  Returning returning = Returning::kNone;  // UPDATE, DELETE

  bool is_read() const { return kind == Kind::kSelect; }
};

// Parses `text`, taking `?` values from `parameters` in order (fewer than
// the statement's `?` is an error; more are ignored, as on AWS).
Result<PartiqlStatement> ParsePartiql(std::string_view text,
                                      const std::vector<AttributeValue>& parameters);

// "Statement wasn't well formed, can't be processed: <detail>".
Error MalformedStatement(std::string_view detail);

}  // namespace kumo::tables
