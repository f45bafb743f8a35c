// TransactWriteItems and TransactGetItems.
//
// A write transaction is one WritePath::Commit over every item it names:
// all conditions are checked with every item locked, and either the one
// WriteBatch holding every change is written, or nothing is and the call
// fails with TransactionCanceledException and one reason per item, in
// order. ClientRequestToken makes a transaction idempotent for 10 minutes.
// RunWriteTransaction (transact.h) serves ExecuteTransaction too.
#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <set>

#include "tables/capacity.h"
#include "tables/condition_evaluator.h"
#include "tables/expression_resolver.h"
#include "tables/item_codec.h"
#include "tables/item_request.h"
#include "tables/key_codec.h"
#include "tables/projection.h"
#include "tables/request.h"
#include "tables/service_impl.h"
#include "tables/storage_layout.h"
#include "tables/transact.h"
#include "tables/update_evaluator.h"

namespace kumo::tables {
namespace {

namespace json = boost::json;

constexpr size_t kMaxTransactItems = 100;

// Reads one TransactWriteItem; the table must exist.
Result<TransactOp> ReadWriteOp(const OpCallPtr& call, const json::value& value) {
  if (!value.is_object()) return SerializationError("Unexpected value type in payload");
  const json::object& wrapper = value.as_object();
  static constexpr std::pair<std::string_view, TransactKind> kKinds[] = {
      {"ConditionCheck", TransactKind::kCheck},
      {"Put", TransactKind::kPut},
      {"Update", TransactKind::kUpdate},
      {"Delete", TransactKind::kDelete}};
  const json::object* body = nullptr;
  TransactOp op;
  int found = 0;
  for (const auto& [name, kind] : kKinds) {
    KUMO_ASSIGN_OR_RETURN(const json::object* member, ObjectMember(wrapper, name));
    if (member != nullptr) {
      body = member;
      op.kind = kind;
      ++found;
    }
  }
  if (found != 1) {
    return ValidationError("TransactItems can only contain one of Check, Put, Update or Delete");
  }
  const json::object& input = *body;
  KUMO_RETURN_IF_ERROR(CheckItemRequestConstraints(input, false));
  if (op.kind == TransactKind::kCheck && Member(input, "ConditionExpression") == nullptr) {
    return MissingMember("transactItems.member.conditionCheck.conditionExpression");
  }
  KUMO_ASSIGN_OR_RETURN(ExpressionAttributes attributes, ExpressionAttributes::FromRequest(input));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> condition_text, StringMember(input, "ConditionExpression"));
  if (condition_text) {
    KUMO_ASSIGN_OR_RETURN(op.condition, CompileCondition(*condition_text, ExpressionKind::kCondition, attributes));
  }
  if (op.kind == TransactKind::kUpdate) {
    KUMO_ASSIGN_OR_RETURN(std::optional<std::string> update_text, StringMember(input, "UpdateExpression"));
    if (!update_text) {
      return MissingMember("transactItems.member.update.updateExpression");
    }
    KUMO_ASSIGN_OR_RETURN(op.update, CompileUpdate(*update_text, attributes));
  }
  KUMO_RETURN_IF_ERROR(attributes.CheckAllUsed());
  op.old_on_failure = ReturnOldOnConditionFailure(input);
  KUMO_ASSIGN_OR_RETURN(std::optional<Item> item, ItemMember(input, op.kind == TransactKind::kPut ? "Item" : "Key"));
  if (!item) {
    return MissingMember(op.kind == TransactKind::kPut ? "transactItems.member.put.item" : "transactItems.member.key");
  }
  KUMO_ASSIGN_OR_RETURN(op.table, call->FindTable(input.at("TableName").as_string()));
  const TableMeta& meta = *op.table.meta;
  if (op.kind == TransactKind::kPut) {
    KUMO_ASSIGN_OR_RETURN(op.item_key, ItemKeyFromItem(meta.key_schema, *item));
    KUMO_RETURN_IF_ERROR(CheckItemSize(*item));
    KUMO_RETURN_IF_ERROR(ValidateIndexKeys(meta, *item));
    op.put_item = std::move(*item);
  } else {
    KUMO_ASSIGN_OR_RETURN(op.item_key, ItemKeyFromKey(meta.key_schema, *item));
    if (op.kind == TransactKind::kUpdate) KUMO_RETURN_IF_ERROR(CheckUpdateSparesKeys(op.update, meta.key_schema));
    op.key = std::move(*item);
  }
  return op;
}

}  // namespace

Error MultipleOperations() {
  return ValidationError("Transaction request cannot include multiple operations on one item");
}

Reason ApplyTransactOp(const TransactOp& op, WriteSlot& slot) {
  static const Item kEmpty;
  Reason reason;
  const Item& current = slot.old_item ? *slot.old_item : kEmpty;
  if (op.condition && !EvaluateCondition(*op.condition, current)) {
    reason.code = op.failure_code;
    reason.message = op.failure_message;
    if (op.old_on_failure && slot.old_item) reason.item = *slot.old_item;
    return reason;
  }
  switch (op.kind) {
    case TransactKind::kCheck: break;
    case TransactKind::kPut:
      slot.action = WriteSlot::Action::kPut;
      slot.new_item = op.put_item;
      break;
    case TransactKind::kDelete:
      if (slot.old_item) slot.action = WriteSlot::Action::kDelete;
      break;
    case TransactKind::kUpdate: {
      Result<Item> updated = ApplyUpdate(op.update, slot.old_item ? *slot.old_item : op.key, slot.old_item.has_value());
      Status size = updated.ok() ? CheckItemSize(*updated, true) : updated.status();
      if (!size.ok()) {
        reason.code = "ValidationError";
        reason.message = size.error().message;
        return reason;
      }
      slot.action = WriteSlot::Action::kPut;
      slot.new_item = std::move(updated).value();
      break;
    }
  }
  return reason;
}

namespace {

std::string CancellationBody(const std::vector<Reason>& reasons, std::string& codes) {
  std::string out = "\"CancellationReasons\":[";
  for (size_t i = 0; i < reasons.size(); ++i) {
    if (i > 0) {
      out += ',';
      codes += ", ";
    }
    codes += reasons[i].code;
    out += "{\"Code\":";
    AppendQuotedJson(reasons[i].code, out);
    if (!reasons[i].message.empty()) {
      out += ",\"Message\":";
      AppendQuotedJson(reasons[i].message, out);
    }
    if (reasons[i].item) {
      out += ",\"Item\":";
      AppendItemJsonText(*reasons[i].item, out);
    }
    out += '}';
  }
  out += ']';
  return out;
}

}  // namespace

Status CheckTransactCount(const json::array* items, std::string_view member) {
  Constraints c;
  c.Required(items != nullptr, member);
  if (items != nullptr) {
    if (items->empty()) c.Fail("[]", member, "Member must have length greater than or equal to 1");
    if (items->size() > kMaxTransactItems) {
      c.Fail(json::serialize(json::value(*items)), member,
             "Member must have length less than or equal to 100");
    }
  }
  return c.Finish();
}

Result<TransactionRequest> ReadTransactionRequest(const json::object& input, std::string_view name,
                                                  std::string_view member) {
  TransactionRequest request;
  KUMO_ASSIGN_OR_RETURN(request.list, ArrayMember(input, name));
  KUMO_RETURN_IF_ERROR(CheckTransactCount(request.list, member));
  KUMO_ASSIGN_OR_RETURN(request.token, StringMember(input, "ClientRequestToken"));
  Constraints c;
  if (request.token && (request.token->empty() || request.token->size() > 36)) {
    c.Fail(*request.token, "clientRequestToken",
           "Member must have length less than or equal to 36");
  }
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> capacity,
                        StringMember(input, "ReturnConsumedCapacity"));
  c.Enum(capacity, "returnConsumedCapacity", {"INDEXES", "TOTAL", "NONE"});
  KUMO_RETURN_IF_ERROR(c.Finish());
  return request;
}

void TransactWriteItems(const OpCallPtr& call) {
  const json::object& input = call->input;
  Result<TransactionRequest> request =
      ReadTransactionRequest(input, "TransactItems", "transactItems");
  if (!request.ok()) return call->Fail(request.error());
  const json::array& items = *request->list;
  std::vector<TransactOp> ops;
  std::set<std::string> seen;
  for (const json::value& v : items) {
    Result<TransactOp> op = ReadWriteOp(call, v);
    if (!op.ok()) return call->Fail(op.error());
    if (!seen.insert(TablePrefix(op->table.meta->id) + op->item_key).second) {
      return call->Fail(MultipleOperations());
    }
    ops.push_back(std::move(op).value());
  }
  RunWriteTransaction(call, std::move(ops), std::move(request->token),
                      json::serialize(json::value(items)));
}

void RunWriteTransaction(const OpCallPtr& call, std::vector<TransactOp> op_list,
                         std::optional<std::string> token, std::string fingerprint) {
  TableService::Impl& impl = call->impl;
  const int64_t now = impl.options.clock->NowMillis();
  if (token) {
    if (std::optional<IdempotencyCache::Entry> entry = impl.tokens.Find(*token, now)) {
      if (entry->fingerprint != fingerprint) {
        return call->Fail(Error{400, "IdempotentParameterMismatchException",
                                "Request parameters do not match the previous request with the same "
                                "ClientRequestToken"});
      }
      if (entry->response.empty()) {
        return call->Fail(Error{400, "TransactionInProgressException",
                                "Transaction is ongoing for the provided ClientRequestToken"});
      }
      return call->Reply(entry->response);
    }
    if (!impl.tokens.Claim(*token, std::move(fingerprint), now)) {
      return call->Fail(Error{400, "TransactionInProgressException",
                              "Transaction is ongoing for the provided ClientRequestToken"});
    }
  }

  auto ops = std::make_shared<std::vector<TransactOp>>(std::move(op_list));
  std::vector<WriteSlot> slots;
  for (const TransactOp& op : *ops) {
    WriteSlot slot;
    slot.table = op.table;
    slot.item_key = op.item_key;
    slots.push_back(std::move(slot));
  }
  auto reasons = std::make_shared<std::vector<Reason>>();
  const CapacityMode capacity = CapacityModeOf(call->input);
  std::string token_value = token.value_or("");
  impl.writes.Commit(
      std::move(slots),
      [ops, reasons](std::vector<WriteSlot>& s) -> Status {
        bool cancelled = false;
        for (size_t i = 0; i < s.size(); ++i) {
          reasons->push_back(ApplyTransactOp((*ops)[i], s[i]));
          cancelled = cancelled || reasons->back().code != "None";
        }
        if (!cancelled) return Status::Ok();
        for (WriteSlot& slot : s) slot.action = WriteSlot::Action::kNone;
        return Error{400, "TransactionCanceledException", ""};
      },
      [call, reasons, capacity, token_value](Status status, std::vector<WriteSlot>& s) {
        TableService::Impl& impl = call->impl;
        if (!status.ok()) {
          if (!token_value.empty()) impl.tokens.Complete(token_value, "");
          if (status.error().code == "ItemCollectionSizeLimitExceededException") {
            // The items that would grow their collection past the limit cancel the transaction.
            for (size_t i = 0; i < s.size() && i < reasons->size(); ++i) {
              if (!s[i].collection_full) continue;
              (*reasons)[i].code = "ItemCollectionSizeLimitExceeded";
              (*reasons)[i].message = status.error().message;
            }
          } else if (status.error().code != "TransactionCanceledException") {
            return call->Fail(status.error());
          }
          std::string codes;
          std::string extra = CancellationBody(*reasons, codes);
          Error error{400, "TransactionCanceledException",
                      "Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]"};
          return call->FailWith(error, extra);
        }
        std::string body = "{";
        CapacityByTable consumed;
        for (const WriteSlot& slot : s) {
          Consumed one;
          one.table = 2 * (slot.table_units > 0 ? slot.table_units : 1);
          for (const auto& [name, units] : slot.index_units) one.indexes[name] = 2 * units;
          consumed.For(*slot.table.meta, false).Add(one);
        }
        consumed.AppendMember(capacity, body);
        CloseObject(body);
        if (!token_value.empty()) impl.tokens.Complete(token_value, body);
        call->Reply(std::move(body));
      });
}

void TransactGetItems(const OpCallPtr& call) {
  TableService::Impl& impl = call->impl;
  const json::object& input = call->input;
  Result<const json::array*> items = ArrayMember(input, "TransactItems");
  if (!items.ok()) return call->Fail(items.error());
  if (Status s = CheckTransactCount(*items, "transactItems"); !s.ok()) return call->Fail(s.error());
  struct GetOp {
    TableHandle table;
    std::string item_key;
    std::optional<std::vector<Path>> projection;
  };
  std::vector<GetOp> gets;
  std::set<std::string> seen;
  for (const json::value& v : **items) {
    if (!v.is_object()) return call->Fail(SerializationError("Unexpected value type in payload"));
    Result<const json::object*> get = ObjectMember(v.as_object(), "Get");
    if (!get.ok()) return call->Fail(get.error());
    if (*get == nullptr) {
      return call->Fail(MissingMember("transactItems.member.get"));
    }
    const json::object& body = **get;
    if (Status s = CheckItemRequestConstraints(body, false); !s.ok()) return call->Fail(s.error());
    Result<std::optional<Item>> key = ItemMember(body, "Key");
    if (!key.ok()) return call->Fail(key.error());
    if (!key->has_value()) {
      return call->Fail(MissingMember("transactItems.member.get.key"));
    }
    Result<ExpressionAttributes> attributes = ExpressionAttributes::FromRequest(body);
    if (!attributes.ok()) return call->Fail(attributes.error());
    GetOp op;
    Result<std::optional<std::vector<Path>>> projection = ReadProjection(body, *attributes);
    if (!projection.ok()) return call->Fail(projection.error());
    if (Status s = attributes->CheckAllUsed(); !s.ok()) return call->Fail(s.error());
    op.projection = std::move(projection).value();
    Result<TableHandle> table = call->FindTable(body.at("TableName").as_string());
    if (!table.ok()) return call->Fail(table.error());
    Result<std::string> item_key = ItemKeyFromKey(table->meta->key_schema, **key);
    if (!item_key.ok()) return call->Fail(item_key.error());
    op.table = std::move(table).value();
    op.item_key = std::move(item_key).value();
    if (!seen.insert(TablePrefix(op.table.meta->id) + op.item_key).second) return call->Fail(MultipleOperations());
    gets.push_back(std::move(op));
  }
  const CapacityMode capacity = CapacityModeOf(input);
  std::unique_ptr<storage::Snapshot> snapshot = impl.store.GetSnapshot();
  std::string responses = "[";
  CapacityByTable consumed;
  for (const GetOp& op : gets) {
    Result<std::optional<std::string>> stored =
        impl.store.Get(impl.items, ItemStorageKey(op.table.meta->id, op.item_key), snapshot.get());
    if (!stored.ok()) return call->Fail(stored.error());
    if (responses.size() > 1) responses += ',';
    size_t size = 0;
    if (stored->has_value()) {
      Result<Item> item = DecodeItem(**stored);
      if (!item.ok()) return call->Fail(item.error());
      size = ItemSize(*item);
      responses += "{\"Item\":";
      AppendItemJsonText(op.projection ? Project(*item, *op.projection) : *item, responses);
      responses += '}';
    } else {
      responses += "{}";
    }
    consumed.For(*op.table.meta, true).table += 2 * ReadUnits(size, true);
  }
  std::string body = "{\"Responses\":" + responses + "],";
  consumed.AppendMember(capacity, body);
  CloseObject(body);
  call->Reply(std::move(body));
}

}  // namespace kumo::tables
