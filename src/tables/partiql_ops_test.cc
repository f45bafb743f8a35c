// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction through the
// handler: each statement kind's semantics (INSERT of an existing key,
// UPDATE of a missing item, DELETE of a missing item, WHERE conditions
// beside the key), SELECT as a Query or a Scan with paging by Limit and
// NextToken, indexes, capacity, batches with per-statement errors, and
// transactions with cancellation reasons.
#include <gtest/gtest.h>

#include "tables/service_test_util.h"

namespace kumo::tables::testing {
namespace {

class PartiqlOpsTest : public TableServiceFixture {
 protected:
  void SetUp() override {
    TableServiceFixture::SetUp();
    Ok("CreateTable", R"({"TableName":"music","BillingMode":"PAY_PER_REQUEST",
      "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},
        {"AttributeName":"genre","AttributeType":"S"},{"AttributeName":"plays","AttributeType":"N"}],
      "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
      "GlobalSecondaryIndexes":[{"IndexName":"by-genre","KeySchema":[{"AttributeName":"genre","KeyType":"HASH"}],
        "Projection":{"ProjectionType":"KEYS_ONLY"}}],
      "LocalSecondaryIndexes":[{"IndexName":"by-plays","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},
        {"AttributeName":"plays","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}]})");
  }
  // ExecuteStatement with `extra` members ("Parameters":[...], ...).
  boost::json::object Run(const std::string& statement, const std::string& extra = "") {
    return Ok("ExecuteStatement", Request(statement, extra));
  }
  std::string RunFails(const std::string& statement, const std::string& type,
                       const std::string& extra = "") {
    return Fails("ExecuteStatement", Request(statement, extra), type);
  }
  static std::string Request(const std::string& statement, const std::string& extra) {
    std::string body = R"({"Statement":)" + Json(boost::json::string(statement));
    if (!extra.empty()) body += "," + extra;
    return body + "}";
  }
  void Fill(int n) {
    for (int i = 1; i <= n; ++i) {
      Run("INSERT INTO music VALUE {'pk': 'p', 'sk': ?, 'plays': ?, 'genre': 'rock'}",
          R"("Parameters":[{"N":")" + std::to_string(i) + R"("},{"N":")" + std::to_string(100 - i) +
              R"("}])");
    }
    Run("INSERT INTO music VALUE {'pk': 'q', 'sk': 1, 'genre': 'jazz'}");
  }
  static std::vector<std::string> SortKeys(const boost::json::object& page) {
    std::vector<std::string> out;
    for (const auto& item : page.at("Items").as_array())
      out.emplace_back(item.at("sk").at("N").as_string());
    return out;
  }
};

TEST_F(PartiqlOpsTest, InsertUpdateDeleteFollowAwsRules) {
  EXPECT_EQ(Json(Run(R"(INSERT INTO "music" VALUE {'pk': ?, 'sk': 1, 'title': 'Rocks'})",
                     R"("Parameters":[{"S":"acme"}])")),
            R"({"Items":[]})");
  EXPECT_EQ(RunFails("INSERT INTO music VALUE {'pk': 'acme', 'sk': 1}", "DuplicateItemException"),
            "Duplicate primary key exists in table");
  boost::json::object updated =
      Run("UPDATE music SET awards = 1, tags = <<'a'>> REMOVE title WHERE pk = 'acme' AND sk = 1 "
          "RETURNING ALL NEW *");
  EXPECT_EQ(Json(updated.at("Items")),
            R"([{"awards":{"N":"1"},"pk":{"S":"acme"},"sk":{"N":"1"},"tags":{"SS":["a"]}}])");
  EXPECT_EQ(Json(Run("UPDATE music SET awards = awards + 1 WHERE pk = 'acme' AND sk = 1 RETURNING "
                     "MODIFIED OLD *")),
            R"({"Items":[{"awards":{"N":"1"}}]})");
  // UPDATE needs the item, and the WHERE beside the key is a condition on it.
  EXPECT_EQ(RunFails("UPDATE music SET a = 1 WHERE pk = 'nobody' AND sk = 1",
                     "ConditionalCheckFailedException"),
            "The conditional request failed");
  CallResult failed =
      Call("ExecuteStatement",
           Request("UPDATE music SET a = 1 WHERE pk = 'acme' AND sk = 1 AND awards > 5",
                   R"("ReturnValuesOnConditionCheckFailure":"ALL_OLD")"));
  EXPECT_EQ(failed.type(), "ConditionalCheckFailedException");
  EXPECT_EQ(failed.body.at("Item").at("awards").at("N").as_string(), "2");
  EXPECT_EQ(
      RunFails("UPDATE music SET pk = 'x' WHERE pk = 'acme' AND sk = 1", "ValidationException"),
      "One or more parameter values were invalid: Cannot update attribute pk. This attribute is "
      "part of the key");
  EXPECT_EQ(RunFails("UPDATE music SET a = 1 WHERE pk = 'acme'", "ValidationException"),
            "Where clause does not contain a mandatory equality on all key attributes");

  // DELETE of a missing item succeeds; a false condition on an existing one fails.
  EXPECT_EQ(Json(Run("DELETE FROM music WHERE pk = 'nobody' AND sk = 1 AND awards = 9")),
            R"({"Items":[]})");
  RunFails("DELETE FROM music WHERE pk = 'acme' AND sk = 1 AND awards = 9",
           "ConditionalCheckFailedException");
  boost::json::object deleted =
      Run("DELETE FROM music WHERE pk = 'acme' AND sk = 1 RETURNING ALL OLD *");
  EXPECT_EQ(deleted.at("Items").as_array()[0].at("awards").at("N").as_string(), "2");
  EXPECT_EQ(
      Json(Ok("GetItem", R"({"TableName":"music","Key":{"pk":{"S":"acme"},"sk":{"N":"1"}}})")),
      "{}");
}

TEST_F(PartiqlOpsTest, RequestAndStatementErrors) {
  EXPECT_EQ(Fails("ExecuteStatement", "{}", "ValidationException"),
            "1 validation error detected: Value null at 'statement' failed to satisfy constraint: "
            "Member must not be null");
  EXPECT_EQ(RunFails("SELECT * FROM nope", "ResourceNotFoundException"),
            "Requested resource not found");
  EXPECT_EQ(RunFails("SELECT * FROM music WHERE", "ValidationException"),
            "Statement wasn't well formed, can't be processed: Unexpected term");
  EXPECT_EQ(RunFails("SELECT * FROM music WHERE pk = ?", "ValidationException"),
            "Number of parameters in request and statement don't match.");
  EXPECT_EQ(
      RunFails("EXISTS(SELECT * FROM music WHERE pk = 'a' AND sk = 1)", "ValidationException"),
      "EXISTS can only be used in ExecuteTransaction write requests.");
  EXPECT_EQ(RunFails("INSERT INTO music VALUE {'pk': 'a'}", "ValidationException"),
            "One or more parameter values were invalid: Missing the key sk in the item");
  EXPECT_EQ(RunFails("SELECT * FROM music", "ValidationException", R"("Limit":0)"),
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
            "Member must have value "
            "greater than or equal to 1");
}

TEST_F(PartiqlOpsTest, SelectQueriesScansAndPages) {
  Fill(10);
  // The partition pinned with =: a Query, in sort key order, the rest of the WHERE filtering.
  boost::json::object page =
      Run("SELECT * FROM music WHERE pk = 'p' AND sk BETWEEN 3 AND 6 AND plays <> 95");
  EXPECT_EQ(SortKeys(page), (std::vector<std::string>{"3", "4", "6"}));
  EXPECT_FALSE(page.contains("NextToken"));
  page = Run("SELECT sk FROM music WHERE pk = 'p' AND sk > 7 ORDER BY sk DESC");
  EXPECT_EQ(Json(page.at("Items")), R"([{"sk":{"N":"10"}},{"sk":{"N":"9"}},{"sk":{"N":"8"}}])");
  // No partition: a Scan with the WHERE as filter.
  page = Run("SELECT pk FROM music WHERE genre = 'jazz' OR sk = 2");
  EXPECT_EQ(page.at("Items").as_array().size(), 2u);
  EXPECT_EQ(Run("SELECT * FROM music").at("Items").as_array().size(), 11u);
  EXPECT_EQ(RunFails("SELECT * FROM music WHERE genre = 'rock' ORDER BY sk", "ValidationException"),
            "Must have at least one non-optional hash key condition in WHERE clause when using "
            "ORDER BY clause.");

  // Limit pages; NextToken resumes after the last item read.
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    std::string extra = R"("Limit":3)";
    if (!token.empty()) extra += R"(,"NextToken":)" + Json(boost::json::string(token));
    page = Run("SELECT * FROM music WHERE pk = 'p'", extra);
    for (const std::string& sk : SortKeys(page)) seen.push_back(sk);
    token = page.contains("NextToken") ? std::string(page.at("NextToken").as_string()) : "";
    if (!token.empty()) {
      EXPECT_TRUE(page.contains("LastEvaluatedKey"));
    }
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(seen, (std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}));
  EXPECT_EQ(pages, 4);
  page = Run("SELECT * FROM music WHERE pk = 'p'", R"("Limit":2)");
  EXPECT_EQ(RunFails("SELECT * FROM music", "ValidationException",
                     R"("NextToken":)" + Json(page.at("NextToken"))),
            "NextToken does not match request");
  EXPECT_EQ(RunFails("SELECT * FROM music", "ValidationException", R"("NextToken":"bm9wZQ==")"),
            "Invalid NextToken");
}

TEST_F(PartiqlOpsTest, SelectFromIndexesAndCapacity) {
  Fill(4);
  boost::json::object page = Run(R"(SELECT * FROM "music"."by-genre" WHERE genre = 'jazz')");
  EXPECT_EQ(Json(page.at("Items")), R"([{"genre":{"S":"jazz"},"pk":{"S":"q"},"sk":{"N":"1"}}])");
  // An LSI query in index order; attributes the index lacks come from the table.
  page = Run(R"(SELECT sk, genre FROM "music"."by-plays" WHERE pk = 'p' AND plays < 98)");
  EXPECT_EQ(Json(page.at("Items")),
            R"([{"genre":{"S":"rock"},"sk":{"N":"4"}},{"genre":{"S":"rock"},"sk":{"N":"3"}}])");
  EXPECT_EQ(RunFails(R"(SELECT * FROM "music"."nope")", "ValidationException"),
            "The table does not have the specified index: nope");
  EXPECT_EQ(RunFails(R"(SELECT * FROM "music"."by-genre")", "ValidationException",
                     R"("ConsistentRead":true)"),
            "Consistent reads are not supported on global secondary indexes");

  page = Run("SELECT * FROM music WHERE pk = 'p'",
             R"("ReturnConsumedCapacity":"TOTAL","ConsistentRead":true)");
  EXPECT_EQ(page.at("ConsumedCapacity").at("TableName").as_string(), "music");
  EXPECT_EQ(page.at("ConsumedCapacity").at("CapacityUnits").as_double(), 1.0);
  page = Run("INSERT INTO music VALUE {'pk': 'z', 'sk': 1, 'genre': 'pop'}",
             R"("ReturnConsumedCapacity":"INDEXES")");
  EXPECT_EQ(page.at("ConsumedCapacity").at("CapacityUnits").as_double(),
            2.0);  // the item and its GSI entry
}

TEST_F(PartiqlOpsTest, BatchRunsEachStatementOnItsOwn) {
  Run("INSERT INTO music VALUE {'pk': 'old', 'sk': 1}");
  boost::json::object written = Ok("BatchExecuteStatement", R"({"Statements":[
      {"Statement":"INSERT INTO music VALUE {'pk': ?, 'sk': 1}","Parameters":[{"S":"new"}]},
      {"Statement":"INSERT INTO music VALUE {'pk': 'old', 'sk': 1}"},
      {"Statement":"UPDATE music SET v = 1 WHERE pk = 'old' AND sk = 1"},
      {"Statement":"DELETE FROM nope WHERE pk = 'a'"},
      {"Statement":"UPDATE music SET v = 2 WHERE pk = 'old' AND sk = 1 AND v = 5",
       "ReturnValuesOnConditionCheckFailure":"ALL_OLD"}],"ReturnConsumedCapacity":"TOTAL"})");
  EXPECT_EQ(
      Json(written.at("Responses")),
      R"([{"TableName":"music"},)"
      R"({"Error":{"Code":"DuplicateItem","Message":"Duplicate primary key exists in table"},"TableName":"music"},)"
      R"({"TableName":"music"},)"
      R"({"Error":{"Code":"ResourceNotFound","Message":"Requested resource not found"}},)"
      R"({"Error":{"Code":"ConditionalCheckFailed","Message":"The conditional request failed",)"
      R"("Item":{"pk":{"S":"old"},"sk":{"N":"1"},"v":{"N":"1"}}},"TableName":"music"}])");
  EXPECT_EQ(written.at("ConsumedCapacity").as_array()[0].at("CapacityUnits").as_double(), 2.0);

  boost::json::object read = Ok("BatchExecuteStatement", R"({"Statements":[
      {"Statement":"SELECT v FROM music WHERE pk = 'old' AND sk = 1"},
      {"Statement":"SELECT * FROM music WHERE pk = 'missing' AND sk = 1"},
      {"Statement":"SELECT * FROM music WHERE pk = 'old'"}]})");
  EXPECT_EQ(
      Json(read.at("Responses")),
      R"([{"TableName":"music","Item":{"v":{"N":"1"}}},{"TableName":"music"},)"
      R"({"Error":{"Code":"ValidationError","Message":"Select statements within BatchExecuteStatement must )"
      R"(specify the primary key in the where clause."},"TableName":"music"}])");
  EXPECT_EQ(Fails("BatchExecuteStatement",
                  R"({"Statements":[{"Statement":"SELECT * FROM music WHERE pk = 'a' AND sk = 1"},
      {"Statement":"DELETE FROM music WHERE pk = 'a' AND sk = 1"}]})",
                  "ValidationException"),
            "The entire batch must consist of either read statements or write statements");
  EXPECT_EQ(Fails("BatchExecuteStatement", R"({"Statements":[]})", "ValidationException"),
            "1 validation error detected: Value '[]' at 'statements' failed to satisfy constraint: "
            "Member must have "
            "length greater than or equal to 1");
}

TEST_F(PartiqlOpsTest, TransactionsAreAllOrNothing) {
  Run("INSERT INTO music VALUE {'pk': 'a', 'sk': 1, 'n': 1}");
  Ok("ExecuteTransaction", R"({"TransactStatements":[
      {"Statement":"INSERT INTO music VALUE {'pk': 'b', 'sk': 1}"},
      {"Statement":"UPDATE music SET n = n + ? WHERE pk = 'a' AND sk = 1","Parameters":[{"N":"1"}]}]})");
  CallResult cancelled = Call("ExecuteTransaction", R"json({"TransactStatements":[
      {"Statement":"INSERT INTO music VALUE {'pk': 'c', 'sk': 1}"},
      {"Statement":"INSERT INTO music VALUE {'pk': 'b', 'sk': 1}"},
      {"Statement":"EXISTS(SELECT * FROM music WHERE pk = 'a' AND sk = 1 AND n = 9)"},
      {"Statement":"DELETE FROM music WHERE pk = 'zz' AND sk = 1 AND n = 2"}]})json");
  EXPECT_EQ(cancelled.type(), "TransactionCanceledException");
  EXPECT_EQ(cancelled.message(),
            "Transaction cancelled, please refer cancellation reasons for specific reasons [None, "
            "DuplicateItem, "
            "ConditionalCheckFailed, None]");
  EXPECT_EQ(Run("SELECT * FROM music WHERE pk = 'c'").at("Items").as_array().size(), 0u);

  EXPECT_EQ(
      Fails("ExecuteTransaction",
            R"({"TransactStatements":[{"Statement":"DELETE FROM music WHERE pk = 'a' AND sk = 1"},
      {"Statement":"SELECT * FROM music WHERE"}]})",
            "ValidationException"),
      "Validation failed in TransactStatements[1]: Statement wasn't well formed, can't be "
      "processed: Unexpected term");
  EXPECT_EQ(
      Fails("ExecuteTransaction",
            R"({"TransactStatements":[{"Statement":"DELETE FROM music WHERE pk = 'a' AND sk = 1"},
      {"Statement":"UPDATE music SET x = 1 WHERE pk = 'a' AND sk = 1"}]})",
            "ValidationException"),
      "Transaction request cannot include multiple operations on one item");

  boost::json::object read = Ok("ExecuteTransaction", R"({"TransactStatements":[
      {"Statement":"SELECT n FROM music WHERE pk = 'a' AND sk = 1"},
      {"Statement":"SELECT * FROM music WHERE pk = 'zzz' AND sk = 1"}],"ReturnConsumedCapacity":"TOTAL"})");
  EXPECT_EQ(Json(read.at("Responses")), R"([{"Item":{"n":{"N":"2"}}},{}])");
  EXPECT_EQ(Fails("ExecuteTransaction",
                  R"({"TransactStatements":[{"Statement":"SELECT * FROM music WHERE pk = 'a'"}]})",
                  "ValidationException"),
            "Select statements within ExecuteTransaction must specify the primary key in the where "
            "clause.");
}

}  // namespace
}  // namespace kumo::tables::testing
