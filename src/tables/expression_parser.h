// Parses the expression languages into trees with placeholders as written
// (see expression_ast.h). This phase knows only syntax: function names,
// reserved words, placeholders and types are checked by the resolver.
//
// Grammar (keywords case-insensitive, function names case-sensitive):
//   condition  := or;  or := and (OR and)*;  and := not (AND not)*
//   not        := NOT not | '(' condition ')' | predicate
//   predicate  := operand comparator operand | operand BETWEEN operand AND operand
//               | operand IN '(' operand (',' operand)* ')' | call
//   operand    := call | :value | path | '(' operand ')'
//   call       := name '(' operand (',' operand)* ')'
//   path       := (name | #name) ('.' (name | #name) | '[' digits ']')*
//   update     := (SET set (',' set)* | REMOVE path (',' path)*
//               |  ADD path :value (',' ...)* | DELETE path :value (',' ...)*)+
//   set        := path '=' value;  value := operand [('+' | '-') operand] | '(' value ')'
//   projection := path (',' path)*
//
// Errors are AWS's messages without the "Invalid <Parameter>: " prefix:
// "The expression can not be empty;" or
// "Syntax error; token: \"<token>\", near: \"<text around it>\"".
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "common/status.h"
#include "tables/expression_ast.h"

namespace kumo::tables {

Result<Condition> ParseCondition(std::string_view text);
Result<UpdateExpression> ParseUpdate(std::string_view text);
Result<ProjectionExpression> ParseProjection(std::string_view text);

}  // namespace kumo::tables
