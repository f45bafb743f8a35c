// BatchGetItem and BatchWriteItem.
//
// BatchWriteItem commits every request of the call in one WriteBatch (so it
// never leaves UnprocessedItems); BatchGetItem reads from one snapshot and
// moves keys to UnprocessedKeys only past 16 MB of response.
#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <set>

#include "tables/capacity.h"
#include "tables/item_codec.h"
#include "tables/item_request.h"
#include "tables/key_codec.h"
#include "tables/projection.h"
#include "tables/request.h"
#include "tables/service_impl.h"
#include "tables/storage_layout.h"

namespace kumo::tables {
namespace {

namespace json = boost::json;

constexpr size_t kMaxBatchGetKeys = 100;
constexpr size_t kMaxBatchWrites = 25;
constexpr size_t kMaxBatchGetBytes = 16 * 1024 * 1024;

// Checks RequestItems' table names as the model's map-key constraint does.
Status CheckRequestItems(const json::object* items) {
  Constraints c;
  c.Required(items != nullptr, "requestItems");
  if (items != nullptr) {
    if (items->empty()) c.Fail("{}", "requestItems", "Member must have length greater than or equal to 1");
    for (const auto& kv : *items) {
      Constraints name;
      name.Name(std::string(kv.key()), "", true);
      if (!name.ok()) {
        c.Fail(json::serialize(json::value(*items)), "requestItems",
               "Map keys must satisfy constraint: [Member must have length less than or equal to 255, "
               "Member must have length greater than or equal to 3, Member must satisfy regular "
               "expression pattern: [a-zA-Z0-9_.-]+]");
        break;
      }
    }
  }
  return c.Finish();
}

Error Duplicates() { return ValidationError("Provided list of item keys contains duplicates"); }

struct GetRequest {
  TableHandle table;
  std::string name;  // as requested (the response's key)
  std::vector<Item> keys;
  std::vector<std::string> item_keys;
  bool consistent = false;
  std::optional<std::vector<Path>> projection;
  const json::object* raw = nullptr;  // for UnprocessedKeys
};

Result<GetRequest> ReadGetRequest(const OpCallPtr& call, std::string_view name, const json::value& value) {
  if (!value.is_object()) return SerializationError("Unexpected value type in payload");
  const json::object& obj = value.as_object();
  GetRequest request;
  request.name = std::string(name);
  request.raw = &obj;
  KUMO_ASSIGN_OR_RETURN(const json::array* keys, ArrayMember(obj, "Keys"));
  Constraints c;
  c.Required(keys != nullptr, fmt::format("requestItems.{}.member.keys", name));
  if (keys != nullptr && keys->empty()) {
    c.Fail("[]", fmt::format("requestItems.{}.member.keys", name), "Member must have length greater than or equal to 1");
  }
  KUMO_RETURN_IF_ERROR(c.Finish());
  KUMO_ASSIGN_OR_RETURN(std::optional<bool> consistent, BoolMember(obj, "ConsistentRead"));
  request.consistent = consistent.value_or(false);
  KUMO_RETURN_IF_ERROR(CheckExpressionParams(obj, {"ProjectionExpression"}, {"AttributesToGet"}));
  KUMO_ASSIGN_OR_RETURN(ExpressionAttributes attributes, ExpressionAttributes::FromRequest(obj));
  KUMO_ASSIGN_OR_RETURN(request.projection, ReadProjection(obj, attributes));
  KUMO_RETURN_IF_ERROR(attributes.CheckAllUsed());
  for (const json::value& key : *keys) {
    KUMO_ASSIGN_OR_RETURN(Item item, ItemFromJson(key));
    request.keys.push_back(std::move(item));
  }
  return request;
}

}  // namespace

void BatchGetItem(const OpCallPtr& call) {
  const json::object& input = call->input;
  Result<const json::object*> items = ObjectMember(input, "RequestItems");
  if (!items.ok()) return call->Fail(items.error());
  if (Status s = CheckRequestItems(*items); !s.ok()) return call->Fail(s.error());
  Result<std::optional<std::string>> capacity_name = StringMember(input, "ReturnConsumedCapacity");
  if (!capacity_name.ok()) return call->Fail(capacity_name.error());
  {
    Constraints c;
    c.Enum(*capacity_name, "returnConsumedCapacity", {"INDEXES", "TOTAL", "NONE"});
    if (Status s = c.Finish(); !s.ok()) return call->Fail(s.error());
  }
  std::vector<GetRequest> requests;
  size_t total = 0;
  for (const auto& kv : **items) {
    Result<GetRequest> request = ReadGetRequest(call, kv.key(), kv.value());
    if (!request.ok()) return call->Fail(request.error());
    total += request->keys.size();
    requests.push_back(std::move(request).value());
  }
  if (total > kMaxBatchGetKeys) {
    return call->Fail(ValidationError("Too many items requested for the BatchGetItem call"));
  }
  for (GetRequest& request : requests) {
    Result<TableHandle> table = call->FindTable(request.name);
    if (!table.ok()) return call->Fail(table.error());
    request.table = std::move(table).value();
    std::set<std::string> seen;
    for (const Item& key : request.keys) {
      Result<std::string> item_key = ItemKeyFromKey(request.table.meta->key_schema, key);
      if (!item_key.ok()) return call->Fail(item_key.error());
      if (!seen.insert(*item_key).second) return call->Fail(Duplicates());
      request.item_keys.push_back(std::move(item_key).value());
    }
  }

  const CapacityMode capacity = CapacityModeOf(input);
  std::unique_ptr<storage::Snapshot> snapshot = call->impl.store.GetSnapshot();
  std::string responses = "{", unprocessed = "{";
  CapacityByTable consumed_by_table;
  size_t bytes = 0;
  for (const GetRequest& request : requests) {
    std::string table_items;
    json::array unprocessed_keys;
    Consumed& consumed = consumed_by_table.For(*request.table.meta, true);
    for (size_t i = 0; i < request.keys.size(); ++i) {
      if (bytes >= kMaxBatchGetBytes) {
        unprocessed_keys.push_back(ItemToJson(request.keys[i]));
        continue;
      }
      Result<std::optional<std::string>> stored = call->impl.store.Get(
          call->impl.items, ItemStorageKey(request.table.meta->id, request.item_keys[i]), snapshot.get());
      if (!stored.ok()) return call->Fail(stored.error());
      if (!stored->has_value()) {
        consumed.table += ReadUnits(0, request.consistent);
        continue;
      }
      Result<Item> item = DecodeItem(**stored);
      if (!item.ok()) return call->Fail(item.error());
      const size_t size = ItemSize(*item);
      bytes += size;
      consumed.table += ReadUnits(size, request.consistent);
      if (!table_items.empty()) table_items += ',';
      AppendItemJsonText(request.projection ? Project(*item, *request.projection) : *item, table_items);
    }
    if (responses.size() > 1) responses += ',';
    AppendQuotedJson(request.name, responses);
    responses += ":[" + table_items + "]";
    if (!unprocessed_keys.empty()) {
      json::object rest = *request.raw;
      rest["Keys"] = std::move(unprocessed_keys);
      if (unprocessed.size() > 1) unprocessed += ',';
      AppendQuotedJson(request.name, unprocessed);
      unprocessed += ':' + json::serialize(rest);
    }
  }
  std::string body = "{\"Responses\":" + responses + "},\"UnprocessedKeys\":" + unprocessed + "},";
  consumed_by_table.AppendMember(capacity, body);
  CloseObject(body);
  call->Reply(std::move(body));
}

void BatchWriteItem(const OpCallPtr& call) {
  const json::object& input = call->input;
  Result<const json::object*> items = ObjectMember(input, "RequestItems");
  if (!items.ok()) return call->Fail(items.error());
  if (Status s = CheckRequestItems(*items); !s.ok()) return call->Fail(s.error());
  {
    Constraints c;
    Result<std::optional<std::string>> capacity = StringMember(input, "ReturnConsumedCapacity");
    Result<std::optional<std::string>> metrics = StringMember(input, "ReturnItemCollectionMetrics");
    if (!capacity.ok()) return call->Fail(capacity.error());
    if (!metrics.ok()) return call->Fail(metrics.error());
    c.Enum(*capacity, "returnConsumedCapacity", {"INDEXES", "TOTAL", "NONE"});
    c.Enum(*metrics, "returnItemCollectionMetrics", {"SIZE", "NONE"});
    if (Status s = c.Finish(); !s.ok()) return call->Fail(s.error());
  }
  struct Request {
    std::string table_name;
    std::optional<Item> put;
    std::optional<Item> key;
  };
  std::vector<Request> requests;
  for (const auto& kv : **items) {
    if (!kv.value().is_array()) return call->Fail(SerializationError("Expected list or null"));
    const json::array& list = kv.value().as_array();
    if (list.empty() || list.size() > kMaxBatchWrites) {
      Constraints c;
      c.Fail(json::serialize(json::value(**items)), "requestItems",
             "Map value must satisfy constraint: [Member must have length less than or equal to 25, "
             "Member must have length greater than or equal to 1]");
      return call->Fail(c.Finish().error());
    }
    for (const json::value& v : list) {
      if (!v.is_object()) return call->Fail(SerializationError("Unexpected value type in payload"));
      Result<const json::object*> put = ObjectMember(v.as_object(), "PutRequest");
      Result<const json::object*> del = ObjectMember(v.as_object(), "DeleteRequest");
      if (!put.ok()) return call->Fail(put.error());
      if (!del.ok()) return call->Fail(del.error());
      if ((*put == nullptr) == (*del == nullptr)) {
        return call->Fail(ValidationError(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
            "datatypes"));
      }
      Request request{std::string(kv.key()), std::nullopt, std::nullopt};
      Result<std::optional<Item>> value =
          *put != nullptr ? ItemMember(**put, "Item") : ItemMember(**del, "Key");
      if (!value.ok()) return call->Fail(value.error());
      if (!value->has_value()) {
        return call->Fail(MissingMember(*put != nullptr ? "requestItems.member.putRequest.item" : "requestItems.member.deleteRequest.key"));
      }
      (*put != nullptr ? request.put : request.key) = std::move(**value);
      requests.push_back(std::move(request));
    }
  }
  if (requests.size() > kMaxBatchWrites) {
    return call->Fail(ValidationError("Too many items requested for the BatchWriteItem call"));
  }

  std::vector<WriteSlot> slots;
  std::set<std::string> seen;
  auto new_items = std::make_shared<std::vector<std::optional<Item>>>();
  for (Request& request : requests) {
    Result<TableHandle> table = call->FindTable(request.table_name);
    if (!table.ok()) return call->Fail(table.error());
    const TableMeta& meta = *table->meta;
    Result<std::string> item_key = request.put ? ItemKeyFromItem(meta.key_schema, *request.put)
                                               : ItemKeyFromKey(meta.key_schema, *request.key);
    if (!item_key.ok()) return call->Fail(item_key.error());
    if (request.put) {
      if (Status s = CheckItemSize(*request.put); !s.ok()) return call->Fail(s.error());
      if (Status s = ValidateIndexKeys(meta, *request.put); !s.ok()) return call->Fail(s.error());
    }
    if (!seen.insert(TablePrefix(meta.id) + *item_key).second) return call->Fail(Duplicates());
    WriteSlot slot;
    slot.table = std::move(table).value();
    slot.item_key = std::move(item_key).value();
    slots.push_back(std::move(slot));
    new_items->push_back(std::move(request.put));
  }
  const CapacityMode capacity = CapacityModeOf(input);
  const boost::json::value* metrics_value = Member(input, "ReturnItemCollectionMetrics");
  const bool metrics = metrics_value != nullptr && metrics_value->is_string() && metrics_value->as_string() == "SIZE";
  call->impl.writes.Commit(
      std::move(slots),
      [new_items](std::vector<WriteSlot>& s) {
        for (size_t i = 0; i < s.size(); ++i) {
          if ((*new_items)[i]) {
            s[i].action = WriteSlot::Action::kPut;
            s[i].new_item = *(*new_items)[i];
          } else if (s[i].old_item) {
            s[i].action = WriteSlot::Action::kDelete;
          }
        }
        return Status::Ok();
      },
      [call, capacity, metrics](Status status, std::vector<WriteSlot>& s) {
        if (!status.ok()) return call->Fail(status.error());
        std::string body = "{\"UnprocessedItems\":{},";
        CapacityByTable consumed;
        std::vector<std::pair<const TableMeta*, std::string>> per_table_metrics;
        for (const WriteSlot& slot : s) {
          Consumed one;
          one.table = slot.table_units > 0 ? slot.table_units : 1;
          one.indexes = slot.index_units;
          consumed.For(*slot.table.meta, false).Add(one);
          if (metrics && slot.table.meta->has_local_indexes()) {
            auto it = std::find_if(per_table_metrics.begin(), per_table_metrics.end(),
                                   [&](const auto& p) { return p.first->id == slot.table.meta->id; });
            if (it == per_table_metrics.end()) {
              per_table_metrics.emplace_back(slot.table.meta.get(), "");
              it = per_table_metrics.end() - 1;
            }
            if (!it->second.empty()) it->second += ',';
            AppendItemCollectionMetricsObject(*slot.table.meta,
                                              slot.action == WriteSlot::Action::kPut ? slot.new_item
                                              : slot.old_item ? *slot.old_item
                                                              : Item{},
                                              slot.collection_bytes, it->second);
          }
        }
        consumed.AppendMember(capacity, body);
        if (metrics) {
          body += "\"ItemCollectionMetrics\":{";
          bool first = true;
          for (const auto& [meta, list] : per_table_metrics) {
            if (list.empty()) continue;
            if (!first) body += ',';
            first = false;
            AppendQuotedJson(meta->name, body);
            body += ":[" + list + "]";
          }
          body += "},";
        }
        CloseObject(body);
        call->Reply(std::move(body));
      });
}

}  // namespace kumo::tables
