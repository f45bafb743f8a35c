// The JSON of one DynamoDB Streams record, as GetRecords returns it, built
// from an ItemChange. Private to src/tables/streams.
//
// Shape (botocore dynamodbstreams Record):
//   {"eventID","eventName":INSERT|MODIFY|REMOVE,"eventVersion":"1.1",
//    "eventSource":"aws:dynamodb","awsRegion",
//    "dynamodb":{"ApproximateCreationDateTime":<epoch seconds>,"Keys",
//                "NewImage"?,"OldImage"?,"SequenceNumber","SizeBytes",
//                "StreamViewType"},
//    "userIdentity"?:{"PrincipalId":"dynamodb.amazonaws.com","Type":"Service"}}
// Images follow the view type: KEYS_ONLY none, NEW_IMAGE the new item
// (INSERT, MODIFY), OLD_IMAGE the old one (MODIFY, REMOVE),
// NEW_AND_OLD_IMAGES both where they exist. userIdentity only for TTL
// removals. SizeBytes is the DynamoDB size (attribute_value.h) of Keys plus
// the images the record carries.
//
// Thread-safety: free functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tables/change_recorder.h"

namespace kumo::tables::streams {

struct RecordContext {
  std::string_view stream_arn;
  std::string_view region;
  std::string_view view_type;
  const KeySchema& key_schema;
};

// The record's JSON text. `creation_millis` is rounded down to seconds.
std::string RenderRecord(const RecordContext& context, const ItemChange& change, uint64_t seq,
                         int64_t creation_millis);

// A stored record value: be64 creation millis, then the JSON.
std::string EncodeStoredRecord(int64_t creation_millis, std::string_view json);
struct StoredRecordView {
  int64_t creation_millis = 0;
  std::string_view json;
};
// Internal error when `value` is shorter than its header.
Result<StoredRecordView> DecodeStoredRecord(std::string_view value);

}  // namespace kumo::tables::streams
