#include "tables/expression_parser.h"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <span>

#include "common/encoding.h"
#include "tables/expression_lexer.h"

namespace kumo::tables {
namespace {

// Words that end a path in each language: they cannot be bare names there.
constexpr std::array<std::string_view, 5> kConditionKeywords = {"AND", "OR", "NOT", "BETWEEN",
                                                                "IN"};
constexpr std::array<std::string_view, 4> kUpdateKeywords = {"SET", "REMOVE", "ADD", "DELETE"};

// A recursive-descent parser over the token list. Each Parse* returns
// nullopt on failure after recording, in furthest_, the token where it
// failed; alternatives backtrack by restoring pos_, and the syntax error
// reported is the furthest failure, as a PEG parser would.
class Parser {
 public:
  Parser(std::string_view text, std::span<const std::string_view> keywords)
      : text_(text), tokens_(Tokenize(text)), keywords_(keywords) {}

  Result<tables::Condition> RunCondition() {
    std::optional<tables::Condition> c = ParseOr();
    return Finish(std::move(c));
  }

  Result<UpdateExpression> RunUpdate() {
    std::optional<UpdateExpression> u = ParseUpdate();
    return Finish(std::move(u));
  }

  Result<ProjectionExpression> RunProjection() {
    std::optional<ProjectionExpression> p = ParseProjection();
    return Finish(std::move(p));
  }

 private:
  template <typename T>
  Result<T> Finish(std::optional<T> parsed) {
    if (parsed && Peek(TokenKind::kEnd)) return std::move(*parsed);
    if (parsed) Fail();
    return SyntaxError();
  }

  Error SyntaxError() const {
    const Token& bad = tokens_[furthest_];
    size_t begin = furthest_ > 0 ? tokens_[furthest_ - 1].offset : bad.offset;
    const Token& last = bad.kind != TokenKind::kEnd && furthest_ + 1 < tokens_.size()
                            ? tokens_[furthest_ + 1]
                            : bad;
    size_t end = last.offset + last.text.size();
    std::string token = bad.kind == TokenKind::kEnd ? "<EOF>" : std::string(bad.text);
    return InvalidArgument("Syntax error; token: \"" + token + "\", near: \"" +
                           std::string(text_.substr(begin, end - begin)) + "\"");
  }

  const Token& Current() const { return tokens_[pos_]; }
  bool Peek(TokenKind kind) const { return Current().kind == kind; }
  bool PeekAt(size_t ahead, TokenKind kind) const {
    return pos_ + ahead < tokens_.size() && tokens_[pos_ + ahead].kind == kind;
  }
  bool AtKeyword(std::string_view keyword) const {
    return Peek(TokenKind::kIdentifier) && EqualsIgnoreCase(Current().text, keyword);
  }
  bool IsKeyword(const Token& t) const {
    return t.kind == TokenKind::kIdentifier &&
           std::any_of(keywords_.begin(), keywords_.end(),
                       [&](std::string_view k) { return EqualsIgnoreCase(t.text, k); });
  }
  // Records a failure at the current token; always returns false.
  bool Fail() {
    furthest_ = std::max(furthest_, pos_);
    return false;
  }
  std::nullopt_t Failed() {
    Fail();
    return std::nullopt;
  }
  bool Expect(TokenKind kind) {
    if (!Peek(kind)) return Fail();
    ++pos_;
    return true;
  }

  // ---- conditions ----

  std::optional<tables::Condition> Binary(tables::Condition::Kind kind, tables::Condition left,
                                          tables::Condition right) {
    tables::Condition c;
    c.kind = kind;
    c.children.push_back(std::move(left));
    c.children.push_back(std::move(right));
    return c;
  }

  // next (KEYWORD next)*, folded to the left.
  std::optional<tables::Condition> ParseChain(std::string_view keyword, tables::Condition::Kind kind,
                                              std::optional<tables::Condition> (Parser::*next)()) {
    std::optional<tables::Condition> left = (this->*next)();
    while (left && AtKeyword(keyword)) {
      ++pos_;
      std::optional<tables::Condition> right = (this->*next)();
      if (!right) return std::nullopt;
      left = Binary(kind, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<tables::Condition> ParseOr() {
    return ParseChain("OR", tables::Condition::Kind::kOr, &Parser::ParseAnd);
  }

  std::optional<tables::Condition> ParseAnd() {
    return ParseChain("AND", tables::Condition::Kind::kAnd, &Parser::ParseNot);
  }

  std::optional<tables::Condition> ParseNot() {
    if (AtKeyword("NOT")) {
      ++pos_;
      std::optional<tables::Condition> child = ParseNot();
      if (!child) return std::nullopt;
      tables::Condition c;
      c.kind = tables::Condition::Kind::kNot;
      c.children.push_back(std::move(*child));
      return c;
    }
    if (Peek(TokenKind::kLParen)) {
      // "(" may open a nested condition or a parenthesized operand, as in
      // "(a) = :v": try the condition first, and fall back when it does not
      // close or is followed by a comparison.
      size_t saved = pos_;
      ++pos_;
      std::optional<tables::Condition> inner = ParseOr();
      if (inner && Expect(TokenKind::kRParen) && !AtComparisonContinuation()) {
        if (inner->parenthesized) inner->redundant_parens = true;
        inner->parenthesized = true;
        return inner;
      }
      pos_ = saved;
    }
    return ParsePredicate();
  }

  bool AtComparisonContinuation() const {
    switch (Current().kind) {
      case TokenKind::kEq: case TokenKind::kNe: case TokenKind::kLt:
      case TokenKind::kLe: case TokenKind::kGt: case TokenKind::kGe:
        return true;
      default:
        return AtKeyword("BETWEEN") || AtKeyword("IN");
    }
  }

  std::optional<Comparator> ComparatorAt() const {
    switch (Current().kind) {
      case TokenKind::kEq: return Comparator::kEq;
      case TokenKind::kNe: return Comparator::kNe;
      case TokenKind::kLt: return Comparator::kLt;
      case TokenKind::kLe: return Comparator::kLe;
      case TokenKind::kGt: return Comparator::kGt;
      case TokenKind::kGe: return Comparator::kGe;
      default: return std::nullopt;
    }
  }

  std::optional<tables::Condition> ParsePredicate() {
    std::optional<Operand> lhs = ParseOperand();
    if (!lhs) return std::nullopt;
    tables::Condition c;
    c.operands.push_back(std::move(*lhs));
    if (std::optional<Comparator> op = ComparatorAt()) {
      ++pos_;
      c.kind = tables::Condition::Kind::kCompare;
      c.comparator = *op;
      if (!ParseOperandInto(c.operands)) return std::nullopt;
    } else if (AtKeyword("BETWEEN")) {
      ++pos_;
      c.kind = tables::Condition::Kind::kBetween;
      if (!ParseOperandInto(c.operands)) return std::nullopt;
      if (!AtKeyword("AND")) return Failed();
      ++pos_;
      if (!ParseOperandInto(c.operands)) return std::nullopt;
    } else if (AtKeyword("IN")) {
      ++pos_;
      c.kind = tables::Condition::Kind::kIn;
      if (!Expect(TokenKind::kLParen) || !ParseOperandList(c.operands) ||
          !Expect(TokenKind::kRParen)) {
        return std::nullopt;
      }
    } else if (c.operands[0].kind == Operand::Kind::kFunction && !c.operands[0].parenthesized) {
      c.kind = tables::Condition::Kind::kFunction;
    } else {
      return Failed();
    }
    return c;
  }

  // ---- operands and paths ----

  bool ParseOperandInto(std::vector<Operand>& out) {
    std::optional<Operand> o = ParseOperand();
    if (!o) return false;
    out.push_back(std::move(*o));
    return true;
  }

  bool ParseOperandList(std::vector<Operand>& out) {
    if (!ParseOperandInto(out)) return false;
    while (Peek(TokenKind::kComma)) {
      ++pos_;
      if (!ParseOperandInto(out)) return false;
    }
    return true;
  }

  std::optional<Operand> ParseOperand() {
    if (Peek(TokenKind::kLParen)) {
      ++pos_;
      std::optional<Operand> inner = ParseOperand();
      if (!inner || !Expect(TokenKind::kRParen)) return std::nullopt;
      if (inner->parenthesized) inner->redundant_parens = true;
      inner->parenthesized = true;
      return inner;
    }
    if (Peek(TokenKind::kValueRef)) {
      Operand v;
      v.kind = Operand::Kind::kValue;
      v.value_name = std::string(Current().text);
      ++pos_;
      return v;
    }
    if (Peek(TokenKind::kIdentifier) && PeekAt(1, TokenKind::kLParen) && !IsKeyword(Current())) {
      Operand call;
      call.kind = Operand::Kind::kFunction;
      call.function_name = std::string(Current().text);
      pos_ += 2;
      if (!ParseOperandList(call.args) || !Expect(TokenKind::kRParen)) return std::nullopt;
      return call;
    }
    std::optional<Path> path = ParsePath();
    if (!path) return std::nullopt;
    return Operand::OfPath(std::move(*path));
  }

  std::optional<PathElement> ParseName() {
    if (Peek(TokenKind::kNameRef)) {
      PathElement e = PathElement::Name(std::string(Current().text));
      e.placeholder = true;
      ++pos_;
      return e;
    }
    if (Peek(TokenKind::kIdentifier) && !IsKeyword(Current())) {
      ++pos_;
      return PathElement::Name(std::string(tokens_[pos_ - 1].text));
    }
    return Failed();
  }

  std::optional<Path> ParsePath() {
    Path path;
    std::optional<PathElement> first = ParseName();
    if (!first) return std::nullopt;
    path.elements.push_back(std::move(*first));
    while (true) {
      if (Peek(TokenKind::kDot)) {
        ++pos_;
        std::optional<PathElement> name = ParseName();
        if (!name) return std::nullopt;
        path.elements.push_back(std::move(*name));
      } else if (Peek(TokenKind::kLBracket)) {
        ++pos_;
        if (!Peek(TokenKind::kInteger)) return Failed();
        uint64_t index = 0;
        for (char c : Current().text) {
          index = index * 10 + static_cast<uint64_t>(c - '0');
          if (index > UINT32_MAX) return Failed();
        }
        ++pos_;
        if (!Expect(TokenKind::kRBracket)) return std::nullopt;
        path.elements.push_back(PathElement::Index(static_cast<uint32_t>(index)));
      } else {
        return path;
      }
    }
  }

  // ---- update ----

  std::optional<UpdateExpression> ParseUpdate() {
    UpdateExpression update;
    std::set<std::string> seen;
    do {
      if (!IsKeyword(Current())) return Failed();
      std::string clause(Current().text);
      std::transform(clause.begin(), clause.end(), clause.begin(),
                     [](char c) { return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c; });
      if (!seen.insert(clause).second && update.repeated_clause.empty()) {
        update.repeated_clause = clause;
      }
      ++pos_;
      UpdateAction::Kind kind = clause == "SET"      ? UpdateAction::Kind::kSet
                                : clause == "REMOVE" ? UpdateAction::Kind::kRemove
                                : clause == "ADD"    ? UpdateAction::Kind::kAdd
                                                     : UpdateAction::Kind::kDelete;
      while (true) {
        std::optional<UpdateAction> action = ParseAction(kind);
        if (!action) return std::nullopt;
        update.actions.push_back(std::move(*action));
        if (!Peek(TokenKind::kComma)) break;
        ++pos_;
      }
    } while (!Peek(TokenKind::kEnd));
    return update;
  }

  std::optional<UpdateAction> ParseAction(UpdateAction::Kind kind) {
    UpdateAction action;
    action.kind = kind;
    std::optional<Path> path = ParsePath();
    if (!path) return std::nullopt;
    action.path = std::move(*path);
    switch (kind) {
      case UpdateAction::Kind::kSet: {
        if (!Expect(TokenKind::kEq)) return std::nullopt;
        std::optional<Operand> value = ParseSetValue();
        if (!value) return std::nullopt;
        action.value = std::move(*value);
        break;
      }
      case UpdateAction::Kind::kRemove:
        break;
      case UpdateAction::Kind::kAdd:
      case UpdateAction::Kind::kDelete:
        if (!Peek(TokenKind::kValueRef)) return Failed();
        action.value.kind = Operand::Kind::kValue;
        action.value.value_name = std::string(Current().text);
        ++pos_;
        break;
    }
    return action;
  }

  std::optional<Operand> ParseSetValue() {
    if (Peek(TokenKind::kLParen)) {
      size_t saved = pos_;
      ++pos_;
      std::optional<Operand> inner = ParseArithmetic();
      if (inner && Expect(TokenKind::kRParen) && !Peek(TokenKind::kPlus) &&
          !Peek(TokenKind::kMinus)) {
        return inner;
      }
      pos_ = saved;
    }
    return ParseArithmetic();
  }

  std::optional<Operand> ParseArithmetic() {
    std::optional<Operand> lhs = ParseOperand();
    if (!lhs || !(Peek(TokenKind::kPlus) || Peek(TokenKind::kMinus))) return lhs;
    Operand op;
    op.kind = Operand::Kind::kFunction;
    op.function_name = Peek(TokenKind::kPlus) ? "+" : "-";
    ++pos_;
    op.args.push_back(std::move(*lhs));
    if (!ParseOperandInto(op.args)) return std::nullopt;
    return op;
  }

  // ---- projection ----

  std::optional<ProjectionExpression> ParseProjection() {
    ProjectionExpression projection;
    do {
      if (!projection.paths.empty()) ++pos_;  // the comma
      std::optional<Path> path = ParsePath();
      if (!path) return std::nullopt;
      projection.paths.push_back(std::move(*path));
    } while (Peek(TokenKind::kComma));
    return projection;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  std::span<const std::string_view> keywords_;
  size_t pos_ = 0;
  size_t furthest_ = 0;
};

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

Error EmptyExpression() { return InvalidArgument("The expression can not be empty;"); }

}  // namespace

Result<Condition> ParseCondition(std::string_view text) {
  if (IsBlank(text)) return EmptyExpression();
  return Parser(text, kConditionKeywords).RunCondition();
}

Result<UpdateExpression> ParseUpdate(std::string_view text) {
  if (IsBlank(text)) return EmptyExpression();
  return Parser(text, kUpdateKeywords).RunUpdate();
}

Result<ProjectionExpression> ParseProjection(std::string_view text) {
  if (IsBlank(text)) return EmptyExpression();
  return Parser(text, {}).RunProjection();
}

}  // namespace kumo::tables
