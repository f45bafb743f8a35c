#include "tables/update_evaluator.h"

#include <algorithm>
#include <numeric>

#include "tables/condition_evaluator.h"

namespace kumo::tables {
namespace {

Error InvalidPath() {
  return InvalidArgument("The document path provided in the update expression is invalid for update");
}
Error WrongType() {
  return InvalidArgument("An operand in the update expression has an incorrect data type");
}
Error MissingAttribute() {
  return InvalidArgument(
      "The provided expression refers to an attribute that does not exist in the item");
}

// The value at the first `depth` elements of `path`, or nullptr. The item
// is not const, so neither is anything found in it.
AttributeValue* FindPrefix(Item& item, const Path& path, size_t depth) {
  return const_cast<AttributeValue*>(FindPathPrefix(item, path, depth));
}

Result<AttributeValue> Evaluate(const Operand& o, const Item& item) {
  switch (o.kind) {
    case Operand::Kind::kValue:
      return o.value;
    case Operand::Kind::kPath: {
      const AttributeValue* v = FindPath(item, o.path);
      if (v == nullptr) return MissingAttribute();
      return *v;
    }
    case Operand::Kind::kFunction:
      break;
  }
  if (o.function == Function::kIfNotExists) {
    if (const AttributeValue* v = FindPath(item, o.args[0].path)) return *v;
    return Evaluate(o.args[1], item);
  }
  KUMO_ASSIGN_OR_RETURN(AttributeValue a, Evaluate(o.args[0], item));
  KUMO_ASSIGN_OR_RETURN(AttributeValue b, Evaluate(o.args[1], item));
  switch (o.function) {
    case Function::kListAppend: {
      if (a.type() != AttrType::kL || b.type() != AttrType::kL) return WrongType();
      AttributeValue::List joined = std::move(a.list());
      for (auto& element : b.list()) joined.push_back(std::move(element));
      return AttributeValue::L(std::move(joined));
    }
    case Function::kPlus:
    case Function::kMinus: {
      if (a.type() != AttrType::kN || b.type() != AttrType::kN) return WrongType();
      KUMO_ASSIGN_OR_RETURN(Number n, o.function == Function::kPlus
                                          ? Number::Add(a.num(), b.num())
                                          : Number::Subtract(a.num(), b.num()));
      return AttributeValue::N(n);
    }
    default:
      return Internal("unexpected function in update expression");
  }
}

Status SetAt(Item& item, const Path& path, AttributeValue value) {
  if (!path.nested()) {
    item.insert_or_assign(path.top(), std::move(value));
    return Status::Ok();
  }
  AttributeValue* parent = FindPrefix(item, path, path.elements.size() - 1);
  const PathElement& last = path.elements.back();
  if (parent != nullptr && last.kind == PathElement::Kind::kName && parent->type() == AttrType::kM) {
    parent->map().insert_or_assign(last.name, std::move(value));
    return Status::Ok();
  }
  if (parent != nullptr && last.kind == PathElement::Kind::kIndex && parent->type() == AttrType::kL) {
    AttributeValue::List& list = parent->list();
    if (last.index < list.size()) {
      list[last.index] = std::move(value);
    } else {
      list.push_back(std::move(value));
    }
    return Status::Ok();
  }
  return InvalidPath();
}

Status RemoveAt(Item& item, const Path& path, bool item_existed) {
  if (!path.nested()) {
    item.erase(path.top());
    return Status::Ok();
  }
  AttributeValue* parent = FindPrefix(item, path, path.elements.size() - 1);
  const PathElement& last = path.elements.back();
  if (parent != nullptr && last.kind == PathElement::Kind::kName && parent->type() == AttrType::kM) {
    parent->map().erase(last.name);
    return Status::Ok();
  }
  if (parent != nullptr && last.kind == PathElement::Kind::kIndex && parent->type() == AttrType::kL) {
    AttributeValue::List& list = parent->list();
    if (last.index < list.size()) list.erase(list.begin() + last.index);
    return Status::Ok();
  }
  if (parent == nullptr && !item_existed) return Status::Ok();
  return InvalidPath();
}

Status Add(Item& item, const UpdateAction& action) {
  const AttributeValue& value = action.value.value;
  AttributeValue* existing = FindPrefix(item, action.path, action.path.elements.size());
  if (existing == nullptr) return SetAt(item, action.path, value);
  if (existing->type() == AttrType::kN && value.type() == AttrType::kN) {
    KUMO_ASSIGN_OR_RETURN(Number sum, Number::Add(existing->num(), value.num()));
    *existing = AttributeValue::N(sum);
    return Status::Ok();
  }
  if (existing->is_set() && existing->type() == value.type()) {
    *existing = SetUnion(*existing, value);
    return Status::Ok();
  }
  if (action.legacy_add && existing->type() == AttrType::kL && value.type() == AttrType::kL) {
    for (const auto& element : value.list()) existing->list().push_back(element);
    return Status::Ok();
  }
  return WrongType();
}

Status Delete(Item& item, const UpdateAction& action) {
  const AttributeValue& value = action.value.value;
  AttributeValue* existing = FindPrefix(item, action.path, action.path.elements.size());
  if (existing == nullptr) return Status::Ok();
  if (!existing->is_set() || existing->type() != value.type()) return WrongType();
  AttributeValue rest = SetDifference(*existing, value);
  if (rest.set_size() == 0) return RemoveAt(item, action.path, true);
  *existing = std::move(rest);
  return Status::Ok();
}

// Orders paths element by element (names by bytes, indexes by value), so
// that updates to one list's elements apply in index order.
bool PathLess(const Path& a, const Path& b) {
  size_t n = std::min(a.elements.size(), b.elements.size());
  for (size_t i = 0; i < n; ++i) {
    const PathElement& x = a.elements[i];
    const PathElement& y = b.elements[i];
    if (x.kind != y.kind) return x.kind < y.kind;
    if (x.kind == PathElement::Kind::kName && x.name != y.name) return x.name < y.name;
    if (x.kind == PathElement::Kind::kIndex && x.index != y.index) return x.index < y.index;
  }
  return a.elements.size() < b.elements.size();
}

}  // namespace

Result<Item> ApplyUpdate(const UpdateExpression& update, Item item, bool item_existed) {
  const auto& actions = update.actions;
  // Every SET value comes from the item before any change.
  std::vector<AttributeValue> set_values(actions.size());
  for (size_t i = 0; i < actions.size(); ++i) {
    if (actions[i].kind != UpdateAction::Kind::kSet) continue;
    KUMO_ASSIGN_OR_RETURN(set_values[i], Evaluate(actions[i].value, item));
  }
  std::vector<size_t> order(actions.size());
  std::iota(order.begin(), order.end(), 0);
  // SET, ADD and DELETE first in ascending path order (appends land in
  // index order), then REMOVE in descending order (list elements go from
  // the back, so the original indexes stay valid).
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    bool remove_a = actions[a].kind == UpdateAction::Kind::kRemove;
    bool remove_b = actions[b].kind == UpdateAction::Kind::kRemove;
    if (remove_a != remove_b) return remove_b;
    return remove_a ? PathLess(actions[b].path, actions[a].path)
                    : PathLess(actions[a].path, actions[b].path);
  });
  for (size_t i : order) {
    const UpdateAction& action = actions[i];
    switch (action.kind) {
      case UpdateAction::Kind::kSet:
        KUMO_RETURN_IF_ERROR(SetAt(item, action.path, std::move(set_values[i])));
        break;
      case UpdateAction::Kind::kRemove:
        KUMO_RETURN_IF_ERROR(RemoveAt(item, action.path, item_existed));
        break;
      case UpdateAction::Kind::kAdd:
        KUMO_RETURN_IF_ERROR(Add(item, action));
        break;
      case UpdateAction::Kind::kDelete:
        KUMO_RETURN_IF_ERROR(Delete(item, action));
        break;
    }
  }
  return item;
}

}  // namespace kumo::tables
