// The resolve phase: turns a parsed tree into one the evaluators can run.
// It substitutes #names and :values (marking them used in the request's
// ExpressionAttributes), and rejects what DynamoDB rejects before touching
// any item: reserved words used as names, unknown or misused functions,
// wrong operand counts and literal operand types, redundant parentheses,
// repeated update clauses, and overlapping or conflicting document paths.
// When several problems exist, the one reported is chosen by a fixed
// priority per expression kind, approximating AWS's.
//
// Compile* = parse + resolve, with errors prefixed the way AWS prefixes them
// ("Invalid ConditionExpression: ..."). Call ExpressionAttributes::CheckAllUsed
// after compiling every expression of a request.
//
// Thread-safety: pure functions, except for the ExpressionAttributes passed in.
#pragma once

#include <string_view>

#include "common/status.h"
#include "tables/expression_ast.h"
#include "tables/expression_attributes.h"

namespace kumo::tables {

enum class ExpressionKind { kCondition, kKeyCondition, kFilter, kUpdate, kProjection };
// "ConditionExpression", "KeyConditionExpression", "FilterExpression", ...
std::string_view ParameterName(ExpressionKind kind);

// `kind` is kCondition, kKeyCondition or kFilter (it only names the parameter).
Result<Condition> CompileCondition(std::string_view text, ExpressionKind kind,
                                   ExpressionAttributes& attributes);
Result<UpdateExpression> CompileUpdate(std::string_view text, ExpressionAttributes& attributes);
Result<ProjectionExpression> CompileProjection(std::string_view text,
                                               ExpressionAttributes& attributes);

// The resolve phase alone; errors carry no "Invalid ...:" prefix.
Result<Condition> ResolveCondition(Condition parsed, ExpressionAttributes& attributes);
Result<UpdateExpression> ResolveUpdate(UpdateExpression parsed, ExpressionAttributes& attributes);
Result<ProjectionExpression> ResolveProjection(ProjectionExpression parsed,
                                               ExpressionAttributes& attributes);

// Checks a list of paths for overlap ("Two document paths overlap with each
// other; ...") and conflict ("Two document paths conflict with each
// other; ..."). Used for projections and updates, and by the legacy
// converters. Returns the first problem, overlap before conflict.
Status CheckPathsDisjoint(const std::vector<const Path*>& paths);

}  // namespace kumo::tables
