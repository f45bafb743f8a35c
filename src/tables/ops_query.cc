// Query and Scan: their parameters into a ReadPlan, read by the range
// reader of read_path.h; LastEvaluatedKey is the key of the last item read.
#include <fmt/format.h>

#include "tables/capacity.h"
#include "tables/condition_evaluator.h"
#include "tables/expression_resolver.h"
#include "tables/item_codec.h"
#include "tables/item_request.h"
#include "tables/key_codec.h"
#include "tables/key_condition.h"
#include "tables/legacy.h"
#include "tables/projection.h"
#include "tables/read_path.h"
#include "tables/request.h"
#include "tables/service_impl.h"
#include "tables/storage_layout.h"

namespace kumo::tables {
namespace {

// The common request checks of Query and Scan; fills the plan's read options.
struct ReadRequest {
  std::optional<std::string> index_name;
  Select select = Select::kAll;
  bool select_given = false;
  std::optional<int64_t> limit;
  bool consistent = false;
  std::optional<Item> start_key;
};

// The members Query and Scan share, after the checks every item request makes.
Result<ReadRequest> ReadCommon(const boost::json::object& input, Constraints& c) {
  KUMO_RETURN_IF_ERROR(CheckItemRequestConstraints(input, false));
  ReadRequest r;
  KUMO_ASSIGN_OR_RETURN(r.index_name, StringMember(input, "IndexName"));
  c.Name(r.index_name, "indexName", false);
  KUMO_ASSIGN_OR_RETURN(r.limit, IntMember(input, "Limit"));
  c.Min(r.limit, "limit", 1);
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> select, StringMember(input, "Select"));
  c.Enum(select, "select", {"ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT"});
  KUMO_ASSIGN_OR_RETURN(std::optional<bool> consistent, BoolMember(input, "ConsistentRead"));
  r.consistent = consistent.value_or(false);
  KUMO_ASSIGN_OR_RETURN(r.start_key, ItemMember(input, "ExclusiveStartKey"));
  r.select_given = select.has_value();
  if (select == "ALL_PROJECTED_ATTRIBUTES") r.select = Select::kAllProjected;
  if (select == "SPECIFIC_ATTRIBUTES") r.select = Select::kSpecific;
  if (select == "COUNT") r.select = Select::kCount;
  return r;
}

// Checks Select against the projection parameters and the index, and
// settles what each returned item holds.
Status PlanSelect(const boost::json::object& input, const ReadRequest& r, ReadPlan& plan) {
  const bool has_projection = Member(input, "ProjectionExpression") != nullptr ||
                              Member(input, "AttributesToGet") != nullptr;
  const char* projection_name =
      Member(input, "ProjectionExpression") != nullptr ? "ProjectionExpression" : "AttributesToGet";
  if (r.select_given && r.select != Select::kSpecific && has_projection) {
    static constexpr std::string_view kNames[] = {"ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES",
                                                  "SPECIFIC_ATTRIBUTES", "COUNT"};
    return ValidationError(fmt::format("Cannot specify the {} when choosing to get {}", projection_name,
                                       kNames[static_cast<int>(r.select)]));
  }
  if (r.select == Select::kAllProjected && plan.index == nullptr) {
    return ValidationError("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  }
  plan.select = has_projection ? Select::kSpecific : r.select_given ? r.select
                : plan.index != nullptr ? Select::kAllProjected : Select::kAll;
  if (plan.index == nullptr || plan.index->projection == ProjectionType::kAll) return Status::Ok();
  if (plan.select == Select::kAll) {
    if (plan.index->global) {
      return ValidationError(fmt::format(
          "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for "
          "global secondary index {} because its projection type is not ALL",
          plan.index->name));
    }
    plan.fetch_from_table = true;
  }
  if (plan.select == Select::kSpecific && !plan.index->global && plan.projection &&
      NeedsTableFetch(*plan.table.meta, *plan.index, *plan.projection)) {
    plan.fetch_from_table = true;
  }
  return Status::Ok();
}

// Reads one page and answers with it in Query's and Scan's shape.
void RunRead(TableService::Impl& impl, const OpCallPtr& call, const ReadPlan& plan) {
  Result<ReadPage> page = ReadRange(impl, plan);
  if (!page.ok()) return call->Fail(page.error());
  std::string body = "{";
  if (plan.capacity != CapacityMode::kNone) {
    AppendConsumedCapacityMember(*plan.table.meta, ReadConsumed(plan, page->bytes), plan.capacity,
                                 body);
  }
  if (plan.select != Select::kCount) {
    body += "\"Items\":";
    body += page->items;
    body += ',';
  }
  body += fmt::format("\"Count\":{},\"ScannedCount\":{},", page->count, page->scanned);
  if (page->last_key) {
    body += "\"LastEvaluatedKey\":";
    AppendItemJsonText(*page->last_key, body);
    body += ',';
  }
  CloseObject(body);
  call->Reply(std::move(body));
}

// Reads the filter and projection (expression or legacy) into the plan.
Status PlanExpressions(const boost::json::object& input, std::string_view legacy_filter,
                       ExpressionAttributes& attributes, ReadPlan& plan) {
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> filter, StringMember(input, "FilterExpression"));
  if (filter) {
    KUMO_ASSIGN_OR_RETURN(Condition condition, CompileCondition(*filter, ExpressionKind::kFilter, attributes));
    plan.filter = std::move(condition);
  } else if (const boost::json::value* legacy = Member(input, legacy_filter)) {
    KUMO_ASSIGN_OR_RETURN(Condition condition,
                          ConditionFromFilter(*legacy, Member(input, "ConditionalOperator"), legacy_filter));
    plan.filter = std::move(condition);
  }
  KUMO_ASSIGN_OR_RETURN(plan.projection, ReadProjection(input, attributes));
  return Status::Ok();
}

}  // namespace

// Query and Scan alike: the table, the index read (if any), and what Select
// returns, into `plan`.
Status BindTable(const OpCallPtr& call, const ReadRequest& request, ReadPlan& plan) {
  const boost::json::object& input = call->input;
  KUMO_ASSIGN_OR_RETURN(plan.table, call->FindTable(input.at("TableName").as_string()));
  KUMO_ASSIGN_OR_RETURN(plan.index, FindReadIndex(*plan.table.meta, request.index_name, request.consistent));
  return PlanSelect(input, request, plan);
}

void Query(const OpCallPtr& call) {
  const boost::json::object& input = call->input;
  Constraints c;
  Result<ReadRequest> request = ReadCommon(input, c);
  if (!request.ok()) return call->Fail(request.error());
  Result<std::optional<bool>> forward = BoolMember(input, "ScanIndexForward");
  if (!forward.ok()) return call->Fail(forward.error());
  if (Status s = c.Finish(); !s.ok()) return call->Fail(s.error());
  if (Status s = CheckExpressionParams(input, {"ProjectionExpression", "FilterExpression", "KeyConditionExpression"},
                                       {"AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"});
      !s.ok()) {
    return call->Fail(s.error());
  }
  if (Member(input, "KeyConditions") == nullptr && Member(input, "KeyConditionExpression") == nullptr) {
    return call->Fail(ValidationError(
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."));
  }
  Result<ExpressionAttributes> attributes = ExpressionAttributes::FromRequest(input);
  if (!attributes.ok()) return call->Fail(attributes.error());
  Condition key_condition;
  Result<std::optional<std::string>> key_text = StringMember(input, "KeyConditionExpression");
  if (!key_text.ok()) return call->Fail(key_text.error());
  if (*key_text) {
    Result<Condition> compiled = CompileCondition(**key_text, ExpressionKind::kKeyCondition, *attributes);
    if (!compiled.ok()) return call->Fail(compiled.error());
    key_condition = std::move(compiled).value();
  } else {
    Result<Condition> converted = ConditionFromFilter(*Member(input, "KeyConditions"), nullptr, "KeyConditions");
    if (!converted.ok()) return call->Fail(converted.error());
    key_condition = std::move(converted).value();
  }
  ReadPlan plan;
  if (Status s = PlanExpressions(input, "QueryFilter", *attributes, plan); !s.ok()) return call->Fail(s.error());
  if (Status s = attributes->CheckAllUsed(); !s.ok()) return call->Fail(s.error());

  if (Status s = BindTable(call, *request, plan); !s.ok()) return call->Fail(s.error());
  const TableMeta& meta = *plan.table.meta;
  Result<KeyCondition> extracted =
      ExtractKeyCondition(key_condition, plan.index != nullptr ? plan.index->key_schema : meta.key_schema);
  if (!extracted.ok()) return call->Fail(extracted.error());
  KeyRange range = KeyConditionRange(*extracted);
  const std::string prefix = plan.index != nullptr ? IndexPrefix(meta.id, plan.index->id) : TablePrefix(meta.id);
  plan.begin = prefix + range.begin;
  plan.end = prefix + range.end;
  plan.forward = forward->value_or(true);
  plan.limit = request->limit;
  plan.consistent = request->consistent;
  plan.capacity = CapacityModeOf(input);
  if (request->start_key) {
    Result<std::string> start = StartPosition(meta, plan.index, *request->start_key);
    if (!start.ok()) return call->Fail(start.error());
    const KeyAttribute& pk = plan.index != nullptr ? plan.index->key_schema.partition : meta.key_schema.partition;
    auto given = request->start_key->find(pk.name);
    if (given == request->start_key->end() || !(given->second == extracted->partition)) {
      return call->Fail(ValidationError(
          "The provided starting key is outside query boundaries based on provided conditions"));
    }
    plan.start_after = std::move(start).value();
  }
  RunRead(call->impl, call, plan);
}

void Scan(const OpCallPtr& call) {
  const boost::json::object& input = call->input;
  Constraints c;
  Result<ReadRequest> request = ReadCommon(input, c);
  if (!request.ok()) return call->Fail(request.error());
  Result<std::optional<int64_t>> segment = IntMember(input, "Segment");
  if (!segment.ok()) return call->Fail(segment.error());
  Result<std::optional<int64_t>> total = IntMember(input, "TotalSegments");
  if (!total.ok()) return call->Fail(total.error());
  c.Min(*segment, "segment", 0);
  c.Max(*segment, "segment", 999999);
  c.Min(*total, "totalSegments", 1);
  c.Max(*total, "totalSegments", 1000000);
  if (Status s = c.Finish(); !s.ok()) return call->Fail(s.error());
  if (segment->has_value() && !total->has_value()) {
    return call->Fail(ValidationError(
        "The TotalSegments parameter is required but was not present in the request when parameter Segment is present"));
  }
  if (total->has_value() && !segment->has_value()) {
    return call->Fail(ValidationError(
        "The Segment parameter is required but was not present in the request when parameter TotalSegments is present"));
  }
  if (segment->has_value() && **segment >= **total) {
    return call->Fail(ValidationError(fmt::format(
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: {} is not "
        "less than TotalSegments: {}",
        **segment, **total)));
  }
  if (Status s = CheckExpressionParams(input, {"ProjectionExpression", "FilterExpression"},
                                       {"AttributesToGet", "ScanFilter", "ConditionalOperator"});
      !s.ok()) {
    return call->Fail(s.error());
  }
  Result<ExpressionAttributes> attributes = ExpressionAttributes::FromRequest(input);
  if (!attributes.ok()) return call->Fail(attributes.error());
  ReadPlan plan;
  if (Status s = PlanExpressions(input, "ScanFilter", *attributes, plan); !s.ok()) return call->Fail(s.error());
  if (Status s = attributes->CheckAllUsed(); !s.ok()) return call->Fail(s.error());

  if (Status s = BindTable(call, *request, plan); !s.ok()) return call->Fail(s.error());
  const TableMeta& meta = *plan.table.meta;
  const std::string prefix = plan.index != nullptr ? IndexPrefix(meta.id, plan.index->id) : TablePrefix(meta.id);
  KeyRange range = segment->has_value()
                       ? ScanSegmentRange(static_cast<uint32_t>(**segment), static_cast<uint32_t>(**total))
                       : KeyRange{};
  plan.begin = prefix + range.begin;
  plan.end = range.end.empty() ? PrefixSuccessor(prefix) : prefix + range.end;
  plan.limit = request->limit;
  plan.consistent = request->consistent;
  plan.capacity = CapacityModeOf(input);
  if (request->start_key) {
    Result<std::string> start = StartPosition(meta, plan.index, *request->start_key);
    if (!start.ok()) return call->Fail(start.error());
    plan.start_after = std::move(start).value();
  }
  RunRead(call->impl, call, plan);
}

}  // namespace kumo::tables
