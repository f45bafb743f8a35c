#include "tables/key_codec.h"

namespace kumo::tables {
namespace {

constexpr uint8_t kNegative = 0x01;
constexpr uint8_t kZero = 0x02;
constexpr uint8_t kPositive = 0x03;
constexpr int kExponentBias = -Number::kMinExponent;  // 130: exponents map to 0..255

Error MalformedKey() { return Internal("malformed stored key"); }

Error InvalidParam(const std::string& what) {
  return InvalidArgument("One or more parameter values were invalid: " + what);
}

void AppendEscapedBytes(std::string_view bytes, std::string& out) {
  for (char c : bytes) {
    out.push_back(c);
    if (c == '\0') out.push_back('\xff');
  }
}

void AppendEscaped(std::string_view bytes, std::string& out) {
  AppendEscapedBytes(bytes, out);
  out.push_back('\0');
  out.push_back('\x01');
}

void AppendNumber(const Number& n, std::string& out) {
  if (n.is_zero()) {
    out.push_back(static_cast<char>(kZero));
    return;
  }
  out.push_back(static_cast<char>(n.is_negative() ? kNegative : kPositive));
  size_t start = out.size();
  out.push_back(static_cast<char>(n.scientific_exponent() + kExponentBias));
  std::string digits = n.Digits();
  for (size_t i = 0; i < digits.size(); i += 2) {
    int high = digits[i] - '0';
    int low = i + 1 < digits.size() ? digits[i + 1] - '0' : 0;
    out.push_back(static_cast<char>(high * 10 + low + 1));
  }
  out.push_back('\0');
  // A larger magnitude must sort lower when negative: invert every byte.
  if (n.is_negative()) {
    for (size_t i = start; i < out.size(); ++i) out[i] = static_cast<char>(~out[i]);
  }
}

uint32_t Fnv1a(std::string_view bytes) {
  uint32_t h = 2166136261u;
  for (char c : bytes) {
    h ^= static_cast<uint8_t>(c);
    h *= 16777619u;
  }
  return h;
}

void AppendBigEndian32(uint32_t v, std::string& out) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

Status CheckKeyType(const KeyAttribute& attribute, const AttributeValue& value) {
  if (value.type() != attribute.type) {
    return InvalidParam("Type mismatch for key " + attribute.name + " expected: " +
                        std::string(TypeName(attribute.type)) +
                        " actual: " + std::string(TypeName(value.type())));
  }
  return Status::Ok();
}

}  // namespace

void AppendKeyValue(const AttributeValue& value, std::string& out) {
  if (value.type() == AttrType::kN) {
    AppendNumber(value.num(), out);
  } else {
    AppendEscaped(value.str(), out);
  }
}

std::string EncodeKeyValue(const AttributeValue& value) {
  std::string out;
  AppendKeyValue(value, out);
  return out;
}

std::string EncodeKeyPrefix(const AttributeValue& prefix) {
  std::string out;
  AppendEscapedBytes(prefix.str(), out);
  return out;
}

Status KeyReader::SkipHash() {
  if (in_.size() < 4) return MalformedKey();
  in_.remove_prefix(4);
  return Status::Ok();
}

Result<AttributeValue> KeyReader::Read(AttrType type) {
  if (type == AttrType::kS || type == AttrType::kB) {
    std::string bytes;
    for (size_t i = 0; i < in_.size(); ++i) {
      if (in_[i] != '\0') {
        bytes.push_back(in_[i]);
        continue;
      }
      if (i + 1 >= in_.size()) return MalformedKey();
      if (in_[i + 1] == '\x01') {
        in_.remove_prefix(i + 2);
        return type == AttrType::kS ? AttributeValue::S(std::move(bytes))
                                    : AttributeValue::B(std::move(bytes));
      }
      if (in_[i + 1] != '\xff') return MalformedKey();
      bytes.push_back('\0');
      ++i;
    }
    return MalformedKey();
  }
  if (type != AttrType::kN || in_.empty()) return MalformedKey();
  uint8_t sign = static_cast<uint8_t>(in_[0]);
  in_.remove_prefix(1);
  if (sign == kZero) return AttributeValue::N(Number());
  if (sign != kNegative && sign != kPositive) return MalformedKey();
  uint8_t flip = sign == kNegative ? 0xff : 0x00;
  if (in_.empty()) return MalformedKey();
  int exponent = static_cast<uint8_t>(in_[0] ^ flip) - kExponentBias;
  std::string digits;
  for (size_t i = 1; i < in_.size(); ++i) {
    uint8_t byte = static_cast<uint8_t>(in_[i] ^ flip);
    if (byte == 0) {
      in_.remove_prefix(i + 1);
      if (!digits.empty() && digits.back() == '0') digits.pop_back();  // padding
      KUMO_ASSIGN_OR_RETURN(Number n, Number::FromParts(sign == kNegative, digits, exponent));
      return AttributeValue::N(n);
    }
    if (byte > 100) return MalformedKey();
    digits.push_back(static_cast<char>('0' + (byte - 1) / 10));
    digits.push_back(static_cast<char>('0' + (byte - 1) % 10));
  }
  return MalformedKey();
}

uint32_t PartitionHash(const AttributeValue& partition) {
  return Fnv1a(EncodeKeyValue(partition));
}

std::string PartitionPrefix(const AttributeValue& partition) {
  std::string encoded = EncodeKeyValue(partition);
  std::string out;
  out.reserve(4 + encoded.size());
  AppendBigEndian32(Fnv1a(encoded), out);
  out += encoded;
  return out;
}

std::string EncodeItemKey(const AttributeValue& partition, const AttributeValue* sort) {
  std::string out = PartitionPrefix(partition);
  if (sort != nullptr) AppendKeyValue(*sort, out);
  return out;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string out(prefix);
  while (!out.empty() && static_cast<uint8_t>(out.back()) == 0xff) out.pop_back();
  if (!out.empty()) out.back() = static_cast<char>(static_cast<uint8_t>(out.back()) + 1);
  return out;
}

KeyRange ScanSegmentRange(uint32_t segment, uint32_t total) {
  auto bound = [total](uint64_t s) { return static_cast<uint64_t>((s << 32) / total); };
  KeyRange range;
  AppendBigEndian32(static_cast<uint32_t>(bound(segment)), range.begin);
  if (segment + 1 < total) AppendBigEndian32(static_cast<uint32_t>(bound(segment + 1)), range.end);
  return range;
}

Status ValidateKeyValue(const KeyAttribute& attribute, const AttributeValue& value,
                        bool is_partition) {
  if (value.type() == AttrType::kN) return Status::Ok();
  if (value.str().empty()) {
    return InvalidArgument(
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        "cannot contain an empty " +
        std::string(value.type() == AttrType::kS ? "string" : "binary") +
        " value. Key: " + attribute.name);
  }
  if (is_partition && value.str().size() > 2048) {
    return InvalidParam("Size of hashkey has exceeded the maximum size limit of2048 bytes");
  }
  if (!is_partition && value.str().size() > 1024) {
    return InvalidParam(
        "Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
  }
  return Status::Ok();
}

Result<std::string> ItemKeyFromItem(const KeySchema& schema, const Item& item) {
  const AttributeValue* values[2] = {nullptr, nullptr};
  const KeyAttribute* attributes[2] = {&schema.partition, schema.sort ? &*schema.sort : nullptr};
  for (int i = 0; i < 2 && attributes[i] != nullptr; ++i) {
    auto it = item.find(attributes[i]->name);
    if (it == item.end()) return InvalidParam("Missing the key " + attributes[i]->name + " in the item");
    KUMO_RETURN_IF_ERROR(CheckKeyType(*attributes[i], it->second));
    KUMO_RETURN_IF_ERROR(ValidateKeyValue(*attributes[i], it->second, i == 0));
    values[i] = &it->second;
  }
  return EncodeItemKey(*values[0], values[1]);
}

Result<std::string> ItemKeyFromKey(const KeySchema& schema, const Item& key) {
  // Built only on failure: the message would cost an allocation per lookup.
  auto mismatch = [] { return InvalidArgument("The provided key element does not match the schema"); };
  if (key.size() != (schema.sort ? 2u : 1u)) return mismatch();
  auto partition = key.find(schema.partition.name);
  if (partition == key.end() || partition->second.type() != schema.partition.type) return mismatch();
  KUMO_RETURN_IF_ERROR(ValidateKeyValue(schema.partition, partition->second, true));
  const AttributeValue* sort = nullptr;
  if (schema.sort) {
    auto it = key.find(schema.sort->name);
    if (it == key.end() || it->second.type() != schema.sort->type) return mismatch();
    KUMO_RETURN_IF_ERROR(ValidateKeyValue(*schema.sort, it->second, false));
    sort = &it->second;
  }
  return EncodeItemKey(partition->second, sort);
}

Result<PrimaryKey> DecodeItemKey(const KeySchema& schema, std::string_view encoded) {
  KeyReader reader(encoded);
  KUMO_RETURN_IF_ERROR(reader.SkipHash());
  PrimaryKey key;
  KUMO_ASSIGN_OR_RETURN(key.partition, reader.Read(schema.partition.type));
  if (schema.sort) {
    KUMO_ASSIGN_OR_RETURN(AttributeValue sort, reader.Read(schema.sort->type));
    key.sort = std::move(sort);
  }
  if (!reader.remaining().empty()) return MalformedKey();
  return key;
}

}  // namespace kumo::tables
