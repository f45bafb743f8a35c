#include "tables/streams/stream_record.h"

#include <fmt/format.h>

#include "common/encoding.h"
#include "tables/streams/stream_keys.h"

namespace kumo::tables::streams {
namespace {

std::string_view EventName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kInsert:
      return "INSERT";
    case ChangeKind::kModify:
      return "MODIFY";
    case ChangeKind::kRemove:
      return "REMOVE";
  }
  return "MODIFY";
}

Item KeysOf(const KeySchema& schema, const Item& image) {
  Item keys;
  auto copy = [&](const KeyAttribute& attribute) {
    auto it = image.find(attribute.name);
    if (it != image.end()) keys.emplace(it->first, it->second);
  };
  copy(schema.partition);
  if (schema.sort) copy(*schema.sort);
  return keys;
}

// Floor division, so times before 1970 still round down.
int64_t FloorSeconds(int64_t millis) {
  return millis >= 0 ? millis / 1000 : -((-millis + 999) / 1000);
}

}  // namespace

std::string RenderRecord(const RecordContext& context, const ItemChange& change, uint64_t seq,
                         int64_t creation_millis) {
  const Item* key_source = change.new_image ? change.new_image : change.old_image;
  Item keys = key_source ? KeysOf(context.key_schema, *key_source) : Item();
  bool both = context.view_type == "NEW_AND_OLD_IMAGES";
  const Item* new_image = (both || context.view_type == "NEW_IMAGE") ? change.new_image : nullptr;
  const Item* old_image = (both || context.view_type == "OLD_IMAGE") ? change.old_image : nullptr;
  size_t size = ItemSize(keys) + (new_image ? ItemSize(*new_image) : 0) +
                (old_image ? ItemSize(*old_image) : 0);
  std::string sequence = FormatSequence(seq);

  std::string out;
  out.reserve(256 + size * 2);
  out += R"({"eventID":")";
  out += HexEncode(Md5(std::string(context.stream_arn) + '/' + sequence));
  out += R"(","eventName":")";
  out += EventName(change.kind);
  out += R"(","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":)";
  AppendQuotedJson(context.region, out);
  out += R"(,"dynamodb":{"ApproximateCreationDateTime":)";
  out += fmt::format("{}", FloorSeconds(creation_millis));
  out += R"(,"Keys":)";
  AppendItemJsonText(keys, out);
  if (new_image) {
    out += R"(,"NewImage":)";
    AppendItemJsonText(*new_image, out);
  }
  if (old_image) {
    out += R"(,"OldImage":)";
    AppendItemJsonText(*old_image, out);
  }
  out += R"(,"SequenceNumber":")";
  out += sequence;
  out += R"(","SizeBytes":)";
  out += fmt::format("{}", size == 0 ? 1 : size);
  out += R"(,"StreamViewType":)";
  AppendQuotedJson(context.view_type, out);
  out += '}';
  if (change.by_ttl) {
    out += R"(,"userIdentity":{"PrincipalId":"dynamodb.amazonaws.com","Type":"Service"})";
  }
  out += '}';
  return out;
}

std::string EncodeStoredRecord(int64_t creation_millis, std::string_view json) {
  std::string value;
  value.reserve(8 + json.size());
  AppendBigEndian64(value, static_cast<uint64_t>(creation_millis));
  value.append(json);
  return value;
}

Result<StoredRecordView> DecodeStoredRecord(std::string_view value) {
  if (value.size() < 8) return Internal("corrupt stream record");
  return StoredRecordView{static_cast<int64_t>(ReadBigEndian64(value)), value.substr(8)};
}

}  // namespace kumo::tables::streams
