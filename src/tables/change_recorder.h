// ChangeRecorder: how the table write path hands item changes to DynamoDB
// Streams, inside the same atomic write as the item.
//
// The table service calls Record() once per changed item, with the
// storage::WriteBatch that carries the item (and its index entries), while
// it still holds whatever serializes writes to that item. The recorder adds
// its own entries (the stream record) to that batch, so an acknowledged
// write always has its stream record and a failed one never does. Record()
// is called in the order the batches are submitted for each item key, so
// records of one item are in order. If the batch then fails, Aborted(token)
// is called so the recorder can release what it reserved; once it is durable,
// Committed(token), so readers see the record at once.
//
// Thread-safety: implementations accept calls from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tables/attribute_value.h"
#include "tables/key_codec.h"

namespace kumo::storage {
class WriteBatch;
}

namespace kumo::tables {

// What a table's StreamSpecification says, as the write path knows it.
struct StreamTarget {
  std::string table_name;
  std::string region;
  std::string stream_arn;    // LatestStreamArn
  std::string view_type;     // KEYS_ONLY | NEW_IMAGE | OLD_IMAGE | NEW_AND_OLD_IMAGES
  KeySchema key_schema;
};

enum class ChangeKind { kInsert, kModify, kRemove };

struct ItemChange {
  ChangeKind kind;
  const Item* old_image = nullptr;  // null for kInsert
  const Item* new_image = nullptr;  // null for kRemove
  bool by_ttl = false;  // a TTL deletion: userIdentity {Service, dynamodb.amazonaws.com}
  int64_t approximate_creation_millis = 0;
};

class ChangeRecorder {
 public:
  virtual ~ChangeRecorder() = default;
  // Adds the stream record for `change` to `batch`. Returns a token for
  // Aborted(). Errors make the whole write fail (500 InternalServerError).
  virtual Result<uint64_t> Record(storage::WriteBatch& batch, const StreamTarget& target,
                                  const ItemChange& change) = 0;
  // The batch carrying `token`'s record was not written.
  virtual void Aborted(uint64_t token) = 0;
  // The batch carrying `token`'s record is durable. Optional: a recorder
  // that does not hear this must find out from the Store.
  virtual void Committed(uint64_t token) {}
  // The table's stream was enabled, disabled or the table deleted: the
  // recorder marks the stream ENABLED/DISABLED as DynamoDB does (a disabled
  // stream stays readable for 24 hours).
  virtual void StreamEnabled(const StreamTarget& target, int64_t creation_millis) = 0;
  virtual void StreamDisabled(const std::string& stream_arn) = 0;
};

}  // namespace kumo::tables
