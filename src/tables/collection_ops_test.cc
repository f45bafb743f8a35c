// Item collections of tables with local secondary indexes: their size as
// AWS counts it, the size limit on every write path (single-item writes,
// BatchWriteItem, TransactWriteItems), ItemCollectionMetrics, and the
// sizes across a clean restart and after a crash (recounted).
#include <gtest/gtest.h>

#include <set>

#include "tables/item_request.h"
#include "tables/service_test_util.h"
#include "tables/storage_layout.h"

namespace kumo::tables::testing {
namespace {

// {pk:'a', sk:1, score:5, data:'xxxx'}: the item is 3 + 4 + 7 + 8 = 22
// bytes; its KEYS_ONLY entry in by-score holds pk, sk and score (14 bytes)
// plus 100 bytes of overhead: 136 bytes in its collection.
constexpr int64_t kItemBytes = 136;

std::string ItemJson(const std::string& pk, int sk, const std::string& data,
                     bool with_score = true) {
  return R"({"pk":{"S":")" + pk + R"("},"sk":{"N":")" + std::to_string(sk) + R"("})" +
         (with_score ? R"(,"score":{"N":"5"})" : "") +
         (data.empty() ? "" : R"(,"data":{"S":")" + data + R"("})") + "}";
}

class CollectionOpsTest : public TableServiceFixture {
 protected:
  void SetUp() override {
    TableServiceFixture::SetUp();
    Ok("CreateTable", R"({"TableName":"lsi","BillingMode":"PAY_PER_REQUEST",
      "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},
        {"AttributeName":"score","AttributeType":"N"}],
      "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
      "LocalSecondaryIndexes":[{"IndexName":"by-score","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},
        {"AttributeName":"score","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}]})");
  }
  TableServiceOptions Options() override {
    TableServiceOptions options = TableServiceFixture::Options();
    options.item_collection_size_limit = kItemBytes;
    return options;
  }
  void Put(const std::string& item) { Ok("PutItem", R"({"TableName":"lsi","Item":)" + item + "}"); }
  std::string PutFails(const std::string& item) {
    return Fails("PutItem", R"({"TableName":"lsi","Item":)" + item + "}",
                 "ItemCollectionSizeLimitExceededException");
  }
  std::string SetData(const std::string& pk, const std::string& data) {
    return R"({"TableName":"lsi","Key":{"pk":{"S":")" + pk +
           R"("},"sk":{"N":"1"}},"UpdateExpression":"SET #d = :d",
        "ExpressionAttributeNames":{"#d":"data"},"ExpressionAttributeValues":{":d":{"S":")" +
           data + R"("}}})";
  }
  int64_t ItemCount() {
    return Ok("DescribeTable", R"({"TableName":"lsi"})").at("Table").at("ItemCount").as_int64();
  }
};

TEST(CollectionBytesOpsTest, CountsAsAwsCounts) {
  TableMeta m;
  m.key_schema = KeySchema{{"pk", AttrType::kS}, KeyAttribute{"sk", AttrType::kN}};
  IndexMeta index;
  index.name = "by-score";
  index.id = 1;
  index.key_schema = KeySchema{{"pk", AttrType::kS}, KeyAttribute{"score", AttrType::kN}};
  index.projection = ProjectionType::kKeysOnly;
  m.indexes.push_back(index);
  Result<Item> item = ItemFromJson(ParseLenient(ItemJson("a", 1, "xxxx")));
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(ItemCollectionBytes(m, *item), kItemBytes);
  // Not in the index without its sort key (a sparse index): the item alone.
  Result<Item> sparse = ItemFromJson(ParseLenient(ItemJson("a", 1, "xxxx", false)));
  ASSERT_TRUE(sparse.ok());
  EXPECT_EQ(ItemCollectionBytes(m, *sparse), 15);
  // INCLUDE adds the named attributes; ALL copies the whole item.
  m.indexes[0].projection = ProjectionType::kInclude;
  m.indexes[0].non_key_attributes = {"data"};
  EXPECT_EQ(ItemCollectionBytes(m, *item), 22 + 22 + 100);
  m.indexes[0].projection = ProjectionType::kAll;
  EXPECT_EQ(ItemCollectionBytes(m, *item), 22 + 22 + 100);
  // Global indexes are not part of any item collection.
  m.indexes[0].global = true;
  EXPECT_EQ(ItemCollectionBytes(m, *item), 22);

  // Whole gigabytes, [floor, floor + 1].
  std::string out;
  AppendItemCollectionMetricsObject(m, *item, (int64_t{5} << 30) + 7, out);
  EXPECT_EQ(out, R"({"ItemCollectionKey":{"pk":{"S":"a"}},"SizeEstimateRangeGB":[5.0,6.0]})");
}

TEST_F(CollectionOpsTest, SingleItemWritesStopAtTheLimit) {
  boost::json::object put =
      Ok("PutItem", R"({"TableName":"lsi","ReturnItemCollectionMetrics":"SIZE","Item":)" +
                        ItemJson("a", 1, "xxxx") + "}");
  EXPECT_EQ(Json(put.at("ItemCollectionMetrics").at("ItemCollectionKey")), R"({"pk":{"S":"a"}})");
  const boost::json::array& range =
      put.at("ItemCollectionMetrics").at("SizeEstimateRangeGB").as_array();
  ASSERT_EQ(range.size(), 2u);
  EXPECT_EQ(range[0].as_double(), 0.0);
  EXPECT_EQ(range[1].as_double(), 1.0);
  Put(ItemJson("a", 1, "xxxx"));  // the same size again: no growth
  EXPECT_EQ(Fails("UpdateItem", SetData("a", "xxxxx"), "ItemCollectionSizeLimitExceededException"),
            "Collection size exceeded");
  EXPECT_EQ(PutFails(ItemJson("a", 2, "", false)), "Collection size exceeded");
  Ok("UpdateItem", SetData("a", "xxx"));  // shrinking always passes
  Put(ItemJson("b", 1, "xxxx"));          // another partition, another collection
  Ok("DeleteItem", R"({"TableName":"lsi","Key":{"pk":{"S":"a"},"sk":{"N":"1"}}})");
  Put(ItemJson("a", 2, "", false));
  EXPECT_EQ(ItemCount(), 2);
}

TEST_F(CollectionOpsTest, TablesWithoutLocalIndexesHaveNoLimit) {
  CreateSimpleTable("plain", true);
  for (int i = 0; i < 5; ++i) {
    Ok("PutItem",
       R"({"TableName":"plain","Item":)" + ItemJson("a", i, std::string(100, 'x')) + "}");
  }
  EXPECT_EQ(Ok("DescribeTable", R"({"TableName":"plain"})").at("Table").at("ItemCount").as_int64(),
            5);
}

TEST_F(CollectionOpsTest, BatchWriteFailsWhole) {
  const std::string two_in_a = R"({"RequestItems":{"lsi":[{"PutRequest":{"Item":)" +
                               ItemJson("a", 1, "xxxx") + R"(}},{"PutRequest":{"Item":)" +
                               ItemJson("a", 2, "xxxx") + "}}]}}";
  EXPECT_EQ(Fails("BatchWriteItem", two_in_a, "ItemCollectionSizeLimitExceededException"),
            "Collection size exceeded");
  EXPECT_EQ(ItemCount(), 0);
  boost::json::object written =
      Ok("BatchWriteItem", R"({"ReturnItemCollectionMetrics":"SIZE","RequestItems":{"lsi":[
      {"PutRequest":{"Item":)" +
                               ItemJson("a", 1, "xxxx") + R"(}},{"PutRequest":{"Item":)" +
                               ItemJson("b", 1, "xxxx") + "}}]}}");
  EXPECT_EQ(written.at("ItemCollectionMetrics").at("lsi").as_array().size(), 2u);
  EXPECT_EQ(ItemCount(), 2);
}

TEST_F(CollectionOpsTest, TransactionIsCancelledByTheGrowingItem) {
  Put(ItemJson("a", 1, "xxxx"));
  CallResult result = Call("TransactWriteItems", R"({"TransactItems":[
      {"Put":{"TableName":"lsi","Item":)" + ItemJson("b", 1, "xxxx") +
                                                     R"(}},
      {"Update":)" + SetData("a", "xxxxxx") + "}]}");
  EXPECT_EQ(result.type(), "TransactionCanceledException");
  EXPECT_EQ(result.message(),
            "Transaction cancelled, please refer cancellation reasons for specific reasons [None, "
            "ItemCollectionSizeLimitExceeded]");
  EXPECT_EQ(
      Json(result.body.at("CancellationReasons")),
      R"([{"Code":"None"},{"Code":"ItemCollectionSizeLimitExceeded","Message":"Collection size exceeded"}])");
  EXPECT_EQ(ItemCount(), 1);  // nothing of the transaction was written
  Ok("TransactWriteItems", R"({"TransactItems":[{"Put":{"TableName":"lsi","Item":)" +
                               ItemJson("b", 1, "xxxx") + R"(}},{"Update":)" + SetData("a", "x") +
                               "}]}");
  EXPECT_EQ(ItemCount(), 2);
}

TEST_F(CollectionOpsTest, SizesSurviveRestartAndAreRecountedAfterACrash) {
  Put(ItemJson("a", 1, "xx"));  // 134 bytes
  Reopen();                     // clean: the saved sizes are read back
  EXPECT_EQ(PutFails(ItemJson("a", 1, "xxxxx")), "Collection size exceeded");
  Put(ItemJson("a", 1, "xx"));

  // A crash: the saved sizes are stale (here: empty) and "clean" is absent.
  service_->Shutdown();
  service_.reset();
  Result<storage::Family> meta_family = store_->OpenFamily(std::string(kMetaFamily));
  ASSERT_TRUE(meta_family.ok());
  storage::WriteBatch crash;
  crash.Put(*meta_family, CollectionsKey(1), EncodeCollectionSizes({}));
  crash.Delete(*meta_family, kCleanMetaKey);
  ASSERT_TRUE(store_->Write(crash).ok());
  Reopen();
  EXPECT_EQ(PutFails(ItemJson("a", 1, "xxxxx")), "Collection size exceeded");
  Put(ItemJson("a", 1, "xxxx"));  // 136: exactly the limit
}

TEST(CollectionSizesOpsTest, RoundTripsAndRejectsTruncation) {
  CollectionSizes sizes{{std::string("\x01\x02\x00p", 4), 136}, {"", 0}, {"q", int64_t{11} << 30}};
  std::string encoded = EncodeCollectionSizes(sizes);
  Result<CollectionSizes> decoded = DecodeCollectionSizes(encoded);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, sizes);
  // Whole entries decode (fewer of them); a cut inside an entry is an error.
  std::set<size_t> boundaries;
  size_t end = 0;
  for (const auto& [name, bytes] : sizes) boundaries.insert(end += 4 + name.size() + 8);
  for (size_t cut = 1; cut < encoded.size(); ++cut) {
    Result<CollectionSizes> partial =
        DecodeCollectionSizes(std::string_view(encoded).substr(0, cut));
    EXPECT_EQ(partial.ok(), boundaries.contains(cut)) << cut;
    if (partial.ok()) {
      EXPECT_LT(partial->size(), sizes.size());
    }
  }
  EXPECT_FALSE(DecodeCollectionSizes(std::string_view("\0\0\0\x09x", 5)).ok());
}

}  // namespace
}  // namespace kumo::tables::testing
