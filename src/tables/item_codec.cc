#include "tables/item_codec.h"

#include <cstdint>

#include "common/encoding.h"

namespace kumo::tables {
namespace {

constexpr uint8_t kFormatVersion = 1;
// Deeper than any valid item (kMaxNestingDepth); guards the recursion on
// corrupt input.
constexpr int kMaxDecodeDepth = 64;

enum Tag : uint8_t {
  kTagS = 1,
  kTagN = 2,
  kTagB = 3,
  kTagFalse = 4,
  kTagTrue = 5,
  kTagNull = 6,
  kTagM = 7,
  kTagL = 8,
  kTagSS = 9,
  kTagNS = 10,
  kTagBS = 11,
};

void PutVarint(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutBytes(std::string_view bytes, std::string& out) {
  PutVarint(bytes.size(), out);
  out.append(bytes);
}

void EncodeValue(const AttributeValue& value, std::string& out);

void EncodeMap(const AttributeValue::Map& map, std::string& out) {
  PutVarint(map.size(), out);
  for (const auto& [name, value] : map) {
    PutBytes(name, out);
    EncodeValue(value, out);
  }
}

void EncodeValue(const AttributeValue& value, std::string& out) {
  switch (value.type()) {
    case AttrType::kS:
    case AttrType::kB:
      out.push_back(value.type() == AttrType::kS ? kTagS : kTagB);
      PutBytes(value.str(), out);
      return;
    case AttrType::kN:
      out.push_back(kTagN);
      PutBytes(value.num().ToString(), out);
      return;
    case AttrType::kBool:
      out.push_back(value.boolean() ? kTagTrue : kTagFalse);
      return;
    case AttrType::kNull:
      out.push_back(kTagNull);
      return;
    case AttrType::kM:
      out.push_back(kTagM);
      EncodeMap(value.map(), out);
      return;
    case AttrType::kL:
      out.push_back(kTagL);
      PutVarint(value.list().size(), out);
      for (const auto& element : value.list()) EncodeValue(element, out);
      return;
    case AttrType::kSS:
    case AttrType::kBS:
      out.push_back(value.type() == AttrType::kSS ? kTagSS : kTagBS);
      PutVarint(value.strings().size(), out);
      for (const auto& s : value.strings()) PutBytes(s, out);
      return;
    case AttrType::kNS:
      out.push_back(kTagNS);
      PutVarint(value.numbers().size(), out);
      for (const auto& n : value.numbers()) PutBytes(n.ToString(), out);
      return;
  }
}

Error Corrupt() { return Internal("corrupt stored item"); }

// Reads the encoded form front to back; both decoders (to an Item, to JSON
// text) walk the bytes through it. Failure is sticky: after the first
// out-of-bounds read every read returns empty values and failed() is true,
// so the hot path pays for no error objects. Counts are bounded by the
// bytes left, so a corrupt count cannot make a loop run long.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool failed() const { return failed_; }
  bool done() const { return !failed_ && pos_ == in_.size(); }

  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && pos_ < in_.size(); shift += 7) {
      uint8_t byte = static_cast<uint8_t>(in_[pos_++]);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
    return Fail();
  }
  std::string_view Bytes() {
    uint64_t len = Varint();
    if (len > in_.size() - pos_) {
      Fail();
      return {};
    }
    std::string_view out = in_.substr(pos_, len);
    pos_ += len;
    return out;
  }
  uint8_t Byte() { return pos_ < in_.size() ? static_cast<uint8_t>(in_[pos_++]) : Fail(); }
  // A count of elements, each at least one byte long.
  uint64_t Count() {
    uint64_t n = Varint();
    return n <= in_.size() - pos_ ? n : Fail();
  }

 private:
  uint8_t Fail() {
    failed_ = true;
    pos_ = in_.size();
    return 0;
  }

  std::string_view in_;
  size_t pos_ = 0;
  bool failed_ = false;
};

Result<AttributeValue> DecodeValue(Reader& r, int depth);

Result<AttributeValue::Map> DecodeMap(Reader& r, int depth) {
  uint64_t count = r.Count();
  AttributeValue::Map map;
  for (uint64_t i = 0; i < count && !r.failed(); ++i) {
    std::string_view name = r.Bytes();
    KUMO_ASSIGN_OR_RETURN(AttributeValue value, DecodeValue(r, depth));
    map.emplace_hint(map.end(), std::string(name), std::move(value));
  }
  if (r.failed()) return Corrupt();
  return map;
}

Result<Number> DecodeNumber(Reader& r) {
  Result<Number> n = Number::Parse(r.Bytes());
  if (!n.ok()) return Corrupt();
  return n;
}

Result<AttributeValue> DecodeValue(Reader& r, int depth) {
  if (depth > kMaxDecodeDepth) return Corrupt();
  uint8_t tag = r.Byte();
  AttributeValue out;
  switch (tag) {
    case kTagS:
      out = AttributeValue::S(std::string(r.Bytes()));
      break;
    case kTagB:
      out = AttributeValue::B(std::string(r.Bytes()));
      break;
    case kTagN: {
      KUMO_ASSIGN_OR_RETURN(Number n, DecodeNumber(r));
      out = AttributeValue::N(n);
      break;
    }
    case kTagFalse:
    case kTagTrue:
      out = AttributeValue::Bool(tag == kTagTrue);
      break;
    case kTagNull:
      break;
    case kTagM: {
      KUMO_ASSIGN_OR_RETURN(AttributeValue::Map map, DecodeMap(r, depth + 1));
      out = AttributeValue::M(std::move(map));
      break;
    }
    case kTagL: {
      uint64_t count = r.Count();
      AttributeValue::List list;
      list.reserve(count);
      for (uint64_t i = 0; i < count && !r.failed(); ++i) {
        KUMO_ASSIGN_OR_RETURN(AttributeValue element, DecodeValue(r, depth + 1));
        list.push_back(std::move(element));
      }
      out = AttributeValue::L(std::move(list));
      break;
    }
    case kTagSS:
    case kTagBS: {
      uint64_t count = r.Count();
      std::vector<std::string> elements;
      elements.reserve(count);
      for (uint64_t i = 0; i < count && !r.failed(); ++i) elements.emplace_back(r.Bytes());
      out = tag == kTagSS ? AttributeValue::SS(std::move(elements))
                          : AttributeValue::BS(std::move(elements));
      break;
    }
    case kTagNS: {
      uint64_t count = r.Count();
      std::vector<Number> elements;
      elements.reserve(count);
      for (uint64_t i = 0; i < count && !r.failed(); ++i) {
        KUMO_ASSIGN_OR_RETURN(Number n, DecodeNumber(r));
        elements.push_back(n);
      }
      out = AttributeValue::NS(std::move(elements));
      break;
    }
    default:
      return Corrupt();
  }
  if (r.failed()) return Corrupt();
  return out;
}

// ---- straight to JSON text ----

void AppendBase64Quoted(std::string_view bytes, std::string& out) {
  out.push_back('"');
  out += Base64Encode(bytes);
  out.push_back('"');
}

void AppendRawQuoted(std::string_view text, std::string& out) {
  size_t at = out.size();
  out.resize(at + text.size() + 2);
  out[at] = '"';
  text.copy(out.data() + at + 1, text.size());
  out[at + 1 + text.size()] = '"';
}

// The JSON writers return false on corrupt input (checked once at the end
// through Reader::failed(), or at once for a bad tag or depth).
bool ValueToJson(Reader& r, int depth, std::string& out);

bool MapToJson(Reader& r, int depth, std::string& out) {
  uint64_t count = r.Count();
  out.push_back('{');
  for (uint64_t i = 0; i < count && !r.failed(); ++i) {
    if (i) out += ',';
    AppendQuotedJson(r.Bytes(), out);
    out += ':';
    if (!ValueToJson(r, depth, out)) return false;
  }
  out.push_back('}');
  return !r.failed();
}

void ArrayToJson(Reader& r, void (*append)(std::string_view, std::string&), std::string& out) {
  uint64_t count = r.Count();
  out.push_back('[');
  for (uint64_t i = 0; i < count && !r.failed(); ++i) {
    if (i) out.push_back(',');
    append(r.Bytes(), out);
  }
  out.push_back(']');
}

bool ValueToJson(Reader& r, int depth, std::string& out) {
  if (depth > kMaxDecodeDepth) return false;
  switch (r.Byte()) {
    case kTagS:
      out += "{\"S\":";
      AppendQuotedJson(r.Bytes(), out);
      break;
    case kTagN:
      // Stored canonical, and a decimal needs no JSON escaping.
      out += "{\"N\":";
      AppendRawQuoted(r.Bytes(), out);
      break;
    case kTagB:
      out += "{\"B\":";
      AppendBase64Quoted(r.Bytes(), out);
      break;
    case kTagFalse:
      out += "{\"BOOL\":false";
      break;
    case kTagTrue:
      out += "{\"BOOL\":true";
      break;
    case kTagNull:
      out += "{\"NULL\":true";
      break;
    case kTagM:
      out += "{\"M\":";
      if (!MapToJson(r, depth + 1, out)) return false;
      break;
    case kTagL: {
      uint64_t count = r.Count();
      out += "{\"L\":[";
      for (uint64_t i = 0; i < count && !r.failed(); ++i) {
        if (i) out.push_back(',');
        if (!ValueToJson(r, depth + 1, out)) return false;
      }
      out.push_back(']');
      break;
    }
    case kTagSS:
      out += "{\"SS\":";
      ArrayToJson(r, AppendQuotedJson, out);
      break;
    case kTagNS:
      out += "{\"NS\":";
      ArrayToJson(r, AppendRawQuoted, out);
      break;
    case kTagBS:
      out += "{\"BS\":";
      ArrayToJson(r, AppendBase64Quoted, out);
      break;
    default:
      return false;
  }
  out.push_back('}');
  return !r.failed();
}

}  // namespace

std::string EncodeItem(const Item& item) {
  std::string out;
  out.push_back(static_cast<char>(kFormatVersion));
  EncodeMap(item, out);
  return out;
}

Result<Item> DecodeItem(std::string_view encoded) {
  Reader r(encoded);
  if (r.Byte() != kFormatVersion) return Corrupt();
  KUMO_ASSIGN_OR_RETURN(Item item, DecodeMap(r, 0));
  if (!r.done()) return Corrupt();
  return item;
}

Status AppendEncodedItemJson(std::string_view encoded, std::string& out) {
  Reader r(encoded);
  if (r.Byte() != kFormatVersion || !MapToJson(r, 0, out) || !r.done()) return Corrupt();
  return Status::Ok();
}

}  // namespace kumo::tables
