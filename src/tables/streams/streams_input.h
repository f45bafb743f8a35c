// Request reading for the DynamoDB Streams operations: typed member reads
// checked against the botocore model's constraints, reported as DynamoDB
// does ("1 validation error detected: Value 'X' at 'shardIteratorType'
// failed to satisfy constraint: Member must satisfy enum value set: [...]"),
// and the shard iterator token. Private to src/tables/streams.
// Thread-safety: an Input is used by one thread; the rest are free functions.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kumo::tables::streams {

Error ValidationError(std::string message);  // 400 ValidationException

class Input {
 public:
  explicit Input(const boost::json::object& body) : body_(body) {}

  // `member` as the wire names it ("StreamArn"); messages use lowerCamel.
  std::optional<std::string> String(std::string_view member, size_t min_length, size_t max_length,
                                    bool required = false);
  std::optional<std::string> Enum(std::string_view member,
                                  std::initializer_list<std::string_view> values,
                                  bool required = false);
  std::optional<int64_t> Int(std::string_view member, int64_t min, int64_t max);
  // A structure member (ShardFilter); nullptr when absent.
  const boost::json::object* Object(std::string_view member);

  // The first wrong-typed member (400 SerializationException), else every
  // violation as one 400 ValidationException.
  Status Check() const;

 private:
  void Violation(std::string_view member, std::string shown, std::string constraint);

  const boost::json::object& body_;
  std::optional<Error> type_error_;
  std::vector<std::string> violations_;
};

// What a ShardIterator token carries. Tokens are opaque to clients (base64
// with a checksum); they expire kIteratorLifetimeMillis after issue.
struct ShardIteratorToken {
  std::string stream_arn;
  std::string shard_id;
  uint64_t position = 0;  // StreamStore::ReadAfter's `after`
  int64_t issued_millis = 0;
};
inline constexpr int64_t kIteratorLifetimeMillis = 15 * 60 * 1000;

std::string EncodeShardIterator(const ShardIteratorToken& token);
// ValidationException "Invalid ShardIterator" for anything Kumo did not issue.
Result<ShardIteratorToken> DecodeShardIterator(std::string_view text);

}  // namespace kumo::tables::streams
