// Write transactions shared by TransactWriteItems and ExecuteTransaction
// (and the single PartiQL writes, which run one operation the same way).
// Private to src/tables.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tables/attribute_value.h"
#include "tables/catalog.h"
#include "tables/expression_ast.h"
#include "tables/service_impl.h"
#include "tables/write_path.h"

namespace kumo::tables {

enum class TransactKind { kCheck, kPut, kUpdate, kDelete };

// One operation on one item.
struct TransactOp {
  TransactKind kind = TransactKind::kCheck;
  TableHandle table;
  std::string item_key;
  Item key;  // the Key parameter (or the Item for Put)
  Item put_item;
  std::optional<Condition> condition;
  UpdateExpression update;
  bool old_on_failure = false;
  // The cancellation reason when `condition` fails (PartiQL's INSERT of an
  // existing item says DuplicateItem).
  std::string failure_code = "ConditionalCheckFailed";
  std::string failure_message = "The conditional request failed";
};

// Why an operation cancels its transaction: code "None" when it does not.
struct Reason {
  std::string code = "None";
  std::string message;
  std::optional<Item> item;
};

// Applies `op` to its locked slot (WritePath's `decide` step): checks the
// condition and sets the slot's action, or gives the cancellation reason
// (the failed condition, or "ValidationError" for an invalid update).
Reason ApplyTransactOp(const TransactOp& op, WriteSlot& slot);

// "Transaction request cannot include multiple operations on one item".
Error MultipleOperations();

// The 1..100 operations of a transaction, checked as the model's
// constraint on `member` ("transactItems", "transactStatements").
Status CheckTransactCount(const boost::json::array* items, std::string_view member);
// The members every transaction request shares: its list of operations
// (`name`, checked as `member`), ClientRequestToken (1..36 characters) and
// ReturnConsumedCapacity.
struct TransactionRequest {
  const boost::json::array* list = nullptr;
  std::optional<std::string> token;
};
Result<TransactionRequest> ReadTransactionRequest(const boost::json::object& input,
                                                  std::string_view name, std::string_view member);

// Commits `ops` (on distinct items) as one transaction and answers `call`:
// {ConsumedCapacity} when committed, TransactionCanceledException with one
// reason per operation when a condition fails or an item collection would
// pass its limit. With a `token`, the answer is kept for 10 minutes for
// retries of the same request (`fingerprint`: the request's operations,
// serialized); a retry with another fingerprint is
// IdempotentParameterMismatchException.
void RunWriteTransaction(const OpCallPtr& call, std::vector<TransactOp> ops,
                         std::optional<std::string> token, std::string fingerprint);

}  // namespace kumo::tables
