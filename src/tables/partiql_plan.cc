#include "tables/partiql_plan.h"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/encoding.h"

namespace kumo::tables {
namespace {

// The conjuncts of a condition's top-level ANDs, in order.
void Conjuncts(const Condition& c, std::vector<const Condition*>& out) {
  if (c.kind == Condition::Kind::kAnd) {
    Conjuncts(c.children[0], out);
    Conjuncts(c.children[1], out);
  } else {
    out.push_back(&c);
  }
}

// `name = value` (either way round) on a top-level attribute: the name and
// the value; nullptr otherwise.
const AttributeValue* Equality(const Condition& c, std::string& name) {
  if (c.kind != Condition::Kind::kCompare || c.comparator != Comparator::kEq) return nullptr;
  for (int i = 0; i < 2; ++i) {
    const Operand& path = c.operands[i];
    const Operand& value = c.operands[1 - i];
    if (path.kind == Operand::Kind::kPath && !path.path.nested() &&
        value.kind == Operand::Kind::kValue) {
      name = path.path.top();
      return &value.value;
    }
  }
  return nullptr;
}

Condition And(Condition a, Condition b) {
  Condition c;
  c.kind = Condition::Kind::kAnd;
  c.children.push_back(std::move(a));
  c.children.push_back(std::move(b));
  return c;
}

// True if `c` constrains only the attribute `name` (a sort key candidate).
bool OnAttribute(const Condition& c, const std::string& name) {
  const std::vector<Operand>* operands = &c.operands;
  if (c.kind == Condition::Kind::kFunction) {
    if (c.operands[0].function != Function::kBeginsWith) return false;
    operands = &c.operands[0].args;
  } else if (c.kind != Condition::Kind::kCompare && c.kind != Condition::Kind::kBetween) {
    return false;
  }
  bool found = false;
  for (const Operand& o : *operands) {
    if (o.kind == Operand::Kind::kPath) {
      if (o.path.nested() || o.path.top() != name) return false;
      found = true;
    } else if (o.kind != Operand::Kind::kValue) {
      return false;
    }
  }
  return found;
}

uint64_t Fingerprint(std::string_view request) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a: stable across builds and restarts
  for (unsigned char c : request) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

Result<ItemTarget> TargetItem(const std::optional<Condition>& where, const KeySchema& schema) {
  const Error incomplete =
      InvalidArgument("Where clause does not contain a mandatory equality on all key attributes");
  if (!where) return incomplete;
  std::vector<const Condition*> conjuncts;
  Conjuncts(*where, conjuncts);
  ItemTarget target;
  for (const Condition* c : conjuncts) {
    std::string name;
    const AttributeValue* value = Equality(*c, name);
    const bool is_key = value != nullptr && (name == schema.partition.name ||
                                             (schema.sort && name == schema.sort->name));
    if (is_key) {
      if (!target.key.emplace(name, *value).second) {
        return InvalidArgument(
            fmt::format("Multiple conditions on same key {}. Only single item Update/Insert/Delete "
                        "are supported",
                        name));
      }
      continue;
    }
    target.rest = target.rest ? And(std::move(*target.rest), *c) : *c;
  }
  if (!target.key.contains(schema.partition.name) ||
      (schema.sort && !target.key.contains(schema.sort->name))) {
    return incomplete;
  }
  return target;
}

std::optional<KeyCondition> SelectKeyCondition(const Condition& where, const KeySchema& schema) {
  std::vector<const Condition*> conjuncts;
  Conjuncts(where, conjuncts);
  const Condition* partition = nullptr;
  for (const Condition* c : conjuncts) {
    std::string name;
    if (Equality(*c, name) != nullptr && name == schema.partition.name) {
      partition = c;
      break;
    }
  }
  if (partition == nullptr) return std::nullopt;
  if (schema.sort) {
    for (const Condition* c : conjuncts) {
      if (!OnAttribute(*c, schema.sort->name)) continue;
      Result<KeyCondition> both = ExtractKeyCondition(And(*partition, *c), schema);
      if (both.ok()) return std::move(both).value();
    }
  }
  Result<KeyCondition> alone = ExtractKeyCondition(*partition, schema);
  if (!alone.ok())
    return std::nullopt;  // e.g. a value of another type: no item matches; a Scan says so
  return std::move(alone).value();
}

std::string EncodeNextToken(const Item& last_key, std::string_view request) {
  boost::json::object token{{"k", ItemToJson(last_key)},
                            {"f", fmt::format("{:016x}", Fingerprint(request))}};
  return Base64Encode(boost::json::serialize(token));
}

Result<Item> DecodeNextToken(std::string_view token, std::string_view request) {
  const Error invalid = InvalidArgument("Invalid NextToken");
  std::optional<std::string> text = Base64Decode(token);
  if (!text) return invalid;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*text, ec);
  if (ec || !v.is_object()) return invalid;
  const boost::json::value* key = v.as_object().if_contains("k");
  const boost::json::value* fingerprint = v.as_object().if_contains("f");
  if (key == nullptr || fingerprint == nullptr || !fingerprint->is_string()) return invalid;
  if (fingerprint->as_string() != fmt::format("{:016x}", Fingerprint(request))) {
    return InvalidArgument("NextToken does not match request");
  }
  Result<Item> item = ItemFromJson(*key);
  if (!item.ok()) return invalid;
  return std::move(item).value();
}

}  // namespace kumo::tables
