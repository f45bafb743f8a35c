#include "tables/key_condition.h"

#include <map>

namespace kumo::tables {
namespace {

Error KeyError(const std::string& message) { return InvalidArgument(message); }

Error InvalidOperator(std::string_view op) {
  return KeyError("Invalid operator used in KeyConditionExpression: " + std::string(op));
}

Error InvalidCondition(std::string_view what) {
  return KeyError("Invalid condition in KeyConditionExpression: " + std::string(what));
}

// One condition on one key attribute, before matching against the schema.
struct Term {
  SortKeyCondition::Op op;
  std::vector<const AttributeValue*> values;
};

SortKeyCondition::Op Flip(SortKeyCondition::Op op) {
  switch (op) {
    case SortKeyCondition::Op::kLt: return SortKeyCondition::Op::kGt;
    case SortKeyCondition::Op::kLe: return SortKeyCondition::Op::kGe;
    case SortKeyCondition::Op::kGt: return SortKeyCondition::Op::kLt;
    case SortKeyCondition::Op::kGe: return SortKeyCondition::Op::kLe;
    default: return op;
  }
}

Status CollectTerms(const Condition& c, std::map<std::string, Term>& terms) {
  SortKeyCondition::Op op = SortKeyCondition::Op::kEq;
  const std::vector<Operand>* operands = &c.operands;
  switch (c.kind) {
    case Condition::Kind::kAnd:
      KUMO_RETURN_IF_ERROR(CollectTerms(c.children[0], terms));
      return CollectTerms(c.children[1], terms);
    case Condition::Kind::kOr:
      return InvalidOperator("OR");
    case Condition::Kind::kNot:
      return InvalidOperator("NOT");
    case Condition::Kind::kIn:
      return InvalidOperator("IN");
    case Condition::Kind::kCompare: {
      static constexpr SortKeyCondition::Op kOps[] = {
          SortKeyCondition::Op::kEq, SortKeyCondition::Op::kEq, SortKeyCondition::Op::kLt,
          SortKeyCondition::Op::kLe, SortKeyCondition::Op::kGt, SortKeyCondition::Op::kGe};
      if (c.comparator == Comparator::kNe) return InvalidOperator("<>");
      op = kOps[static_cast<int>(c.comparator)];
      break;
    }
    case Condition::Kind::kBetween:
      op = SortKeyCondition::Op::kBetween;
      if (c.operands[0].kind != Operand::Kind::kPath) {
        return InvalidCondition("BETWEEN operator must have the key attribute as its first operand");
      }
      break;
    case Condition::Kind::kFunction: {
      const Operand& call = c.operands[0];
      if (call.function != Function::kBeginsWith) return InvalidOperator(call.function_name);
      if (call.args[0].kind != Operand::Kind::kPath) {
        return InvalidCondition("begins_with operator must have the key attribute as its first operand");
      }
      op = SortKeyCondition::Op::kBeginsWith;
      operands = &call.args;
      break;
    }
  }
  const Path* path = nullptr;
  size_t path_position = 0;
  Term term{op, {}};
  for (size_t i = 0; i < operands->size(); ++i) {
    const Operand& o = (*operands)[i];
    if (o.kind == Operand::Kind::kFunction) {
      return KeyError("KeyConditionExpressions cannot contain nested operations");
    }
    if (o.kind == Operand::Kind::kValue) {
      term.values.push_back(&o.value);
      continue;
    }
    if (path != nullptr) return InvalidCondition("Multiple attribute names used in one condition");
    if (o.path.nested()) return KeyError("KeyConditionExpressions cannot have conditions on nested attributes");
    path = &o.path;
    path_position = i;
  }
  if (path == nullptr) return InvalidCondition("No key attribute specified");
  if (path_position != 0) term.op = Flip(term.op);  // ":v < sk" is "sk > :v"
  if (!terms.emplace(path->top(), std::move(term)).second) {
    return KeyError("KeyConditionExpressions must only contain one condition per key");
  }
  return Status::Ok();
}

Error TypeMismatch() {
  return InvalidArgument(
      "One or more parameter values were invalid: Condition parameter type does not match schema "
      "type");
}

}  // namespace

Result<KeyCondition> ExtractKeyCondition(const Condition& condition, const KeySchema& schema) {
  std::map<std::string, Term> terms;
  KUMO_RETURN_IF_ERROR(CollectTerms(condition, terms));
  auto partition = terms.find(schema.partition.name);
  if (partition == terms.end()) {
    return KeyError("Query condition missed key schema element: " + schema.partition.name);
  }
  if (partition->second.op != SortKeyCondition::Op::kEq) {
    return KeyError("Query key condition not supported");
  }
  size_t expected_terms = 1;
  KeyCondition out;
  const AttributeValue& pk = *partition->second.values[0];
  if (pk.type() != schema.partition.type) return TypeMismatch();
  KUMO_RETURN_IF_ERROR(ValidateKeyValue(schema.partition, pk, true));
  out.partition = pk;
  if (schema.sort) {
    auto sort = terms.find(schema.sort->name);
    if (sort != terms.end()) {
      ++expected_terms;
      for (const AttributeValue* v : sort->second.values) {
        if (v->type() != schema.sort->type) return TypeMismatch();
      }
      SortKeyCondition sk;
      sk.op = sort->second.op;
      sk.value = *sort->second.values[0];
      if (sk.op == SortKeyCondition::Op::kBetween) sk.upper = *sort->second.values[1];
      out.sort = std::move(sk);
    }
  }
  if (terms.size() != expected_terms) return KeyError("Query key condition not supported");
  return out;
}

KeyRange KeyConditionRange(const KeyCondition& condition) {
  std::string prefix = PartitionPrefix(condition.partition);
  KeyRange range{prefix, PrefixSuccessor(prefix)};
  if (!condition.sort) return range;
  const SortKeyCondition& sk = *condition.sort;
  std::string at = prefix + EncodeKeyValue(sk.value);
  switch (sk.op) {
    case SortKeyCondition::Op::kEq:
      return {at, PrefixSuccessor(at)};
    case SortKeyCondition::Op::kLt:
      return {prefix, at};
    case SortKeyCondition::Op::kLe:
      return {prefix, PrefixSuccessor(at)};
    case SortKeyCondition::Op::kGt:
      return {PrefixSuccessor(at), range.end};
    case SortKeyCondition::Op::kGe:
      return {at, range.end};
    case SortKeyCondition::Op::kBetween:
      return {at, PrefixSuccessor(prefix + EncodeKeyValue(sk.upper))};
    case SortKeyCondition::Op::kBeginsWith: {
      std::string start = prefix + EncodeKeyPrefix(sk.value);
      return {start, PrefixSuccessor(start)};
    }
  }
  return range;
}

bool SortKeyMatches(const SortKeyCondition& condition, const AttributeValue& value) {
  if (value.type() != condition.value.type()) return false;
  int c = CompareScalars(value, condition.value);
  switch (condition.op) {
    case SortKeyCondition::Op::kEq: return c == 0;
    case SortKeyCondition::Op::kLt: return c < 0;
    case SortKeyCondition::Op::kLe: return c <= 0;
    case SortKeyCondition::Op::kGt: return c > 0;
    case SortKeyCondition::Op::kGe: return c >= 0;
    case SortKeyCondition::Op::kBetween: return c >= 0 && CompareScalars(value, condition.upper) <= 0;
    case SortKeyCondition::Op::kBeginsWith: return value.str().starts_with(condition.value.str());
  }
  return false;
}

}  // namespace kumo::tables
