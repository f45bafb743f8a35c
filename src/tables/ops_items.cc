// GetItem, PutItem, UpdateItem, DeleteItem.
//
// GetItem reads the Store directly (no lock) and, without a projection,
// copies the stored bytes to the response (AppendEncodedItemJson). Writes go
// through WritePath::Commit and are answered from its callback, once durable.
#include "tables/capacity.h"
#include "tables/condition_evaluator.h"
#include "tables/expression_resolver.h"
#include "tables/item_codec.h"
#include "tables/item_request.h"
#include "tables/key_codec.h"
#include "tables/legacy.h"
#include "tables/projection.h"
#include "tables/request.h"
#include "tables/service_impl.h"
#include "tables/storage_layout.h"
#include "tables/update_evaluator.h"

namespace kumo::tables {
namespace {

// What a single-item write answers with, decided while the item is locked.
struct WriteOutcome {
  Item attributes;  // ReturnValues
  bool has_attributes = false;
  Item metrics_item;  // the item whose collection ItemCollectionMetrics describes
};

// The parts every single-item write shares: reading the options, running the
// commit, answering.
struct SingleWrite {
  OpCallPtr call;
  TableHandle table;
  std::string item_key;
  std::optional<Condition> condition;
  CapacityMode capacity = CapacityMode::kNone;
  bool metrics = false;
  bool old_on_failure = false;
};

using Mutate = std::function<Status(WriteSlot& slot, WriteOutcome& outcome)>;

void RunSingleWrite(std::shared_ptr<SingleWrite> write, Mutate mutate) {
  auto outcome = std::make_shared<WriteOutcome>();
  std::vector<WriteSlot> slots(1);
  slots[0].table = write->table;
  slots[0].item_key = write->item_key;
  write->call->impl.writes.Commit(
      std::move(slots),
      [write, outcome, mutate = std::move(mutate)](std::vector<WriteSlot>& s) -> Status {
        WriteSlot& slot = s[0];
        static const Item kEmpty;
        if (write->condition &&
            !EvaluateCondition(*write->condition, slot.old_item ? *slot.old_item : kEmpty)) {
          return ConditionFailed();
        }
        return mutate(slot, *outcome);
      },
      [write, outcome](Status status, std::vector<WriteSlot>& s) {
        const WriteSlot& slot = s[0];
        if (!status.ok()) {
          if (status.error().code == "ConditionalCheckFailedException" && write->old_on_failure &&
              slot.old_item) {
            std::string extra;
            AppendItemMember("Item", *slot.old_item, extra);
            extra.pop_back();
            return write->call->FailWith(status.error(), extra);
          }
          return write->call->Fail(status.error());
        }
        std::string body = "{";
        if (outcome->has_attributes && !outcome->attributes.empty()) {
          AppendItemMember("Attributes", outcome->attributes, body);
        }
        Consumed consumed;
        consumed.table = slot.table_units > 0 ? slot.table_units : 1;
        consumed.indexes = slot.index_units;
        AppendConsumedCapacityMember(*slot.table.meta, consumed, write->capacity, body);
        if (write->metrics) {
          AppendItemCollectionMetrics(*slot.table.meta, outcome->metrics_item,
                                      slot.collection_bytes, body);
        }
        CloseObject(body);
        write->call->Reply(std::move(body));
      });
}

// The parts of PutItem/UpdateItem/DeleteItem read before the table is known.
Result<std::shared_ptr<SingleWrite>> StartWrite(const OpCallPtr& call, ExpressionAttributes& attributes) {
  auto write = std::make_shared<SingleWrite>();
  write->call = call;
  write->capacity = CapacityModeOf(call->input);
  const boost::json::value* metrics = Member(call->input, "ReturnItemCollectionMetrics");
  write->metrics = metrics != nullptr && metrics->is_string() && metrics->as_string() == "SIZE";
  write->old_on_failure = ReturnOldOnConditionFailure(call->input);
  KUMO_ASSIGN_OR_RETURN(write->condition, ReadCondition(call->input, attributes));
  return write;
}

Status CheckPutDeleteReturnValues(const boost::json::object& input) {
  ReturnValues rv = ReturnValuesOf(input);
  if (rv != ReturnValues::kNone && rv != ReturnValues::kAllOld) {
    return ValidationError("ReturnValues can only be ALL_OLD or NONE");
  }
  return Status::Ok();
}

}  // namespace

void GetItem(const OpCallPtr& call) {
  const boost::json::object& input = call->input;
  if (Status s = CheckItemRequestConstraints(input, false); !s.ok()) return call->Fail(s.error());
  Result<Item> key = RequiredItemMember(input, "Key", "key");
  if (!key.ok()) return call->Fail(key.error());
  Result<std::optional<bool>> consistent = BoolMember(input, "ConsistentRead");
  if (!consistent.ok()) return call->Fail(consistent.error());
  if (Status s = CheckExpressionParams(input, {"ProjectionExpression"}, {"AttributesToGet"}); !s.ok()) {
    return call->Fail(s.error());
  }
  std::optional<std::vector<Path>> projection;
  if (Member(input, "ProjectionExpression") != nullptr || Member(input, "AttributesToGet") != nullptr ||
      Member(input, "ExpressionAttributeNames") != nullptr) {
    Result<ExpressionAttributes> attributes = ExpressionAttributes::FromRequest(input);
    if (!attributes.ok()) return call->Fail(attributes.error());
    Result<std::optional<std::vector<Path>>> paths = ReadProjection(input, *attributes);
    if (!paths.ok()) return call->Fail(paths.error());
    if (Status s = attributes->CheckAllUsed(); !s.ok()) return call->Fail(s.error());
    projection = std::move(paths).value();
  }
  Result<TableHandle> table = call->FindTable(input.at("TableName").as_string());
  if (!table.ok()) return call->Fail(table.error());
  Result<std::string> item_key = ItemKeyFromKey(table->meta->key_schema, *key);
  if (!item_key.ok()) return call->Fail(item_key.error());
  Result<std::optional<std::string>> stored =
      call->impl.store.Get(call->impl.items, ItemStorageKey(table->meta->id, *item_key));
  if (!stored.ok()) return call->Fail(stored.error());

  std::string body = "{";
  // The item's JSON is about twice its stored size (type tags, quotes): one
  // allocation instead of the string's doubling steps.
  body.reserve(128 + (stored->has_value() ? 2 * (*stored)->size() : 0));
  const CapacityMode capacity = CapacityModeOf(input);
  std::optional<Item> decoded;
  if (stored->has_value() && (projection || capacity != CapacityMode::kNone)) {
    Result<Item> item = DecodeItem(**stored);
    if (!item.ok()) return call->Fail(item.error());
    decoded = std::move(item).value();
  }
  if (capacity != CapacityMode::kNone) {
    Consumed consumed;
    consumed.read = true;
    consumed.table = ReadUnits(decoded ? ItemSize(*decoded) : 0, consistent->value_or(false));
    AppendConsumedCapacityMember(*table->meta, consumed, capacity, body);
  }
  if (stored->has_value()) {
    if (projection) {
      AppendItemMember("Item", Project(*decoded, *projection), body);
    } else {
      body += "\"Item\":";
      if (Status s = AppendEncodedItemJson(**stored, body); !s.ok()) return call->Fail(s.error());
      body += ',';
    }
  }
  CloseObject(body);
  call->Reply(std::move(body));
}

// What PutItem and DeleteItem check before their writes differ, in the
// order AWS reports the errors: the request's constraints, the item or key
// member, ReturnValues, the expression parameters and attributes, and the table.
struct PutDeleteStart {
  Item item;  // the Item of PutItem, the Key of DeleteItem
  std::shared_ptr<SingleWrite> write;
  TableHandle table;
};

Result<PutDeleteStart> StartPutOrDelete(const OpCallPtr& call, const char* member, const char* label) {
  const boost::json::object& input = call->input;
  KUMO_RETURN_IF_ERROR(CheckItemRequestConstraints(input, true));
  KUMO_ASSIGN_OR_RETURN(Item item, RequiredItemMember(input, member, label));
  KUMO_RETURN_IF_ERROR(CheckPutDeleteReturnValues(input));
  KUMO_RETURN_IF_ERROR(
      CheckExpressionParams(input, {"ConditionExpression"}, {"Expected", "ConditionalOperator"}));
  KUMO_ASSIGN_OR_RETURN(ExpressionAttributes attributes, ExpressionAttributes::FromRequest(input));
  KUMO_ASSIGN_OR_RETURN(std::shared_ptr<SingleWrite> write, StartWrite(call, attributes));
  KUMO_RETURN_IF_ERROR(attributes.CheckAllUsed());
  KUMO_ASSIGN_OR_RETURN(TableHandle table, call->FindTable(input.at("TableName").as_string()));
  return PutDeleteStart{std::move(item), std::move(write), std::move(table)};
}

void PutItem(const OpCallPtr& call) {
  const boost::json::object& input = call->input;
  Result<PutDeleteStart> start = StartPutOrDelete(call, "Item", "item");
  if (!start.ok()) return call->Fail(start.error());
  Item& item = start->item;
  const std::shared_ptr<SingleWrite>& write = start->write;
  Result<std::string> item_key = ItemKeyFromItem(start->table.meta->key_schema, item);
  if (!item_key.ok()) return call->Fail(item_key.error());
  if (Status s = CheckItemSize(item); !s.ok()) return call->Fail(s.error());
  if (Status s = ValidateIndexKeys(*start->table.meta, item); !s.ok()) return call->Fail(s.error());
  write->table = std::move(start->table);
  write->item_key = std::move(item_key).value();
  const bool return_old = ReturnValuesOf(input) == ReturnValues::kAllOld;
  auto new_item = std::make_shared<Item>(std::move(item));
  RunSingleWrite(write, [new_item, return_old](WriteSlot& slot, WriteOutcome& outcome) {
    if (return_old && slot.old_item) {
      outcome.attributes = *slot.old_item;
      outcome.has_attributes = true;
    }
    slot.action = WriteSlot::Action::kPut;
    slot.new_item = *new_item;
    outcome.metrics_item = *new_item;
    return Status::Ok();
  });
}

void DeleteItem(const OpCallPtr& call) {
  const boost::json::object& input = call->input;
  Result<PutDeleteStart> start = StartPutOrDelete(call, "Key", "key");
  if (!start.ok()) return call->Fail(start.error());
  Item& key = start->item;
  const std::shared_ptr<SingleWrite>& write = start->write;
  Result<std::string> item_key = ItemKeyFromKey(start->table.meta->key_schema, key);
  if (!item_key.ok()) return call->Fail(item_key.error());
  write->table = std::move(start->table);
  write->item_key = std::move(item_key).value();
  const bool return_old = ReturnValuesOf(input) == ReturnValues::kAllOld;
  auto key_item = std::make_shared<Item>(std::move(key));
  RunSingleWrite(write, [return_old, key_item](WriteSlot& slot, WriteOutcome& outcome) {
    outcome.metrics_item = *key_item;
    if (!slot.old_item) return Status::Ok();
    if (return_old) {
      outcome.attributes = *slot.old_item;
      outcome.has_attributes = true;
    }
    slot.action = WriteSlot::Action::kDelete;
    return Status::Ok();
  });
}

void UpdateItem(const OpCallPtr& call) {
  const boost::json::object& input = call->input;
  if (Status s = CheckItemRequestConstraints(input, true); !s.ok()) return call->Fail(s.error());
  Result<Item> key = RequiredItemMember(input, "Key", "key");
  if (!key.ok()) return call->Fail(key.error());
  if (Status s = CheckExpressionParams(input, {"UpdateExpression", "ConditionExpression"},
                                       {"AttributeUpdates", "Expected", "ConditionalOperator"});
      !s.ok()) {
    return call->Fail(s.error());
  }
  Result<ExpressionAttributes> attributes = ExpressionAttributes::FromRequest(input);
  if (!attributes.ok()) return call->Fail(attributes.error());
  auto update = std::make_shared<UpdateExpression>();
  Result<std::optional<std::string>> text = StringMember(input, "UpdateExpression");
  if (!text.ok()) return call->Fail(text.error());
  if (*text) {
    Result<UpdateExpression> compiled = CompileUpdate(**text, *attributes);
    if (!compiled.ok()) return call->Fail(compiled.error());
    *update = std::move(compiled).value();
  } else if (const boost::json::value* legacy = Member(input, "AttributeUpdates")) {
    Result<UpdateExpression> converted = UpdateFromAttributeUpdates(*legacy);
    if (!converted.ok()) return call->Fail(converted.error());
    *update = std::move(converted).value();
  }
  Result<std::shared_ptr<SingleWrite>> write = StartWrite(call, *attributes);
  if (!write.ok()) return call->Fail(write.error());
  if (Status s = attributes->CheckAllUsed(); !s.ok()) return call->Fail(s.error());
  Result<TableHandle> table = call->FindTable(input.at("TableName").as_string());
  if (!table.ok()) return call->Fail(table.error());
  Result<std::string> item_key = ItemKeyFromKey(table->meta->key_schema, *key);
  if (!item_key.ok()) return call->Fail(item_key.error());
  if (Status s = CheckUpdateSparesKeys(*update, table->meta->key_schema); !s.ok()) {
    return call->Fail(s.error());
  }
  (*write)->table = std::move(table).value();
  (*write)->item_key = std::move(item_key).value();
  const ReturnValues rv = ReturnValuesOf(input);
  auto key_item = std::make_shared<Item>(std::move(*key));
  RunSingleWrite(*write, [update, rv, key_item](WriteSlot& slot, WriteOutcome& outcome) -> Status {
    const bool existed = slot.old_item.has_value();
    KUMO_ASSIGN_OR_RETURN(Item updated, ApplyUpdate(*update, existed ? *slot.old_item : *key_item, existed));
    KUMO_RETURN_IF_ERROR(CheckItemSize(updated, true));
    bool only_removals = !update->actions.empty();
    for (const UpdateAction& action : update->actions) {
      only_removals = only_removals && (action.kind == UpdateAction::Kind::kRemove ||
                                        action.kind == UpdateAction::Kind::kDelete);
    }
    outcome.metrics_item = updated;
    std::vector<Path> paths;
    for (const UpdateAction& action : update->actions) paths.push_back(action.path);
    switch (rv) {
      case ReturnValues::kNone: break;
      case ReturnValues::kAllOld:
        if (existed) outcome.attributes = *slot.old_item;
        break;
      case ReturnValues::kUpdatedOld:
        if (existed) outcome.attributes = Project(*slot.old_item, paths);
        break;
      case ReturnValues::kAllNew: outcome.attributes = updated; break;
      case ReturnValues::kUpdatedNew: outcome.attributes = Project(updated, paths); break;
    }
    outcome.has_attributes = rv != ReturnValues::kNone;
    // Removing attributes of an item that does not exist creates nothing.
    if (!existed && only_removals) return Status::Ok();
    slot.action = WriteSlot::Action::kPut;
    slot.new_item = std::move(updated);
    return Status::Ok();
  });
}

}  // namespace kumo::tables
