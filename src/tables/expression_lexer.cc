#include "tables/expression_lexer.h"

namespace kumo::tables {
namespace {

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameChar(char c) { return IsLetter(c) || IsDigit(c) || c == '_'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  auto emit = [&](TokenKind kind, size_t start, size_t end) {
    tokens.push_back({kind, text.substr(start, end - start), start});
    i = end;
  };
  auto name_end = [&](size_t from) {
    while (from < text.size() && IsNameChar(text[from])) ++from;
    return from;
  };
  while (i < text.size()) {
    char c = text[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (IsLetter(c)) {
      emit(TokenKind::kIdentifier, i, name_end(i + 1));
    } else if (IsDigit(c)) {
      size_t end = i;
      while (end < text.size() && IsDigit(text[end])) ++end;
      emit(TokenKind::kInteger, i, end);
    } else if ((c == '#' || c == ':') && IsNameChar(next)) {
      emit(c == '#' ? TokenKind::kNameRef : TokenKind::kValueRef, i, name_end(i + 1));
    } else if (c == '<' && next == '>') {
      emit(TokenKind::kNe, i, i + 2);
    } else if (c == '<' && next == '=') {
      emit(TokenKind::kLe, i, i + 2);
    } else if (c == '>' && next == '=') {
      emit(TokenKind::kGe, i, i + 2);
    } else {
      TokenKind kind = TokenKind::kInvalid;
      switch (c) {
        case '(': kind = TokenKind::kLParen; break;
        case ')': kind = TokenKind::kRParen; break;
        case '[': kind = TokenKind::kLBracket; break;
        case ']': kind = TokenKind::kRBracket; break;
        case ',': kind = TokenKind::kComma; break;
        case '.': kind = TokenKind::kDot; break;
        case '=': kind = TokenKind::kEq; break;
        case '<': kind = TokenKind::kLt; break;
        case '>': kind = TokenKind::kGt; break;
        case '+': kind = TokenKind::kPlus; break;
        case '-': kind = TokenKind::kMinus; break;
        default: break;
      }
      size_t end = i + 1;
      // Keep a multi-byte UTF-8 character whole, so messages quoting the
      // token stay valid UTF-8.
      if (static_cast<unsigned char>(c) >= 0xc0) {
        while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) ++end;
      }
      emit(kind, i, end);
    }
  }
  tokens.push_back({TokenKind::kEnd, text.substr(text.size()), text.size()});
  return tokens;
}

}  // namespace kumo::tables
