#include "logs/filter_pattern.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <variant>

#include "common/encoding.h"

namespace kumo::logs {
namespace filter_internal {

// One JSON pattern expression node.
struct JsonNode {
  enum class Kind { kAnd, kOr, kCompare, kIsTrue, kIsFalse, kIsNull, kNotExists };
  Kind kind = Kind::kCompare;
  std::shared_ptr<const JsonNode> left, right;          // kAnd, kOr
  std::vector<std::variant<std::string, size_t>> path;  // member names and array indexes
  std::string op;                                       // kCompare: = != < > <= >=
  bool numeric = false;
  double number = 0;
  std::string text;  // a string value, '*' a wildcard
};

}  // namespace filter_internal

namespace {

using filter_internal::JsonNode;
using NodePtr = std::shared_ptr<const JsonNode>;

Error Invalid(std::string message) {
  return Error{400, "InvalidParameterException", "Invalid filter pattern: " + std::move(message)};
}

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Glob match with '*' for any run of characters.
bool WildcardMatch(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// Reads a "quoted string" at the front of `in` (which starts with '"'),
// consuming it. Backslash escapes the next character.
Result<std::string> ReadQuoted(std::string_view& in) {
  std::string out;
  for (size_t i = 1; i < in.size(); ++i) {
    if (in[i] == '\\' && i + 1 < in.size()) {
      out.push_back(in[++i]);
    } else if (in[i] == '"') {
      in.remove_prefix(i + 1);
      return out;
    } else {
      out.push_back(in[i]);
    }
  }
  return Invalid("a quoted term is not closed");
}

// Recursive descent over the text between '{' and '}'.
class JsonPatternParser {
 public:
  explicit JsonPatternParser(std::string_view text) : in_(text) {}

  Result<NodePtr> ParseAll() {
    KUMO_ASSIGN_OR_RETURN(NodePtr node, ParseOr());
    SkipSpace();
    if (!in_.empty()) return Invalid("unexpected '" + std::string(in_.substr(0, 20)) + "'");
    return node;
  }

 private:
  void SkipSpace() {
    while (!in_.empty() && IsSpace(in_.front())) in_.remove_prefix(1);
  }
  bool Consume(std::string_view token) {
    SkipSpace();
    if (!in_.starts_with(token)) return false;
    in_.remove_prefix(token.size());
    return true;
  }
  // A case-insensitive keyword followed by a non-word character.
  bool ConsumeKeyword(std::string_view word) {
    SkipSpace();
    if (in_.size() < word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i) {
      if (AsciiUpper(in_[i]) != word[i]) return false;
    }
    if (in_.size() > word.size() && std::isalnum(static_cast<unsigned char>(in_[word.size()]))) {
      return false;
    }
    in_.remove_prefix(word.size());
    return true;
  }

  Result<NodePtr> Binary(JsonNode::Kind kind, std::string_view token,
                         Result<NodePtr> (JsonPatternParser::*operand)()) {
    KUMO_ASSIGN_OR_RETURN(NodePtr left, (this->*operand)());
    while (Consume(token)) {
      KUMO_ASSIGN_OR_RETURN(NodePtr right, (this->*operand)());
      auto node = std::make_shared<JsonNode>();
      node->kind = kind;
      node->left = std::move(left);
      node->right = std::move(right);
      left = std::move(node);
    }
    return left;
  }
  Result<NodePtr> ParseOr() {
    return Binary(JsonNode::Kind::kOr, "||", &JsonPatternParser::ParseAnd);
  }
  Result<NodePtr> ParseAnd() {
    return Binary(JsonNode::Kind::kAnd, "&&", &JsonPatternParser::ParseUnary);
  }

  Result<NodePtr> ParseUnary() {
    if (++depth_ > 64) return Invalid("too deeply nested");
    Result<NodePtr> node = Consume("(") ? ParseGroup() : ParseCondition();
    --depth_;
    return node;
  }
  Result<NodePtr> ParseGroup() {
    KUMO_ASSIGN_OR_RETURN(NodePtr inner, ParseOr());
    if (!Consume(")")) return Invalid("a '(' is not closed");
    return inner;
  }

  Result<NodePtr> ParseCondition() {
    auto node = std::make_shared<JsonNode>();
    KUMO_ASSIGN_OR_RETURN(node->path, ParseSelector());
    if (ConsumeKeyword("IS")) {
      if (ConsumeKeyword("TRUE")) {
        node->kind = JsonNode::Kind::kIsTrue;
      } else if (ConsumeKeyword("FALSE")) {
        node->kind = JsonNode::Kind::kIsFalse;
      } else if (ConsumeKeyword("NULL")) {
        node->kind = JsonNode::Kind::kIsNull;
      } else {
        return Invalid("IS must be followed by TRUE, FALSE or NULL");
      }
      return NodePtr(node);
    }
    if (ConsumeKeyword("NOT")) {
      if (!ConsumeKeyword("EXISTS")) return Invalid("NOT must be followed by EXISTS");
      node->kind = JsonNode::Kind::kNotExists;
      return NodePtr(node);
    }
    for (std::string_view op : {"!=", "<=", ">=", "=", "<", ">"}) {
      if (Consume(op)) {
        node->op = std::string(op);
        break;
      }
    }
    if (node->op.empty()) return Invalid("expected a comparison after the selector");
    KUMO_RETURN_IF_ERROR(ParseValue(*node));
    if (!node->numeric && node->op != "=" && node->op != "!=") {
      return Invalid("'" + node->op + "' compares numbers only");
    }
    return NodePtr(node);
  }

  Result<std::vector<std::variant<std::string, size_t>>> ParseSelector() {
    SkipSpace();
    if (!in_.starts_with("$")) return Invalid("a JSON condition starts with a $ selector");
    in_.remove_prefix(1);
    std::vector<std::variant<std::string, size_t>> path;
    while (!in_.empty() && (in_.front() == '.' || in_.front() == '[')) {
      if (in_.front() == '[') {
        size_t close = in_.find(']');
        size_t index = 0;
        std::string_view digits = in_.substr(1, close == std::string_view::npos ? 0 : close - 1);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
        if (close == std::string_view::npos || digits.empty() || ec != std::errc() ||
            end != digits.data() + digits.size()) {
          return Invalid("an array index must be a number in brackets");
        }
        path.emplace_back(index);
        in_.remove_prefix(close + 1);
        continue;
      }
      in_.remove_prefix(1);
      size_t n = 0;
      while (n < in_.size() && !IsSpace(in_[n]) &&
             std::string_view(".[=!<>()&|").find(in_[n]) == std::string_view::npos) {
        ++n;
      }
      if (n == 0) return Invalid("a selector has an empty member name");
      if (in_.substr(0, n) == "*") return Invalid("selector wildcards are not supported by Kumo");
      path.emplace_back(std::string(in_.substr(0, n)));
      in_.remove_prefix(n);
    }
    if (path.empty()) return Invalid("a selector must name a field ($.field)");
    return path;
  }

  Status ParseValue(JsonNode& node) {
    SkipSpace();
    if (in_.starts_with("\"")) {
      KUMO_ASSIGN_OR_RETURN(node.text, ReadQuoted(in_));
      return Status::Ok();
    }
    size_t n = 0;
    while (n < in_.size() && !IsSpace(in_[n]) && in_[n] != ')' && in_[n] != '&' && in_[n] != '|')
      ++n;
    if (n == 0) return Invalid("expected a value after '" + node.op + "'");
    std::string token(in_.substr(0, n));
    in_.remove_prefix(n);
    char* end = nullptr;
    double number = std::strtod(token.c_str(), &end);
    if (end == token.c_str() + token.size()) {
      node.numeric = true;
      node.number = number;
    } else {
      node.text = std::move(token);
    }
    return Status::Ok();
  }

  std::string_view in_;
  int depth_ = 0;
};

const boost::json::value* Select(const boost::json::value& root,
                                 const std::vector<std::variant<std::string, size_t>>& path) {
  const boost::json::value* at = &root;
  for (const auto& step : path) {
    if (const std::string* name = std::get_if<std::string>(&step)) {
      if (!at->is_object()) return nullptr;
      at = at->as_object().if_contains(*name);
    } else {
      size_t index = std::get<size_t>(step);
      if (!at->is_array() || index >= at->as_array().size()) return nullptr;
      at = &at->as_array()[index];
    }
    if (at == nullptr) return nullptr;
  }
  return at;
}

bool Compare(const JsonNode& node, const boost::json::value& field) {
  if (node.numeric) {
    if (!field.is_number()) return false;
    double value = field.to_number<double>();
    if (node.op == "=") return value == node.number;
    if (node.op == "!=") return value != node.number;
    if (node.op == "<") return value < node.number;
    if (node.op == ">") return value > node.number;
    if (node.op == "<=") return value <= node.number;
    return value >= node.number;
  }
  if (!field.is_string()) return false;
  bool equal = WildcardMatch(node.text, field.as_string());
  return node.op == "=" ? equal : !equal;
}

bool Evaluate(const JsonNode& node, const boost::json::value& root) {
  switch (node.kind) {
    case JsonNode::Kind::kAnd:
      return Evaluate(*node.left, root) && Evaluate(*node.right, root);
    case JsonNode::Kind::kOr:
      return Evaluate(*node.left, root) || Evaluate(*node.right, root);
    default:
      break;
  }
  const boost::json::value* field = Select(root, node.path);
  switch (node.kind) {
    case JsonNode::Kind::kNotExists:
      return field == nullptr;
    case JsonNode::Kind::kIsNull:
      return field != nullptr && field->is_null();
    case JsonNode::Kind::kIsTrue:
      return field != nullptr && field->is_bool() && field->as_bool();
    case JsonNode::Kind::kIsFalse:
      return field != nullptr && field->is_bool() && !field->as_bool();
    default:
      return field != nullptr && Compare(node, *field);
  }
}

}  // namespace

Result<FilterPattern> FilterPattern::Parse(std::string_view pattern) {
  FilterPattern compiled;
  size_t first = pattern.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return compiled;
  pattern = pattern.substr(first, pattern.find_last_not_of(" \t\r\n") - first + 1);
  if (pattern.front() == '{') {
    if (pattern.back() != '}') return Invalid("a JSON pattern must end with '}'");
    KUMO_ASSIGN_OR_RETURN(compiled.json_,
                          JsonPatternParser(pattern.substr(1, pattern.size() - 2)).ParseAll());
    return compiled;
  }
  if (pattern.front() == '[') {
    return Error{400, "InvalidParameterException",
                 "Kumo does not support space-delimited filter patterns ([...]); use terms or a "
                 "JSON pattern"};
  }
  if (pattern.front() == '%') {
    return Error{400, "InvalidParameterException",
                 "Kumo does not support regular-expression filter patterns (%...%); use terms "
                 "or a JSON pattern"};
  }
  KUMO_ASSIGN_OR_RETURN(compiled.terms_, ParseTerms(pattern));
  // `" "` is AWS's spelling of "match everything".
  if (compiled.terms_.size() == 1 && compiled.terms_[0].kind == TermKind::kRequired &&
      compiled.terms_[0].text.find_first_not_of(' ') == std::string::npos) {
    compiled.terms_.clear();
  }
  return compiled;
}

Result<std::vector<FilterPattern::Term>> FilterPattern::ParseTerms(std::string_view pattern) {
  std::vector<Term> terms;
  while (true) {
    while (!pattern.empty() && IsSpace(pattern.front())) pattern.remove_prefix(1);
    if (pattern.empty()) break;
    TermKind kind = TermKind::kRequired;
    if (pattern.front() == '?' || pattern.front() == '-') {
      kind = pattern.front() == '?' ? TermKind::kOptional : TermKind::kExcluded;
      pattern.remove_prefix(1);
      if (pattern.empty() || IsSpace(pattern.front())) {
        return Invalid("'?' and '-' must be followed by a term");
      }
    }
    std::string text;
    if (pattern.front() == '"') {
      KUMO_ASSIGN_OR_RETURN(text, ReadQuoted(pattern));
    } else {
      size_t n = 0;
      while (n < pattern.size() && !IsSpace(pattern[n])) ++n;
      text = std::string(pattern.substr(0, n));
      if (text.find('"') != std::string::npos) return Invalid("a '\"' inside an unquoted term");
      pattern.remove_prefix(n);
    }
    terms.push_back(Term{kind, std::move(text)});
  }
  return terms;
}

bool FilterPattern::Matches(std::string_view message) const {
  if (json_) {
    boost::system::error_code ec;
    boost::json::value root = boost::json::parse(message, ec);
    return !ec && Evaluate(*json_, root);
  }
  bool any_optional = false;
  bool optional_matched = false;
  for (const Term& term : terms_) {
    bool found = message.find(term.text) != std::string_view::npos;
    switch (term.kind) {
      case TermKind::kRequired:
        if (!found) return false;
        break;
      case TermKind::kExcluded:
        if (found) return false;
        break;
      case TermKind::kOptional:
        any_optional = true;
        optional_matched = optional_matched || found;
        break;
    }
  }
  return !any_optional || optional_matched;
}

}  // namespace kumo::logs
