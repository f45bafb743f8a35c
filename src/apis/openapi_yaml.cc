#include "apis/openapi_yaml.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <exception>
#include <limits>

#include "common/json_text.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;

// Bounds on untrusted documents: nesting (a cyclic alias never ends) and the
// number of values produced (aliases can multiply a small text).
constexpr int kMaxDepth = 256;
constexpr size_t kMaxValues = 1'000'000;

Error BadYaml(std::string message) {
  return Error{400, "BadRequestException",
               "Unable to parse the OpenAPI definition as YAML: " + std::move(message)};
}

enum class PlainKind { kString, kNull, kBool, kInt, kFloat };

bool IsDigits(std::string_view s, bool hex = false) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(hex ? std::isxdigit(static_cast<unsigned char>(c))
              : std::isdigit(static_cast<unsigned char>(c))))
      return false;
  }
  return true;
}

std::string_view SkipSign(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  return s;
}

bool LooksInt(std::string_view s) {
  if (s.starts_with("0x")) return IsDigits(s.substr(2), /*hex=*/true);
  if (s.starts_with("0o")) return IsDigits(s.substr(2));
  return IsDigits(SkipSign(s));
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, .inf, .nan
bool LooksFloat(std::string_view s) {
  std::string_view body = SkipSign(s);
  for (std::string_view special : {".inf", ".Inf", ".INF"}) {
    if (body == special) return true;
  }
  for (std::string_view special : {".nan", ".NaN", ".NAN"}) {
    if (s == special) return true;
  }
  size_t e = body.find_first_of("eE");
  std::string_view mantissa = body.substr(0, e);
  if (e != std::string_view::npos && !IsDigits(SkipSign(body.substr(e + 1)))) return false;
  size_t dot = mantissa.find('.');
  if (dot == std::string_view::npos) return IsDigits(mantissa);
  std::string_view whole = mantissa.substr(0, dot);
  std::string_view fraction = mantissa.substr(dot + 1);
  if (whole.empty()) return IsDigits(fraction);
  return IsDigits(whole) && (fraction.empty() || IsDigits(fraction));
}

// How a YAML 1.2 core-schema reader types a plain scalar.
PlainKind ClassifyPlain(std::string_view s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return PlainKind::kNull;
  for (std::string_view word : {"true", "True", "TRUE", "false", "False", "FALSE"}) {
    if (s == word) return PlainKind::kBool;
  }
  if (LooksInt(s)) return PlainKind::kInt;
  if (LooksFloat(s)) return PlainKind::kFloat;
  return PlainKind::kString;
}

// A plain scalar's value; numbers only when `text` is their own spelling.
json::value PlainValue(const std::string& text) {
  switch (ClassifyPlain(text)) {
    case PlainKind::kNull:
      return nullptr;
    case PlainKind::kBool:
      return text[0] == 't' || text[0] == 'T';
    case PlainKind::kInt: {
      int64_t i = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
      if (ec == std::errc() && end == text.data() + text.size() && std::to_string(i) == text) {
        return i;
      }
      uint64_t u = 0;
      auto [uend, uec] = std::from_chars(text.data(), text.data() + text.size(), u);
      if (uec == std::errc() && uend == text.data() + text.size() && std::to_string(u) == text) {
        return u;
      }
      return json::string(text);
    }
    case PlainKind::kFloat: {
      double d = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
      if (ec == std::errc() && end == text.data() + text.size() && FormatDouble(d) == text) {
        return d;
      }
      return json::string(text);
    }
    case PlainKind::kString:
      break;
  }
  return json::string(text);
}

class Converter {
 public:
  Result<json::value> Convert(const YAML::Node& node, int depth) {
    if (depth > kMaxDepth)
      return BadYaml("the document nests deeper than " + std::to_string(kMaxDepth) + " levels");
    if (++values_ > kMaxValues) return BadYaml("the document has too many values");
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        // "!" marks a quoted scalar; an explicit !!str tag is a string too.
        if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") {
          return json::value(json::string(node.Scalar()));
        }
        return PlainValue(node.Scalar());
      case YAML::NodeType::Sequence: {
        json::array array;
        for (const YAML::Node& item : node) {
          KUMO_ASSIGN_OR_RETURN(json::value v, Convert(item, depth + 1));
          array.push_back(std::move(v));
        }
        return json::value(std::move(array));
      }
      case YAML::NodeType::Map: {
        json::object object;
        for (const auto& kv : node) {
          if (!kv.first.IsScalar()) return BadYaml("mapping keys must be scalars");
          KUMO_ASSIGN_OR_RETURN(json::value v, Convert(kv.second, depth + 1));
          object[kv.first.Scalar()] = std::move(v);
        }
        return json::value(std::move(object));
      }
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        break;
    }
    return json::value(nullptr);
  }

 private:
  size_t values_ = 0;
};

void EmitString(YAML::Emitter& out, std::string_view s) {
  if (YamlNeedsQuotes(s)) out << YAML::DoubleQuoted;
  out << std::string(s);
}

void Emit(YAML::Emitter& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::object:
      if (v.get_object().empty()) out << YAML::Flow;  // "{}" beside its key
      out << YAML::BeginMap;
      for (const auto& kv : v.get_object()) {
        out << YAML::Key;
        EmitString(out, kv.key());
        out << YAML::Value;
        Emit(out, kv.value());
      }
      out << YAML::EndMap;
      return;
    case json::kind::array:
      if (v.get_array().empty()) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const json::value& item : v.get_array()) Emit(out, item);
      out << YAML::EndSeq;
      return;
    case json::kind::string:
      EmitString(out, v.get_string());
      return;
    case json::kind::int64:
      out << static_cast<long long>(v.get_int64());
      return;
    case json::kind::uint64:
      out << static_cast<unsigned long long>(v.get_uint64());
      return;
    case json::kind::double_:
      out << FormatDouble(v.get_double());
      return;
    case json::kind::bool_:
      out << v.get_bool();
      return;
    case json::kind::null:
      out << YAML::Null;
      return;
  }
}

}  // namespace

bool YamlNeedsQuotes(std::string_view text) {
  if (ClassifyPlain(text) != PlainKind::kString) return true;
  // YAML 1.1 readers (PyYAML, the AWS CLI) still take these for booleans.
  for (std::string_view word : {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on",
                                "On", "ON", "off", "Off", "OFF", "=", "<<"}) {
    if (text == word) return true;
  }
  // Anything starting like a number (dates, 1_000, 1:30, versions) is quoted
  // rather than left to each reader's idea of numbers and timestamps.
  unsigned char first = static_cast<unsigned char>(text.front());
  if (std::isdigit(first)) return true;
  if ((first == '-' || first == '+' || first == '.') && text.size() > 1 &&
      (std::isdigit(static_cast<unsigned char>(text[1])) || text[1] == '.')) {
    return true;
  }
  return false;
}

Result<json::value> ParseYaml(std::string_view text) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    Converter converter;
    return converter.Convert(root, 0);
  } catch (const YAML::Exception& e) {
    return BadYaml("line " + std::to_string(e.mark.line + 1) + ", column " +
                   std::to_string(e.mark.column + 1) + ": " + e.msg);
  } catch (const std::exception& e) {
    return BadYaml(e.what());
  }
}

std::string EmitYaml(const json::value& value) {
  YAML::Emitter out;
  Emit(out, value);
  std::string text = out.c_str();
  text += '\n';
  return text;
}

}  // namespace kumo::apis
