#include "tables/condition_evaluator.h"

#include <algorithm>
#include <optional>

namespace kumo::tables {
namespace {

// An operand's value: a pointer into the item or the tree, or a value
// computed here (size()).
class Value {
 public:
  Value() = default;
  explicit Value(const AttributeValue* ref) : ref_(ref) {}
  explicit Value(AttributeValue owned) : owned_(std::move(owned)) {}
  const AttributeValue* get() const { return owned_ ? &*owned_ : ref_; }

 private:
  const AttributeValue* ref_ = nullptr;
  std::optional<AttributeValue> owned_;
};

std::optional<size_t> SizeOf(const AttributeValue& v) {
  switch (v.type()) {
    case AttrType::kS:
    case AttrType::kB:
      return v.str().size();
    case AttrType::kSS:
    case AttrType::kNS:
    case AttrType::kBS:
      return v.set_size();
    case AttrType::kL:
      return v.list().size();
    case AttrType::kM:
      return v.map().size();
    default:
      return std::nullopt;
  }
}

Value Evaluate(const Operand& o, const Item& item) {
  switch (o.kind) {
    case Operand::Kind::kPath:
      return Value(FindPath(item, o.path));
    case Operand::Kind::kValue:
      return Value(&o.value);
    case Operand::Kind::kFunction:
      break;
  }
  // The resolver admits only size() as a value inside conditions.
  if (o.function != Function::kSize) return Value();
  Value arg = Evaluate(o.args[0], item);
  if (arg.get() == nullptr) return Value();
  std::optional<size_t> size = SizeOf(*arg.get());
  if (!size) return Value();
  return Value(AttributeValue::N(Number::FromInt(static_cast<int64_t>(*size))));
}

bool Orderable(const AttributeValue* a, const AttributeValue* b) {
  return a != nullptr && b != nullptr && a->type() == b->type() && a->is_scalar_key_type();
}

bool Compare(Comparator op, const AttributeValue* a, const AttributeValue* b) {
  if (op == Comparator::kEq) return a != nullptr && b != nullptr && *a == *b;
  if (op == Comparator::kNe) return a == nullptr || b == nullptr || !(*a == *b);
  if (!Orderable(a, b)) return false;
  int c = CompareScalars(*a, *b);
  switch (op) {
    case Comparator::kLt: return c < 0;
    case Comparator::kLe: return c <= 0;
    case Comparator::kGt: return c > 0;
    case Comparator::kGe: return c >= 0;
    default: return false;
  }
}

bool BeginsWith(const AttributeValue* a, const AttributeValue* prefix) {
  if (a == nullptr || prefix == nullptr || a->type() != prefix->type()) return false;
  if (a->type() != AttrType::kS && a->type() != AttrType::kB) return false;
  return a->str().starts_with(prefix->str());
}

bool Contains(const AttributeValue* a, const AttributeValue* element) {
  if (a == nullptr || element == nullptr) return false;
  switch (a->type()) {
    case AttrType::kS:
    case AttrType::kB:
      return element->type() == a->type() && a->str().find(element->str()) != std::string::npos;
    case AttrType::kSS:
    case AttrType::kNS:
    case AttrType::kBS:
      return SetContains(*a, *element);
    case AttrType::kL:
      return std::find(a->list().begin(), a->list().end(), *element) != a->list().end();
    default:
      return false;
  }
}

bool EvaluateFunction(const Operand& call, const Item& item) {
  switch (call.function) {
    case Function::kAttributeExists:
      return FindPath(item, call.args[0].path) != nullptr;
    case Function::kAttributeNotExists:
      return FindPath(item, call.args[0].path) == nullptr;
    case Function::kAttributeType: {
      Value a = Evaluate(call.args[0], item);
      Value type = Evaluate(call.args[1], item);
      return a.get() != nullptr && type.get() != nullptr && type.get()->type() == AttrType::kS &&
             TypeName(a.get()->type()) == type.get()->str();
    }
    case Function::kBeginsWith:
      return BeginsWith(Evaluate(call.args[0], item).get(), Evaluate(call.args[1], item).get());
    case Function::kContains:
      return Contains(Evaluate(call.args[0], item).get(), Evaluate(call.args[1], item).get());
    default:
      return false;
  }
}

}  // namespace

const AttributeValue* FindPath(const Item& item, const Path& path) {
  return FindPathPrefix(item, path, path.elements.size());
}

const AttributeValue* FindPathPrefix(const Item& item, const Path& path, size_t depth) {
  auto top = item.find(path.elements.front().name);
  if (top == item.end()) return nullptr;
  const AttributeValue* current = &top->second;
  for (size_t i = 1; i < depth; ++i) {
    const PathElement& e = path.elements[i];
    if (e.kind == PathElement::Kind::kName) {
      if (current->type() != AttrType::kM) return nullptr;
      auto it = current->map().find(e.name);
      if (it == current->map().end()) return nullptr;
      current = &it->second;
    } else {
      if (current->type() != AttrType::kL || e.index >= current->list().size()) return nullptr;
      current = &current->list()[e.index];
    }
  }
  return current;
}

bool EvaluateCondition(const Condition& c, const Item& item) {
  switch (c.kind) {
    case Condition::Kind::kOr:
      return EvaluateCondition(c.children[0], item) || EvaluateCondition(c.children[1], item);
    case Condition::Kind::kAnd:
      return EvaluateCondition(c.children[0], item) && EvaluateCondition(c.children[1], item);
    case Condition::Kind::kNot:
      return !EvaluateCondition(c.children[0], item);
    case Condition::Kind::kCompare: {
      Value a = Evaluate(c.operands[0], item);
      Value b = Evaluate(c.operands[1], item);
      return Compare(c.comparator, a.get(), b.get());
    }
    case Condition::Kind::kBetween: {
      Value v = Evaluate(c.operands[0], item);
      Value lo = Evaluate(c.operands[1], item);
      Value hi = Evaluate(c.operands[2], item);
      return Orderable(v.get(), lo.get()) && Orderable(v.get(), hi.get()) &&
             CompareScalars(*lo.get(), *v.get()) <= 0 && CompareScalars(*v.get(), *hi.get()) <= 0;
    }
    case Condition::Kind::kIn: {
      Value v = Evaluate(c.operands[0], item);
      if (v.get() == nullptr) return false;
      for (size_t i = 1; i < c.operands.size(); ++i) {
        Value candidate = Evaluate(c.operands[i], item);
        if (candidate.get() != nullptr && *candidate.get() == *v.get()) return true;
      }
      return false;
    }
    case Condition::Kind::kFunction:
      return EvaluateFunction(c.operands[0], item);
  }
  return false;
}

}  // namespace kumo::tables
