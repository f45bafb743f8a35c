// Records survive their JSON encoding; the PublishVersion fingerprint sees
// content, not bookkeeping; timestamps are in Lambda's format.
#include "functions/records.h"

#include <gtest/gtest.h>

namespace kumo::functions {
namespace {

TEST(RecordsTest, VersionRoundTrips) {
  VersionRecord v;
  v.version = "3";
  v.runtime = "nodejs20.x";
  v.handler = "index.handler";
  v.memory_size = 512;
  v.has_environment = true;
  v.environment = {{"A", "1"}, {"B", "two"}};
  v.code_sha_hex = "ab";
  v.layers = {{"arn:aws:lambda:us-east-1:000000000000:layer:l:1", "cd", 10}};
  v.last_update_status.clear();
  Result<VersionRecord> back = DecodeVersion(EncodeVersion(v));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(EncodeVersion(*back), EncodeVersion(v));
  EXPECT_EQ(back->layers.at(0).sha_hex, "cd");
  EXPECT_FALSE(DecodeVersion("{}").ok());
}

TEST(RecordsTest, FunctionRoundTrips) {
  FunctionRecord f;
  f.region = "us-east-1";
  f.name = "f";
  f.next_version = 4;
  f.reserved_concurrency = 0;
  f.tags = {{"team", "a"}};
  f.aliases["live"] = AliasRecord{"live", "2", "d", {{"3", 0.25}}, "rev"};
  f.policies["$LATEST"] = {R"({"Sid":"s"})"};
  f.event_invoke["live"] =
      EventInvokeRecord{1, std::nullopt, "arn:aws:sqs:us-east-1:000000000000:q", "", 5};
  Result<FunctionRecord> back = DecodeFunction(EncodeFunction(f));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(EncodeFunction(*back), EncodeFunction(f));
  EXPECT_EQ(back->reserved_concurrency, 0) << "zero is a value, not absence";
  EXPECT_DOUBLE_EQ(back->aliases.at("live").weights.at("3"), 0.25);
}

TEST(RecordsTest, FingerprintIgnoresBookkeeping) {
  VersionRecord a;
  a.code_sha_hex = "x";
  VersionRecord b = a;
  b.description = "other";
  b.revision_id = "r2";
  b.last_modified = "later";
  b.version = "9";
  EXPECT_EQ(a.ContentFingerprint(), b.ContentFingerprint());
  b.timeout = 10;
  EXPECT_NE(a.ContentFingerprint(), b.ContentFingerprint());
}

TEST(RecordsTest, LambdaTimestampFormat) {
  EXPECT_EQ(LambdaTimestamp(1700000000123), "2023-11-14T22:13:20.123+0000");
}

TEST(RecordsTest, KeysOrderVersionsNumerically) {
  EXPECT_LT(VersionStoreKey("r", "f", "$LATEST"), VersionStoreKey("r", "f", "1"));
  EXPECT_LT(VersionStoreKey("r", "f", "9"), VersionStoreKey("r", "f", "10"));
}

}  // namespace
}  // namespace kumo::functions
