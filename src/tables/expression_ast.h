// The expression trees shared by every phase: the parser builds them with
// placeholders (#name, :value) as written, the resolver substitutes names
// and values and checks them, the evaluators run them over an Item. The
// legacy parameters (Expected, KeyConditions, AttributeUpdates, ...) are
// converted straight to resolved trees.
//
// Thread-safety: plain values; a resolved tree is immutable in use and can
// be shared across threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tables/attribute_value.h"

namespace kumo::tables {

// One step of a document path: a map key / attribute name, or a list index.
struct PathElement {
  enum class Kind : uint8_t { kName, kIndex };
  Kind kind = Kind::kName;
  // kName: the attribute name; in a parsed tree, the token as written
  // ("#n" when `placeholder`, else the bare name).
  std::string name;
  uint32_t index = 0;        // kIndex
  bool placeholder = false;  // parsed trees only: name is a #reference

  static PathElement Name(std::string name) { return {Kind::kName, std::move(name), 0, false}; }
  static PathElement Index(uint32_t index) { return {Kind::kIndex, "", index, false}; }
  friend bool operator==(const PathElement& a, const PathElement& b) {
    return a.kind == b.kind && a.name == b.name && a.index == b.index;
  }
};

struct Path {
  std::vector<PathElement> elements;  // never empty; the first is a name

  // AWS's rendering in messages: "[a, b, [3]]".
  std::string ToString() const;
  const std::string& top() const { return elements.front().name; }
  bool nested() const { return elements.size() > 1; }
  friend bool operator==(const Path& a, const Path& b) { return a.elements == b.elements; }
};

// A path made of plain attribute names (tests and legacy conversion).
Path MakePath(std::initializer_list<std::string_view> names);

enum class Function : uint8_t {
  kUnknown,
  // Conditions.
  kAttributeExists,
  kAttributeNotExists,
  kAttributeType,
  kBeginsWith,
  kContains,
  kSize,
  // SET values.
  kIfNotExists,
  kListAppend,
  kPlus,   // a + b
  kMinus,  // a - b
};

// A value-producing expression: a document path, a literal value, or a
// function call (including SET's + and -).
struct Operand {
  enum class Kind : uint8_t { kPath, kValue, kFunction };
  Kind kind = Kind::kPath;
  Path path;                  // kPath
  std::string value_name;     // kValue: the :placeholder as written (parsed trees only)
  AttributeValue value;       // kValue: the value (resolved trees)
  std::string function_name;  // kFunction: as written; "+" / "-" for arithmetic
  Function function = Function::kUnknown;  // kFunction, set by the resolver
  std::vector<Operand> args;               // kFunction
  bool parenthesized = false;              // parser bookkeeping
  bool redundant_parens = false;           // "((x))": AWS rejects it

  static Operand OfPath(Path path);
  static Operand OfValue(AttributeValue value);
};

enum class Comparator : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
std::string_view ComparatorText(Comparator op);  // "=", "<>", "<", "<=", ">", ">="

struct Condition {
  enum class Kind : uint8_t { kOr, kAnd, kNot, kCompare, kBetween, kIn, kFunction };
  Kind kind = Kind::kCompare;
  Comparator comparator = Comparator::kEq;  // kCompare
  std::vector<Condition> children;          // kOr, kAnd: two; kNot: one
  // kCompare: lhs, rhs. kBetween: value, lower, upper. kIn: value, then
  // the candidates. kFunction: one operand, the call.
  std::vector<Operand> operands;
  bool parenthesized = false;     // parser bookkeeping
  bool redundant_parens = false;  // "((a = b))": AWS rejects it
};

struct UpdateAction {
  enum class Kind : uint8_t { kSet, kRemove, kAdd, kDelete };
  Kind kind = Kind::kSet;
  Path path;
  // kSet: the new value's expression. kAdd, kDelete: a literal value.
  Operand value;
  // Legacy AttributeUpdates ADD, which also appends to lists.
  bool legacy_add = false;
};

struct UpdateExpression {
  std::vector<UpdateAction> actions;
  // Parsed trees only: the first clause keyword used twice, e.g. "SET".
  std::string repeated_clause;
};

struct ProjectionExpression {
  std::vector<Path> paths;
};

// Builders for trees made by code (legacy parameters, PartiQL).
// A function call standing as a condition; `function` is kUnknown in a
// parsed tree (the resolver sets it from `name`).
Condition FunctionCondition(Function function, std::string_view name, std::vector<Operand> args);
// `a AND b` or `a OR b` (`kind` kAnd or kOr).
Condition Combine(Condition::Kind kind, Condition a, Condition b);
Condition Negate(Condition a);

// Compact renderings for logs and tests: "(a.b[1] = :v AND NOT size(c) > :n)".
// Literal values print as their placeholder when they have one, else as
// TYPE:value.
std::string Describe(const Operand& operand);
std::string Describe(const Condition& condition);
std::string Describe(const UpdateExpression& update);

}  // namespace kumo::tables
