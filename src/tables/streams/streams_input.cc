#include "tables/streams/streams_input.h"

#include <fmt/format.h>

#include <charconv>

#include "common/encoding.h"
#include "common/json.h"

namespace kumo::tables::streams {
namespace {

std::string LowerCamel(std::string_view member) {
  std::string name(member);
  if (!name.empty()) name[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
  return name;
}

template <typename T>
bool ParseNumber(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string Checksum(std::string_view payload) { return HexEncode(Sha256(payload)).substr(0, 8); }

}  // namespace

Error ValidationError(std::string message) {
  return Error{400, "ValidationException", std::move(message)};
}

void Input::Violation(std::string_view member, std::string shown, std::string constraint) {
  violations_.push_back(fmt::format("Value {} at '{}' failed to satisfy constraint: {}", shown,
                                    LowerCamel(member), constraint));
}

std::optional<std::string> Input::String(std::string_view member, size_t min_length,
                                         size_t max_length, bool required) {
  Result<std::optional<std::string>> value = GetString(body_, member);
  if (!value.ok()) {
    if (!type_error_) type_error_ = value.error();
    return std::nullopt;
  }
  if (!value->has_value()) {
    if (required) Violation(member, "null", "Member must not be null");
    return std::nullopt;
  }
  const std::string& text = **value;
  if (text.size() < min_length) {
    Violation(member, "'" + text + "'",
              fmt::format("Member must have length greater than or equal to {}", min_length));
  } else if (text.size() > max_length) {
    Violation(member, "'" + text + "'",
              fmt::format("Member must have length less than or equal to {}", max_length));
  }
  return *value;
}

std::optional<std::string> Input::Enum(std::string_view member,
                                       std::initializer_list<std::string_view> values,
                                       bool required) {
  std::optional<std::string> value = String(member, 0, SIZE_MAX, required);
  if (!value) return std::nullopt;
  for (std::string_view allowed : values) {
    if (*value == allowed) return value;
  }
  std::string set;
  for (std::string_view allowed : values) set += (set.empty() ? "" : ", ") + std::string(allowed);
  Violation(member, "'" + *value + "'", "Member must satisfy enum value set: [" + set + "]");
  return std::nullopt;
}

std::optional<int64_t> Input::Int(std::string_view member, int64_t min, int64_t max) {
  Result<std::optional<int64_t>> value = GetInt(body_, member);
  if (!value.ok()) {
    if (!type_error_) type_error_ = value.error();
    return std::nullopt;
  }
  if (!value->has_value()) return std::nullopt;
  int64_t number = **value;
  if (number < min) {
    Violation(member, fmt::format("'{}'", number),
              fmt::format("Member must have value greater than or equal to {}", min));
    return std::nullopt;
  }
  if (number > max) {
    Violation(member, fmt::format("'{}'", number),
              fmt::format("Member must have value less than or equal to {}", max));
    return std::nullopt;
  }
  return number;
}

const boost::json::object* Input::Object(std::string_view member) {
  auto it = body_.find(member);
  if (it == body_.end() || it->value().is_null()) return nullptr;
  if (!it->value().is_object()) {
    if (!type_error_) {
      type_error_ = Error{400, "SerializationException",
                          "Value for '" + std::string(member) + "' must be a structure"};
    }
    return nullptr;
  }
  return &it->value().as_object();
}

Status Input::Check() const {
  if (type_error_) return *type_error_;
  if (violations_.empty()) return Status::Ok();
  std::string message = fmt::format("{} validation error{} detected: ", violations_.size(),
                                    violations_.size() == 1 ? "" : "s");
  for (size_t i = 0; i < violations_.size(); ++i) {
    if (i > 0) message += "; ";
    message += violations_[i];
  }
  return ValidationError(std::move(message));
}

std::string EncodeShardIterator(const ShardIteratorToken& token) {
  std::string payload = fmt::format("1\n{}\n{}\n{}\n{}", token.issued_millis, token.position,
                                    token.shard_id, token.stream_arn);
  return Base64Encode(Checksum(payload) + payload);
}

Result<ShardIteratorToken> DecodeShardIterator(std::string_view text) {
  Error invalid = ValidationError("Invalid ShardIterator");
  std::optional<std::string> decoded = Base64Decode(text);
  if (!decoded || decoded->size() < 8) return invalid;
  std::string_view payload = std::string_view(*decoded).substr(8);
  if (decoded->substr(0, 8) != Checksum(payload)) return invalid;
  std::vector<std::string_view> parts;
  while (parts.size() < 4) {
    size_t newline = payload.find('\n');
    if (newline == std::string_view::npos) return invalid;
    parts.push_back(payload.substr(0, newline));
    payload.remove_prefix(newline + 1);
  }
  ShardIteratorToken token;
  if (parts[0] != "1" || !ParseNumber(parts[1], token.issued_millis) ||
      !ParseNumber(parts[2], token.position)) {
    return invalid;
  }
  token.shard_id = std::string(parts[3]);
  token.stream_arn = std::string(payload);
  return token;
}

}  // namespace kumo::tables::streams
