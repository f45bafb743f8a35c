// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction: PartiQL
// statements (partiql_parser.h) run as the operations they stand for, on
// the same read path, evaluators and write path as the expression API:
//   - SELECT reads the key range of a Query when its WHERE pins the
//     partition key with = (partiql_plan.h), else Scans, and filters the
//     items with the whole WHERE (read_path.h); Limit and the 1 MB page
//     stop a page, NextToken resumes it.
//   - INSERT, UPDATE and DELETE are single-item transaction operations
//     (transact.h) through WritePath::Commit: INSERT is a put on the
//     condition that no item has the key (else DuplicateItemException);
//     UPDATE requires the item (ConditionalCheckFailedException); DELETE of
//     a missing item does nothing; WHERE conditions beside the key are
//     conditions on the item.
//   - BatchExecuteStatement runs each statement on its own (reads name one
//     item each); ExecuteTransaction runs its writes as one transaction
//     (RunWriteTransaction, as TransactWriteItems) or its reads from one
//     snapshot.
#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <mutex>
#include <set>

#include "tables/capacity.h"
#include "tables/condition_evaluator.h"
#include "tables/item_codec.h"
#include "tables/item_request.h"
#include "tables/key_codec.h"
#include "tables/key_condition.h"
#include "tables/partiql_parser.h"
#include "tables/partiql_plan.h"
#include "tables/projection.h"
#include "tables/read_path.h"
#include "tables/request.h"
#include "tables/service_impl.h"
#include "tables/storage_layout.h"
#include "tables/transact.h"

namespace kumo::tables {
namespace {

namespace json = boost::json;
using Kind = PartiqlStatement::Kind;

constexpr size_t kMaxStatementLength = 8192;
constexpr size_t kMaxNextTokenLength = 32768;
constexpr size_t kMaxBatchStatements = 25;

// One statement of a request, parsed, with its table.
struct Bound {
  PartiqlStatement statement;
  TableHandle table;
  std::string text;  // the statement and its parameters (NextToken binding)
};

Result<std::vector<AttributeValue>> ReadParameters(const json::object& input,
                                                   std::string_view member) {
  KUMO_ASSIGN_OR_RETURN(const json::array* list, ArrayMember(input, "Parameters"));
  std::vector<AttributeValue> out;
  if (list == nullptr) return out;
  if (list->empty()) {
    Constraints c;
    c.Fail("[]", member, "Member must have length greater than or equal to 1");
    return c.Finish().error();
  }
  for (const json::value& v : *list) {
    Result<AttributeValue> value = AttributeValueFromJson(v);
    if (!value.ok()) return value.error();
    out.push_back(std::move(value).value());
  }
  return out;
}

// Reads, checks and parses the Statement and Parameters of `input`, and
// finds the statement's table. `member` prefixes the constraint paths.
Result<Bound> Bind(const OpCallPtr& call, const json::object& input, std::string_view member) {
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> text, StringMember(input, "Statement"));
  Constraints c;
  const std::string statement_member = std::string(member) + "statement";
  c.Required(text.has_value(), statement_member);
  if (text && text->empty())
    c.Fail(*text, statement_member, "Member must have length greater than or equal to 1");
  if (text && text->size() > kMaxStatementLength) {
    c.Fail(*text, statement_member, "Member must have length less than or equal to 8192");
  }
  KUMO_RETURN_IF_ERROR(c.Finish());
  KUMO_ASSIGN_OR_RETURN(std::vector<AttributeValue> parameters,
                        ReadParameters(input, std::string(member) + "parameters"));
  KUMO_ASSIGN_OR_RETURN(PartiqlStatement statement, ParsePartiql(*text, parameters));
  KUMO_ASSIGN_OR_RETURN(TableHandle table, call->FindTable(statement.table));
  std::string fingerprint = *text;
  if (const json::value* p = Member(input, "Parameters")) fingerprint += "\n" + json::serialize(*p);
  return Bound{std::move(statement), std::move(table), std::move(fingerprint)};
}

// ---- Writes ----

// attribute_exists(pk) / attribute_not_exists(pk).
Condition KeyTest(const KeySchema& schema, Function function) {
  return FunctionCondition(
      function,
      function == Function::kAttributeExists ? "attribute_exists" : "attribute_not_exists",
      {Operand::OfPath(MakePath({schema.partition.name}))});
}

// A write statement (or EXISTS) as the transaction operation it stands for.
Result<TransactOp> WriteOp(const Bound& bound, bool old_on_failure) {
  const TableMeta& meta = *bound.table.meta;
  const PartiqlStatement& s = bound.statement;
  TransactOp op;
  op.table = bound.table;
  op.old_on_failure = old_on_failure;
  if (s.kind == Kind::kInsert) {
    KUMO_ASSIGN_OR_RETURN(op.item_key, ItemKeyFromItem(meta.key_schema, s.item));
    KUMO_RETURN_IF_ERROR(CheckItemSize(s.item));
    KUMO_RETURN_IF_ERROR(ValidateIndexKeys(meta, s.item));
    op.kind = TransactKind::kPut;
    op.put_item = s.item;
    op.condition = KeyTest(meta.key_schema, Function::kAttributeNotExists);
    op.failure_code = "DuplicateItem";
    op.failure_message = "Duplicate primary key exists in table";
    return op;
  }
  KUMO_ASSIGN_OR_RETURN(ItemTarget target, TargetItem(s.where, meta.key_schema));
  KUMO_ASSIGN_OR_RETURN(op.item_key, ItemKeyFromKey(meta.key_schema, target.key));
  op.key = std::move(target.key);
  Condition exists = KeyTest(meta.key_schema, Function::kAttributeExists);
  switch (s.kind) {
    case Kind::kUpdate:
      KUMO_RETURN_IF_ERROR(CheckUpdateSparesKeys(s.update, meta.key_schema));
      op.kind = TransactKind::kUpdate;
      op.update = s.update;
      op.condition =
          target.rest ? Combine(Condition::Kind::kAnd, std::move(exists), std::move(*target.rest))
                      : exists;
      break;
    case Kind::kDelete:
      op.kind = TransactKind::kDelete;
      // A missing item is no failure: the other conditions apply to an item that exists.
      if (target.rest) {
        op.condition =
            Combine(Condition::Kind::kOr, KeyTest(meta.key_schema, Function::kAttributeNotExists),
                    std::move(*target.rest));
      }
      break;
    default:  // kExists
      op.kind = TransactKind::kCheck;
      op.condition =
          target.rest ? Combine(Condition::Kind::kAnd, std::move(exists), std::move(*target.rest))
                      : exists;
      break;
  }
  return op;
}

// The exception a failed single-statement write answers with.
Error ReasonError(const Reason& reason) {
  if (reason.code == "ConditionalCheckFailed") return ConditionFailed();
  if (reason.code == "DuplicateItem") return Error{400, "DuplicateItemException", reason.message};
  return ValidationError(reason.message);
}

// What RETURNING asks of a written item, or nullopt.
std::optional<Item> Returned(PartiqlStatement::Returning returning, const UpdateExpression& update,
                             const WriteSlot& slot) {
  using R = PartiqlStatement::Returning;
  const Item* after = slot.action == WriteSlot::Action::kPut ? &slot.new_item : nullptr;
  const Item* before = slot.old_item ? &*slot.old_item : nullptr;
  const Item* source = returning == R::kAllOld || returning == R::kModifiedOld ? before : after;
  if (returning == R::kNone || source == nullptr) return std::nullopt;
  if (returning == R::kAllOld || returning == R::kAllNew) return *source;
  std::vector<Path> paths;
  for (const UpdateAction& action : update.actions) paths.push_back(action.path);
  return Project(*source, paths);
}

using StatementDone =
    std::function<void(Status status, const WriteSlot& slot, const Reason& reason)>;

// Commits one write statement on its own; `done` gets the error
// (ReasonError for a failed condition) or the written slot.
void CommitStatement(TableService::Impl& impl, TransactOp op, StatementDone done) {
  auto shared = std::make_shared<TransactOp>(std::move(op));
  auto reason = std::make_shared<Reason>();
  std::vector<WriteSlot> slots(1);
  slots[0].table = shared->table;
  slots[0].item_key = shared->item_key;
  impl.writes.Commit(
      std::move(slots),
      [shared, reason](std::vector<WriteSlot>& s) -> Status {
        *reason = ApplyTransactOp(*shared, s[0]);
        if (reason->code == "None") return Status::Ok();
        s[0].action = WriteSlot::Action::kNone;
        return ReasonError(*reason);
      },
      [reason, done = std::move(done)](Status status, std::vector<WriteSlot>& s) {
        done(status, s[0], *reason);
      });
}

Consumed WriteConsumed(const WriteSlot& slot) {
  Consumed consumed;
  consumed.table = slot.table_units > 0 ? slot.table_units : 1;
  consumed.indexes = slot.index_units;
  return consumed;
}

void ExecuteWrite(const OpCallPtr& call, const Bound& bound) {
  Result<TransactOp> op = WriteOp(bound, ReturnOldOnConditionFailure(call->input));
  if (!op.ok()) return call->Fail(op.error());
  const CapacityMode capacity = CapacityModeOf(call->input);
  CommitStatement(
      call->impl, std::move(op).value(),
      [call, capacity, returning = bound.statement.returning, update = bound.statement.update](
          Status status, const WriteSlot& slot, const Reason& reason) {
        if (!status.ok()) {
          if (reason.item) {
            std::string extra;
            AppendItemMember("Item", *reason.item, extra);
            extra.pop_back();
            return call->FailWith(status.error(), extra);
          }
          return call->Fail(status.error());
        }
        std::string body = "{\"Items\":[";
        if (std::optional<Item> item = Returned(returning, update, slot))
          AppendItemJsonText(*item, body);
        body += "],";
        AppendConsumedCapacityMember(*slot.table.meta, WriteConsumed(slot), capacity, body);
        CloseObject(body);
        call->Reply(std::move(body));
      });
}

// ---- SELECT ----

Status PlanOrder(const PartiqlStatement& s, const KeySchema& schema, bool query, ReadPlan& plan) {
  if (s.order_by.empty()) return Status::Ok();
  if (!query) {
    return ValidationError(
        "Must have at least one non-optional hash key condition in WHERE clause when using ORDER "
        "BY clause.");
  }
  for (const PartiqlStatement::OrderKey& key : s.order_by) {
    const bool is_sort = schema.sort && key.attribute == schema.sort->name;
    if (key.attribute != schema.partition.name && !is_sort) {
      return ValidationError(
          fmt::format("Variable reference {} in ORDER BY clause must be part of the primary key",
                      key.attribute));
    }
    // One partition is read: only the sort key orders it.
    if (is_sort || !schema.sort) plan.forward = !key.descending;
  }
  return Status::Ok();
}

void ExecuteSelect(const OpCallPtr& call, const Bound& bound) {
  const json::object& input = call->input;
  const PartiqlStatement& s = bound.statement;
  Result<std::optional<bool>> consistent = BoolMember(input, "ConsistentRead");
  if (!consistent.ok()) return call->Fail(consistent.error());
  Result<std::optional<int64_t>> limit = IntMember(input, "Limit");
  if (!limit.ok()) return call->Fail(limit.error());
  ReadPlan plan;
  plan.table = bound.table;
  const TableMeta& meta = *plan.table.meta;
  Result<const IndexMeta*> index = FindReadIndex(meta, s.index, consistent->value_or(false));
  if (!index.ok()) return call->Fail(index.error());
  plan.index = *index;
  const KeySchema& schema = plan.index != nullptr ? plan.index->key_schema : meta.key_schema;
  const std::string prefix =
      plan.index != nullptr ? IndexPrefix(meta.id, plan.index->id) : TablePrefix(meta.id);
  std::optional<KeyCondition> key;
  if (s.where) key = SelectKeyCondition(*s.where, schema);
  if (key) {
    KeyRange range = KeyConditionRange(*key);
    plan.begin = prefix + range.begin;
    plan.end = prefix + range.end;
  } else {
    plan.begin = prefix;
    plan.end = PrefixSuccessor(prefix);
  }
  if (Status st = PlanOrder(s, schema, key.has_value(), plan); !st.ok())
    return call->Fail(st.error());
  plan.filter = s.where;
  plan.projection = s.projection;
  plan.select = s.projection            ? Select::kSpecific
                : plan.index != nullptr ? Select::kAllProjected
                                        : Select::kAll;
  plan.fetch_from_table = plan.index != nullptr && !plan.index->global && s.projection &&
                          NeedsTableFetch(meta, *plan.index, *s.projection);
  plan.limit = *limit;
  plan.consistent = consistent->value_or(false);
  plan.capacity = CapacityModeOf(input);
  Result<std::optional<std::string>> token = StringMember(input, "NextToken");
  if (!token.ok()) return call->Fail(token.error());
  if (*token) {
    Result<Item> start = DecodeNextToken(**token, bound.text);
    if (!start.ok()) return call->Fail(start.error());
    Result<std::string> position = StartPosition(meta, plan.index, *start);
    if (!position.ok()) return call->Fail(ValidationError("Invalid NextToken"));
    plan.start_after = std::move(position).value();
  }
  Result<ReadPage> page = ReadRange(call->impl, plan);
  if (!page.ok()) return call->Fail(page.error());
  std::string body = "{\"Items\":" + page->items + ",";
  if (page->last_key) {
    body += "\"NextToken\":";
    AppendQuotedJson(EncodeNextToken(*page->last_key, bound.text), body);
    body += ",\"LastEvaluatedKey\":";
    AppendItemJsonText(*page->last_key, body);
    body += ',';
  }
  AppendConsumedCapacityMember(meta, ReadConsumed(plan, page->bytes), plan.capacity, body);
  CloseObject(body);
  call->Reply(std::move(body));
}

// ---- Single-item reads (batches and transactions) ----

// The one item a SELECT of a batch or transaction reads.
struct ItemRead {
  TableHandle table;
  std::string item_key;
  std::optional<Condition> rest;  // the WHERE beside the key
  std::optional<std::vector<Path>> projection;
};

Result<ItemRead> PlanItemRead(const Bound& bound, std::string_view operation) {
  const PartiqlStatement& s = bound.statement;
  if (s.index) {
    return ValidationError(operation == "ExecuteTransaction"
                               ? "Reads on indices are not supported within transactions."
                               : "This operation is not supported on an index");
  }
  const KeySchema& schema = bound.table.meta->key_schema;
  Result<ItemTarget> target = TargetItem(s.where, schema);
  if (!target.ok()) {
    return ValidationError(
        fmt::format("Select statements within {} must specify the primary key in the where clause.",
                    operation));
  }
  KUMO_ASSIGN_OR_RETURN(std::string item_key, ItemKeyFromKey(schema, target->key));
  return ItemRead{bound.table, std::move(item_key), std::move(target->rest), s.projection};
}

// Reads `read` from `snapshot`: the item (projected) when it exists and
// passes the rest of the WHERE; adds its size to `bytes`.
Result<std::optional<Item>> ReadItem(TableService::Impl& impl, const ItemRead& read,
                                     const storage::Snapshot* snapshot, size_t& bytes) {
  KUMO_ASSIGN_OR_RETURN(
      std::optional<std::string> stored,
      impl.store.Get(impl.items, ItemStorageKey(read.table.meta->id, read.item_key), snapshot));
  if (!stored) return std::optional<Item>();
  KUMO_ASSIGN_OR_RETURN(Item item, DecodeItem(*stored));
  bytes = ItemSize(item);
  if (read.rest && !EvaluateCondition(*read.rest, item)) return std::optional<Item>();
  return std::optional<Item>(read.projection ? Project(item, *read.projection) : std::move(item));
}

// ---- BatchExecuteStatement ----

// The BatchStatementError code of an exception.
std::string_view BatchErrorCode(const Error& error) {
  static constexpr std::pair<std::string_view, std::string_view> kCodes[] = {
      {"ValidationException", "ValidationError"},
      {"ConditionalCheckFailedException", "ConditionalCheckFailed"},
      {"DuplicateItemException", "DuplicateItem"},
      {"ResourceNotFoundException", "ResourceNotFound"},
      {"ItemCollectionSizeLimitExceededException", "ItemCollectionSizeLimitExceeded"},
      {"TransactionConflictException", "TransactionConflict"}};
  for (const auto& [exception, code] : kCodes) {
    if (error.code == exception) return code;
  }
  return "InternalServerError";
}

std::string BatchError(const Error& error, const std::optional<Item>& item,
                       const std::string& table) {
  std::string out =
      "{\"Error\":{\"Code\":\"" + std::string(BatchErrorCode(error)) + "\",\"Message\":";
  AppendQuotedJson(error.message, out);
  if (item) {
    out += ',';
    AppendItemMember("Item", *item, out);
    out.pop_back();
  }
  out += '}';
  if (!table.empty()) {
    out += ",\"TableName\":";
    AppendQuotedJson(table, out);
  }
  return out + '}';
}

// The answers of a batch's statements as they complete (on any thread).
struct BatchState {
  explicit BatchState(OpCallPtr c, size_t n) : call(std::move(c)), responses(n), remaining(n) {}
  void Finish(size_t i, std::string response, const TableHandle* table, const Consumed* consumed) {
    std::unique_lock lock(mu);
    responses[i] = std::move(response);
    if (table != nullptr && consumed != nullptr) {
      tables.push_back(*table);
      capacity.For(*table->meta, consumed->read).Add(*consumed);
    }
    if (--remaining > 0) return;
    std::string body = "{\"Responses\":[";
    for (size_t j = 0; j < responses.size(); ++j) body += (j > 0 ? "," : "") + responses[j];
    body += "],";
    capacity.AppendMember(CapacityModeOf(call->input), body);
    CloseObject(body);
    lock.unlock();
    call->Reply(std::move(body));
  }

  OpCallPtr call;
  std::mutex mu;
  std::vector<std::string> responses;  // guarded by mu
  std::vector<TableHandle> tables;     // keeps the metas `capacity` points to
  CapacityByTable capacity;            // guarded by mu
  size_t remaining;                    // guarded by mu
};

std::string TableMember(const std::string& table) {
  std::string out = "\"TableName\":";
  AppendQuotedJson(table, out);
  return out;
}

}  // namespace

void ExecuteStatement(const OpCallPtr& call) {
  const json::object& input = call->input;
  {
    Constraints c;
    Result<std::optional<int64_t>> limit = IntMember(input, "Limit");
    Result<std::optional<std::string>> capacity = StringMember(input, "ReturnConsumedCapacity");
    Result<std::optional<std::string>> on_failure =
        StringMember(input, "ReturnValuesOnConditionCheckFailure");
    Result<std::optional<std::string>> token = StringMember(input, "NextToken");
    for (const Status& s :
         {limit.status(), capacity.status(), on_failure.status(), token.status()}) {
      if (!s.ok()) return call->Fail(s.error());
    }
    c.Min(*limit, "limit", 1);
    c.Enum(*capacity, "returnConsumedCapacity", {"INDEXES", "TOTAL", "NONE"});
    c.Enum(*on_failure, "returnValuesOnConditionCheckFailure", {"ALL_OLD", "NONE"});
    if (*token && ((*token)->empty() || (*token)->size() > kMaxNextTokenLength)) {
      c.Fail(**token, "nextToken", "Member must have length less than or equal to 32768");
    }
    if (Status s = c.Finish(); !s.ok()) return call->Fail(s.error());
  }
  Result<Bound> bound = Bind(call, input, "");
  if (!bound.ok()) return call->Fail(bound.error());
  switch (bound->statement.kind) {
    case Kind::kSelect:
      return ExecuteSelect(call, *bound);
    case Kind::kExists:
      return call->Fail(
          ValidationError("EXISTS can only be used in ExecuteTransaction write requests."));
    default:
      return ExecuteWrite(call, *bound);
  }
}

void BatchExecuteStatement(const OpCallPtr& call) {
  const json::object& input = call->input;
  Result<const json::array*> statements = ArrayMember(input, "Statements");
  if (!statements.ok()) return call->Fail(statements.error());
  Result<std::optional<std::string>> capacity = StringMember(input, "ReturnConsumedCapacity");
  if (!capacity.ok()) return call->Fail(capacity.error());
  {
    Constraints c;
    c.Required(*statements != nullptr, "statements");
    if (*statements != nullptr && (*statements)->empty()) {
      c.Fail("[]", "statements", "Member must have length greater than or equal to 1");
    }
    if (*statements != nullptr && (*statements)->size() > kMaxBatchStatements) {
      c.Fail(json::serialize(json::value(**statements)), "statements",
             "Member must have length less than or equal to 25");
    }
    c.Enum(*capacity, "returnConsumedCapacity", {"INDEXES", "TOTAL", "NONE"});
    if (Status s = c.Finish(); !s.ok()) return call->Fail(s.error());
  }
  // Each statement binds on its own: a bad one answers its own error.
  const size_t n = (*statements)->size();
  std::vector<Result<Bound>> bound;
  bool reads = false, writes = false;
  for (const json::value& v : **statements) {
    if (!v.is_object()) return call->Fail(SerializationError("Unexpected value type in payload"));
    bound.push_back(Bind(call, v.as_object(), "statements.member."));
    if (bound.back().ok()) (bound.back()->statement.is_read() ? reads : writes) = true;
  }
  if (reads && writes) {
    return call->Fail(ValidationError(
        "The entire batch must consist of either read statements or write statements"));
  }
  auto state = std::make_shared<BatchState>(call, n);
  std::unique_ptr<storage::Snapshot> snapshot = reads ? call->impl.store.GetSnapshot() : nullptr;
  for (size_t i = 0; i < n; ++i) {
    if (!bound[i].ok()) {
      state->Finish(i, BatchError(bound[i].error(), std::nullopt, ""), nullptr, nullptr);
      continue;
    }
    const Bound& b = *bound[i];
    const std::string& table_name = b.table.meta->name;
    const json::object& member = (**statements)[i].as_object();
    if (b.statement.is_read()) {
      Result<ItemRead> read = PlanItemRead(b, "BatchExecuteStatement");
      Result<std::optional<bool>> consistent = BoolMember(member, "ConsistentRead");
      const bool strongly = consistent.ok() && consistent->value_or(false);
      size_t bytes = 0;
      Result<std::optional<Item>> item = read.ok()
                                             ? ReadItem(call->impl, *read, snapshot.get(), bytes)
                                             : Result<std::optional<Item>>(read.error());
      if (!item.ok()) {
        state->Finish(i, BatchError(item.error(), std::nullopt, table_name), nullptr, nullptr);
        continue;
      }
      std::string response = "{" + TableMember(table_name);
      if (*item) {
        response += ",\"Item\":";
        AppendItemJsonText(**item, response);
      }
      Consumed consumed;
      consumed.read = true;
      consumed.table = ReadUnits(bytes, strongly);
      state->Finish(i, response + "}", &b.table, &consumed);
      continue;
    }
    if (b.statement.kind == Kind::kExists) {
      state->Finish(i,
                    BatchError(ValidationError(
                                   "EXISTS can only be used in ExecuteTransaction write requests."),
                               std::nullopt, table_name),
                    nullptr, nullptr);
      continue;
    }
    Result<TransactOp> op = WriteOp(b, ReturnOldOnConditionFailure(member));
    if (!op.ok()) {
      state->Finish(i, BatchError(op.error(), std::nullopt, table_name), nullptr, nullptr);
      continue;
    }
    CommitStatement(
        call->impl, std::move(op).value(),
        [state, i, table_name](Status status, const WriteSlot& slot, const Reason& reason) {
          if (!status.ok()) {
            return state->Finish(i, BatchError(status.error(), reason.item, table_name), nullptr,
                                 nullptr);
          }
          Consumed consumed = WriteConsumed(slot);
          state->Finish(i, "{" + TableMember(table_name) + "}", &slot.table, &consumed);
        });
  }
}

void ExecuteTransaction(const OpCallPtr& call) {
  const json::object& input = call->input;
  Result<TransactionRequest> request =
      ReadTransactionRequest(input, "TransactStatements", "transactStatements");
  if (!request.ok()) return call->Fail(request.error());
  const json::array& statements = *request->list;
  std::vector<Bound> bound;
  bool reads = false, writes = false;
  for (size_t i = 0; i < statements.size(); ++i) {
    const json::value& v = statements[i];
    if (!v.is_object()) return call->Fail(SerializationError("Unexpected value type in payload"));
    Result<Bound> b = Bind(call, v.as_object(), "transactStatements.member.");
    if (!b.ok()) {
      Error error = b.error();
      if (error.code == "ValidationException") {
        error.message =
            fmt::format("Validation failed in TransactStatements[{}]: {}", i, error.message);
      }
      return call->Fail(error);
    }
    (b->statement.is_read() ? reads : writes) = true;
    bound.push_back(std::move(b).value());
  }
  if (reads && writes) {
    return call->Fail(ValidationError(
        "The entire transaction must consist of either read statements or write statements"));
  }
  if (writes) {
    std::vector<TransactOp> ops;
    std::set<std::string> seen;
    for (size_t i = 0; i < bound.size(); ++i) {
      const json::object& member = statements[i].as_object();
      Result<TransactOp> op = WriteOp(bound[i], ReturnOldOnConditionFailure(member));
      if (!op.ok()) return call->Fail(op.error());
      if (!seen.insert(TablePrefix(op->table.meta->id) + op->item_key).second) {
        return call->Fail(MultipleOperations());
      }
      ops.push_back(std::move(op).value());
    }
    return RunWriteTransaction(call, std::move(ops), std::move(request->token),
                               json::serialize(json::value(statements)));
  }
  std::vector<ItemRead> reads_planned;
  std::set<std::string> seen;
  for (const Bound& b : bound) {
    Result<ItemRead> read = PlanItemRead(b, "ExecuteTransaction");
    if (!read.ok()) return call->Fail(read.error());
    if (!seen.insert(TablePrefix(read->table.meta->id) + read->item_key).second) {
      return call->Fail(MultipleOperations());
    }
    reads_planned.push_back(std::move(read).value());
  }
  std::unique_ptr<storage::Snapshot> snapshot = call->impl.store.GetSnapshot();
  std::string body = "{\"Responses\":[";
  CapacityByTable consumed;
  for (size_t i = 0; i < reads_planned.size(); ++i) {
    size_t bytes = 0;
    Result<std::optional<Item>> item =
        ReadItem(call->impl, reads_planned[i], snapshot.get(), bytes);
    if (!item.ok()) return call->Fail(item.error());
    body += i > 0 ? ",{" : "{";
    if (*item) {
      body += "\"Item\":";
      AppendItemJsonText(**item, body);
    }
    body += '}';
    consumed.For(*reads_planned[i].table.meta, true).table += 2 * ReadUnits(bytes, true);
  }
  body += "],";
  consumed.AppendMember(CapacityModeOf(input), body);
  CloseObject(body);
  call->Reply(std::move(body));
}

}  // namespace kumo::tables
