#include "tables/expression_resolver.h"

#include <array>
#include <optional>
#include <span>

#include "common/encoding.h"
#include "tables/expression_parser.h"
#include "tables/reserved_words.h"

namespace kumo::tables {
namespace {

// Kinds of resolution error. Every kind keeps its first message; the error
// returned is the first present in the expression kind's priority order.
enum Problem {
  kParens,
  kReserved,
  kUnknownFunction,
  kMisusedFunction,
  kSection,
  kUndefinedName,
  kUndefinedValue,
  kOverlap,
  kConflict,
  kUpdateOperand,
  kArity,
  kDistinct,
  kType,
  kProblemCount,
};

constexpr std::array kConditionOrder = {kParens,        kUnknownFunction, kMisusedFunction,
                                        kReserved,      kUndefinedName,   kUndefinedValue,
                                        kArity,         kDistinct,        kType};
constexpr std::array kUpdateOrder = {kParens,   kReserved,       kUnknownFunction, kMisusedFunction,
                                     kSection,  kUndefinedName,  kUndefinedValue,  kOverlap,
                                     kConflict, kUpdateOperand,  kArity,           kType};
constexpr std::array kProjectionOrder = {kReserved, kUndefinedName, kOverlap, kConflict};

struct FunctionInfo {
  std::string_view name;
  Function id;
  size_t arity;
  bool in_condition;  // else in SET values
};

constexpr std::array<FunctionInfo, 10> kFunctions = {{
    {"attribute_exists", Function::kAttributeExists, 1, true},
    {"attribute_not_exists", Function::kAttributeNotExists, 1, true},
    {"attribute_type", Function::kAttributeType, 2, true},
    {"begins_with", Function::kBeginsWith, 2, true},
    {"contains", Function::kContains, 2, true},
    {"size", Function::kSize, 1, true},
    {"if_not_exists", Function::kIfNotExists, 2, false},
    {"list_append", Function::kListAppend, 2, false},
    {"+", Function::kPlus, 2, false},
    {"-", Function::kMinus, 2, false},
}};

constexpr size_t kMaxInOperands = 100;

std::optional<AttrType> LiteralType(const Operand& o) {
  if (o.kind == Operand::Kind::kValue) return o.value.type();
  return std::nullopt;
}

// The type an operand is known to have before evaluation, if any.
std::optional<AttrType> StaticType(const Operand& o) {
  if (o.kind == Operand::Kind::kValue) return o.value.type();
  if (o.kind != Operand::Kind::kFunction) return std::nullopt;
  switch (o.function) {
    case Function::kSize:
    case Function::kPlus:
    case Function::kMinus:
      return AttrType::kN;
    case Function::kListAppend:
      return AttrType::kL;
    case Function::kIfNotExists:
      return o.args.size() == 2 ? StaticType(o.args[1]) : std::nullopt;
    case Function::kUnknown:
      return std::nullopt;
    default:
      return AttrType::kBool;
  }
}

bool IsOrderable(AttrType t) { return t == AttrType::kS || t == AttrType::kN || t == AttrType::kB; }

std::string IncorrectOperandType(std::string_view function, std::string_view type) {
  return "Incorrect operand type for operator or function; operator or function: " +
         std::string(function) + ", operand type: " + std::string(type);
}

std::string ShortValue(const AttributeValue& v) {
  std::string text;
  if (v.type() == AttrType::kN) text = v.num().ToString();
  if (v.type() == AttrType::kS) text = v.str();
  if (v.type() == AttrType::kB) text = Base64Encode(v.str());
  return "AttributeValue: {" + std::string(TypeName(v.type())) + ":" + text + "}";
}

struct PathProblems {
  std::optional<std::string> overlap;   // one path is a prefix of another
  std::optional<std::string> conflict;  // same prefix, then a name against an index
};

// Compares every path with the ones before it, as DynamoDB does; keeps the
// first overlap and the first conflict.
PathProblems FindPathProblems(const std::vector<const Path*>& paths) {
  PathProblems problems;
  for (size_t j = 1; j < paths.size() && !problems.overlap; ++j) {
    for (size_t i = 0; i < j; ++i) {
      const auto& a = paths[i]->elements;
      const auto& b = paths[j]->elements;
      size_t common = std::min(a.size(), b.size());
      size_t k = 0;
      while (k < common && a[k] == b[k]) ++k;
      bool overlap = k == common;
      if (!overlap && (a[k].kind == b[k].kind || problems.conflict)) continue;
      std::string message =
          std::string(overlap ? "Two document paths overlap" : "Two document paths conflict") +
          " with each other; must remove or rewrite one of these paths; path one: " +
          paths[i]->ToString() + ", path two: " + paths[j]->ToString();
      (overlap ? problems.overlap : problems.conflict) = std::move(message);
      if (overlap) break;
    }
  }
  return problems;
}

class Resolver {
 public:
  explicit Resolver(ExpressionAttributes& attributes) : attributes_(attributes) {}

  Status FirstProblem(std::span<const Problem> order) const {
    for (Problem p : order) {
      if (problems_[p]) return InvalidArgument(*problems_[p]);
    }
    return Status::Ok();
  }

  void Report(Problem p, std::string message) {
    if (!problems_[p]) problems_[p] = std::move(message);
  }

  void ResolvePath(Path& path) {
    for (PathElement& e : path.elements) {
      if (e.kind != PathElement::Kind::kName) continue;
      if (!e.placeholder) {
        if (IsReservedWord(e.name)) {
          Report(kReserved, "Attribute name is a reserved keyword; reserved keyword: " + e.name);
        }
        continue;
      }
      if (const std::string* name = attributes_.UseName(e.name)) {
        e.name = *name;
        e.placeholder = false;
      } else {
        Report(kUndefinedName,
               "An expression attribute name used in the document path is not defined; attribute "
               "name: " +
                   e.name);
      }
    }
  }

  // Returns false (and reports) when the value is undefined.
  bool ResolveValue(Operand& o) {
    if (const AttributeValue* value = attributes_.UseValue(o.value_name)) {
      o.value = *value;
      o.value_name.clear();
      return true;
    }
    Report(kUndefinedValue,
           "An expression attribute value used in expression is not defined; attribute value: " +
               o.value_name);
    return false;
  }

  // `in_condition`: the operand belongs to a condition (else a SET value).
  void ResolveOperand(Operand& o, bool in_condition) {
    if (o.redundant_parens) Report(kParens, "The expression has redundant parentheses;");
    switch (o.kind) {
      case Operand::Kind::kPath:
        ResolvePath(o.path);
        return;
      case Operand::Kind::kValue:
        ResolveValue(o);
        return;
      case Operand::Kind::kFunction:
        ResolveCall(o, in_condition, /*as_condition=*/false);
        return;
    }
  }

  // A function call; `as_condition` when it stands alone as a condition.
  void ResolveCall(Operand& call, bool in_condition, bool as_condition) {
    const FunctionInfo* info = nullptr;
    for (const FunctionInfo& f : kFunctions) {
      if (f.name == call.function_name && f.in_condition == in_condition) info = &f;
    }
    for (Operand& arg : call.args) ResolveOperand(arg, in_condition);
    if (info == nullptr) {
      Report(kUnknownFunction, "Invalid function name; function: " + call.function_name);
      return;
    }
    call.function = info->id;
    bool misused = in_condition ? (as_condition == (info->id == Function::kSize)) : false;
    if (info->id == Function::kListAppend) {
      for (const Operand& arg : call.args) {
        if (arg.kind == Operand::Kind::kFunction && arg.function_name == "list_append") misused = true;
      }
    }
    if (misused) {
      Report(kMisusedFunction,
             "The function is not allowed to be used this way in an expression; function: " +
                 call.function_name);
    }
    if (call.args.size() != info->arity) {
      Report(kArity,
             "Incorrect number of operands for operator or function; operator or function: " +
                 call.function_name + ", number of operands: " + std::to_string(call.args.size()));
      return;
    }
    if (info->arity == 2) CheckDistinct(call.function_name, call.args[0], call.args[1]);
    CheckFunctionTypes(call);
  }

  void CheckDistinct(std::string_view op, const Operand& first, const Operand& second) {
    if (first.kind == Operand::Kind::kPath && second.kind == Operand::Kind::kPath &&
        first.path == second.path) {
      Report(kDistinct,
             "The first operand must be distinct from the remaining operands for this operator or "
             "function; operator: " +
                 std::string(op) + ", first operand: " + first.path.ToString());
    }
  }

  void CheckFunctionTypes(const Operand& call) {
    const std::string& name = call.function_name;
    switch (call.function) {
      case Function::kAttributeExists:
      case Function::kAttributeNotExists:
      case Function::kIfNotExists:
        if (call.args[0].kind != Operand::Kind::kPath) {
          Report(kType, "Operator or function requires a document path; operator or function: " + name);
        }
        return;
      case Function::kBeginsWith:
        for (const Operand& arg : call.args) {
          std::optional<AttrType> t = StaticType(arg);
          if (t && *t != AttrType::kS && *t != AttrType::kB) {
            Report(kType, IncorrectOperandType(name, TypeName(*t)));
          }
        }
        return;
      case Function::kAttributeType: {
        std::optional<AttrType> t = StaticType(call.args[1]);
        if (t != AttrType::kS) {
          Report(kType, IncorrectOperandType(name, t ? TypeName(*t) : "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"));
        } else if (call.args[1].kind == Operand::Kind::kValue &&
                   !TypeFromName(call.args[1].value.str())) {
          Report(kType, "Invalid attribute type name found; type: " + call.args[1].value.str() +
                            ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
        }
        return;
      }
      case Function::kSize: {
        std::optional<AttrType> t = StaticType(call.args[0]);
        if (t == AttrType::kN || t == AttrType::kBool || t == AttrType::kNull) {
          Report(kType, IncorrectOperandType(name, TypeName(*t)));
        }
        return;
      }
      case Function::kListAppend:
      case Function::kPlus:
      case Function::kMinus: {
        AttrType want = call.function == Function::kListAppend ? AttrType::kL : AttrType::kN;
        for (const Operand& arg : call.args) {
          std::optional<AttrType> t = LiteralType(arg);
          if (t && *t != want) Report(kType, IncorrectOperandType(name, TypeName(*t)));
        }
        return;
      }
      default:
        return;
    }
  }

  void CheckOrderable(std::string_view op, const Operand& o) {
    std::optional<AttrType> t = LiteralType(o);
    if (t && !IsOrderable(*t)) Report(kType, IncorrectOperandType(op, TypeName(*t)));
  }

  void ResolveCondition(Condition& c) {
    if (c.redundant_parens) Report(kParens, "The expression has redundant parentheses;");
    for (Condition& child : c.children) ResolveCondition(child);
    if (c.kind == Condition::Kind::kFunction) {
      ResolveCall(c.operands[0], /*in_condition=*/true, /*as_condition=*/true);
      return;
    }
    for (Operand& o : c.operands) ResolveOperand(o, /*in_condition=*/true);
    switch (c.kind) {
      case Condition::Kind::kCompare: {
        std::string_view op = ComparatorText(c.comparator);
        CheckDistinct(op, c.operands[0], c.operands[1]);
        if (c.comparator != Comparator::kEq && c.comparator != Comparator::kNe) {
          for (const Operand& o : c.operands) CheckOrderable(op, o);
        }
        return;
      }
      case Condition::Kind::kBetween:
        for (const Operand& o : c.operands) CheckOrderable("BETWEEN", o);
        CheckBetweenBounds(c.operands[1], c.operands[2]);
        return;
      case Condition::Kind::kIn:
        if (c.operands.size() - 1 > kMaxInOperands) {
          Report(kArity, "The IN operator is provided with too many operands; number of operands: " +
                             std::to_string(c.operands.size() - 1));
        }
        return;
      default:
        return;
    }
  }

  void CheckBetweenBounds(const Operand& lower, const Operand& upper) {
    if (lower.kind != Operand::Kind::kValue || upper.kind != Operand::Kind::kValue) return;
    const AttributeValue& lo = lower.value;
    const AttributeValue& hi = upper.value;
    if (!IsOrderable(lo.type()) || !IsOrderable(hi.type())) return;
    std::string bounds =
        "lower bound operand: " + ShortValue(lo) + ", upper bound operand: " + ShortValue(hi);
    if (lo.type() != hi.type()) {
      Report(kType, "The BETWEEN operator requires same data type for lower and upper bounds; " + bounds);
    } else if (CompareScalars(lo, hi) > 0) {
      Report(kType,
             "The BETWEEN operator requires upper bound to be greater than or equal to lower "
             "bound; " + bounds);
    }
  }

  void ResolveUpdate(UpdateExpression& u) {
    if (!u.repeated_clause.empty()) {
      Report(kSection, "The \"" + u.repeated_clause +
                           "\" section can only be used once in an update expression;");
    }
    std::vector<const Path*> paths;
    for (UpdateAction& action : u.actions) {
      ResolvePath(action.path);
      paths.push_back(&action.path);
      switch (action.kind) {
        case UpdateAction::Kind::kSet:
          ResolveOperand(action.value, /*in_condition=*/false);
          break;
        case UpdateAction::Kind::kRemove:
          break;
        case UpdateAction::Kind::kAdd:
        case UpdateAction::Kind::kDelete: {
          if (!ResolveValue(action.value)) break;
          AttrType t = action.value.value.type();
          bool add = action.kind == UpdateAction::Kind::kAdd;
          bool ok = (t == AttrType::kSS || t == AttrType::kNS || t == AttrType::kBS) ||
                    (add && t == AttrType::kN);
          if (!ok) {
            Report(kUpdateOperand, "Incorrect operand type for operator or function; operator: " +
                                       std::string(add ? "ADD" : "DELETE") +
                                       ", operand type: " + std::string(LongTypeName(t)));
          }
          break;
        }
      }
    }
    ReportPathProblems(paths);
  }

  void ReportPathProblems(const std::vector<const Path*>& paths) {
    PathProblems problems = FindPathProblems(paths);
    if (problems.overlap) Report(kOverlap, *problems.overlap);
    if (problems.conflict) Report(kConflict, *problems.conflict);
  }

 private:
  ExpressionAttributes& attributes_;
  std::array<std::optional<std::string>, kProblemCount> problems_;
};

Error Prefixed(ExpressionKind kind, const Error& e) {
  if (e.code != "ValidationException") return e;
  return InvalidArgument("Invalid " + std::string(ParameterName(kind)) + ": " + e.message);
}

}  // namespace

std::string_view ParameterName(ExpressionKind kind) {
  switch (kind) {
    case ExpressionKind::kCondition: return "ConditionExpression";
    case ExpressionKind::kKeyCondition: return "KeyConditionExpression";
    case ExpressionKind::kFilter: return "FilterExpression";
    case ExpressionKind::kUpdate: return "UpdateExpression";
    case ExpressionKind::kProjection: return "ProjectionExpression";
  }
  return "Expression";
}

Status CheckPathsDisjoint(const std::vector<const Path*>& paths) {
  PathProblems problems = FindPathProblems(paths);
  if (problems.overlap) return InvalidArgument(*problems.overlap);
  if (problems.conflict) return InvalidArgument(*problems.conflict);
  return Status::Ok();
}

Result<Condition> ResolveCondition(Condition parsed, ExpressionAttributes& attributes) {
  Resolver resolver(attributes);
  resolver.ResolveCondition(parsed);
  KUMO_RETURN_IF_ERROR(resolver.FirstProblem(kConditionOrder));
  return parsed;
}

Result<UpdateExpression> ResolveUpdate(UpdateExpression parsed, ExpressionAttributes& attributes) {
  Resolver resolver(attributes);
  resolver.ResolveUpdate(parsed);
  KUMO_RETURN_IF_ERROR(resolver.FirstProblem(kUpdateOrder));
  return parsed;
}

Result<ProjectionExpression> ResolveProjection(ProjectionExpression parsed,
                                               ExpressionAttributes& attributes) {
  Resolver resolver(attributes);
  std::vector<const Path*> paths;
  for (Path& path : parsed.paths) {
    resolver.ResolvePath(path);
    paths.push_back(&path);
  }
  resolver.ReportPathProblems(paths);
  KUMO_RETURN_IF_ERROR(resolver.FirstProblem(kProjectionOrder));
  return parsed;
}

Result<Condition> CompileCondition(std::string_view text, ExpressionKind kind,
                                   ExpressionAttributes& attributes) {
  Result<Condition> parsed = ParseCondition(text);
  if (!parsed.ok()) return Prefixed(kind, parsed.error());
  Result<Condition> resolved = ResolveCondition(std::move(parsed).value(), attributes);
  if (!resolved.ok()) return Prefixed(kind, resolved.error());
  return resolved;
}

Result<UpdateExpression> CompileUpdate(std::string_view text, ExpressionAttributes& attributes) {
  Result<UpdateExpression> parsed = ParseUpdate(text);
  if (!parsed.ok()) return Prefixed(ExpressionKind::kUpdate, parsed.error());
  Result<UpdateExpression> resolved = ResolveUpdate(std::move(parsed).value(), attributes);
  if (!resolved.ok()) return Prefixed(ExpressionKind::kUpdate, resolved.error());
  return resolved;
}

Result<ProjectionExpression> CompileProjection(std::string_view text,
                                               ExpressionAttributes& attributes) {
  Result<ProjectionExpression> parsed = ParseProjection(text);
  if (!parsed.ok()) return Prefixed(ExpressionKind::kProjection, parsed.error());
  Result<ProjectionExpression> resolved = ResolveProjection(std::move(parsed).value(), attributes);
  if (!resolved.ok()) return Prefixed(ExpressionKind::kProjection, resolved.error());
  return resolved;
}

}  // namespace kumo::tables
