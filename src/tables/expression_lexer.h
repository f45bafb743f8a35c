// Splits an expression into tokens, as DynamoDB's lexer does: names start
// with a letter and continue with letters, digits and '_'; #names and
// :values continue with at least one of those; anything else is a
// one-character kInvalid token that the parser reports as a syntax error.
// Thread-safety: pure function.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace kumo::tables {

enum class TokenKind {
  kEnd,         // after the last token
  kIdentifier,  // abc, Alpha_1 (also keywords: AND, SET, ...)
  kNameRef,     // #name
  kValueRef,    // :value
  kInteger,     // 123 (list indexes)
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kDot,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kPlus,
  kMinus,
  kInvalid,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;  // a view into the expression
  size_t offset = 0;
};

// The tokens of `text`, always ending with one kEnd token.
std::vector<Token> Tokenize(std::string_view text);

}  // namespace kumo::tables
