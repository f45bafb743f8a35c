#include "tables/expression_ast.h"

namespace kumo::tables {

std::string Path::ToString() const {
  std::string out = "[";
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i) out += ", ";
    if (elements[i].kind == PathElement::Kind::kIndex) {
      out += "[" + std::to_string(elements[i].index) + "]";
    } else {
      out += elements[i].name;
    }
  }
  return out + "]";
}

Path MakePath(std::initializer_list<std::string_view> names) {
  Path path;
  for (std::string_view name : names) path.elements.push_back(PathElement::Name(std::string(name)));
  return path;
}

Operand Operand::OfPath(Path path) {
  Operand o;
  o.kind = Kind::kPath;
  o.path = std::move(path);
  return o;
}

Operand Operand::OfValue(AttributeValue value) {
  Operand o;
  o.kind = Kind::kValue;
  o.value = std::move(value);
  return o;
}

std::string_view ComparatorText(Comparator op) {
  switch (op) {
    case Comparator::kEq: return "=";
    case Comparator::kNe: return "<>";
    case Comparator::kLt: return "<";
    case Comparator::kLe: return "<=";
    case Comparator::kGt: return ">";
    case Comparator::kGe: return ">=";
  }
  return "?";
}

Condition FunctionCondition(Function function, std::string_view name, std::vector<Operand> args) {
  Operand call;
  call.kind = Operand::Kind::kFunction;
  call.function = function;
  call.function_name = std::string(name);
  call.args = std::move(args);
  Condition c;
  c.kind = Condition::Kind::kFunction;
  c.operands.push_back(std::move(call));
  return c;
}

Condition Combine(Condition::Kind kind, Condition a, Condition b) {
  Condition c;
  c.kind = kind;
  c.children.push_back(std::move(a));
  c.children.push_back(std::move(b));
  return c;
}

Condition Negate(Condition a) {
  Condition c;
  c.kind = Condition::Kind::kNot;
  c.children.push_back(std::move(a));
  return c;
}

std::string Describe(const Operand& o) {
  switch (o.kind) {
    case Operand::Kind::kPath: {
      std::string out;
      for (const PathElement& e : o.path.elements) {
        if (e.kind == PathElement::Kind::kIndex) {
          out += "[" + std::to_string(e.index) + "]";
        } else {
          out += (out.empty() ? "" : ".") + e.name;
        }
      }
      return out;
    }
    case Operand::Kind::kValue: {
      if (!o.value_name.empty()) return o.value_name;
      const AttributeValue& v = o.value;
      std::string text;
      if (v.type() == AttrType::kS) text = v.str();
      if (v.type() == AttrType::kN) text = v.num().ToString();
      return std::string(TypeName(v.type())) + ":" + text;
    }
    case Operand::Kind::kFunction:
      break;
  }
  if (o.function_name == "+" || o.function_name == "-") {
    return "(" + Describe(o.args[0]) + " " + o.function_name + " " + Describe(o.args[1]) + ")";
  }
  std::string out = o.function_name + "(";
  for (size_t i = 0; i < o.args.size(); ++i) out += (i ? ", " : "") + Describe(o.args[i]);
  return out + ")";
}

std::string Describe(const Condition& c) {
  switch (c.kind) {
    case Condition::Kind::kOr:
      return "(" + Describe(c.children[0]) + " OR " + Describe(c.children[1]) + ")";
    case Condition::Kind::kAnd:
      return "(" + Describe(c.children[0]) + " AND " + Describe(c.children[1]) + ")";
    case Condition::Kind::kNot:
      return "NOT " + Describe(c.children[0]);
    case Condition::Kind::kCompare:
      return Describe(c.operands[0]) + " " + std::string(ComparatorText(c.comparator)) + " " +
             Describe(c.operands[1]);
    case Condition::Kind::kBetween:
      return Describe(c.operands[0]) + " BETWEEN " + Describe(c.operands[1]) + " AND " +
             Describe(c.operands[2]);
    case Condition::Kind::kIn: {
      std::string out = Describe(c.operands[0]) + " IN (";
      for (size_t i = 1; i < c.operands.size(); ++i) out += (i > 1 ? ", " : "") + Describe(c.operands[i]);
      return out + ")";
    }
    case Condition::Kind::kFunction:
      return Describe(c.operands[0]);
  }
  return "?";
}

std::string Describe(const UpdateExpression& u) {
  static constexpr std::string_view kNames[] = {"SET", "REMOVE", "ADD", "DELETE"};
  std::string out;
  for (const UpdateAction& a : u.actions) {
    if (!out.empty()) out += "; ";
    out += std::string(kNames[static_cast<int>(a.kind)]) + " " + Describe(Operand::OfPath(a.path));
    if (a.kind == UpdateAction::Kind::kSet) out += " = " + Describe(a.value);
    if (a.kind == UpdateAction::Kind::kAdd || a.kind == UpdateAction::Kind::kDelete) {
      out += " " + Describe(a.value);
    }
  }
  return out;
}

}  // namespace kumo::tables
