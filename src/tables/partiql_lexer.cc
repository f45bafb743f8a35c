#include "tables/partiql_lexer.h"

#include <array>
#include <cctype>

#include "tables/partiql_parser.h"

namespace kumo::tables {
namespace {

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// The end of the number starting at `i`: digits [. digits] [e [+-] digits].
size_t NumberEnd(std::string_view in, size_t i) {
  while (i < in.size() && IsDigit(in[i])) ++i;
  if (i < in.size() && in[i] == '.') {
    ++i;
    while (i < in.size() && IsDigit(in[i])) ++i;
  }
  if (i < in.size() && (in[i] == 'e' || in[i] == 'E')) {
    size_t j = i + 1;
    if (j < in.size() && (in[j] == '+' || in[j] == '-')) ++j;
    if (j < in.size() && IsDigit(in[j])) {
      while (j < in.size() && IsDigit(in[j])) ++j;
      i = j;
    }
  }
  return i;
}

}  // namespace

Result<std::vector<PartiqlToken>> LexPartiql(std::string_view in) {
  static constexpr std::array<std::string_view, 6> kTwoChar = {"<>", "!=", "<=", ">=", "<<", ">>"};
  static constexpr std::string_view kOneChar = "()[]{},.:*=<>+-;";
  std::vector<PartiqlToken> out;
  size_t i = 0;
  while (true) {
    while (i < in.size()) {
      if (std::isspace(static_cast<unsigned char>(in[i]))) {
        ++i;
      } else if (in.substr(i, 2) == "--") {
        size_t end = in.find('\n', i);
        i = end == std::string_view::npos ? in.size() : end + 1;
      } else if (in.substr(i, 2) == "/*") {
        size_t end = in.find("*/", i + 2);
        if (end == std::string_view::npos) return MalformedStatement("");
        i = end + 2;
      } else {
        break;
      }
    }
    if (i >= in.size()) break;
    const char c = in[i];
    if (IsNameStart(c)) {
      size_t j = i + 1;
      while (j < in.size() && IsNameChar(in[j])) ++j;
      out.push_back({Tok::kIdent, std::string(in.substr(i, j - i))});
      i = j;
    } else if (c == '"' || c == '\'') {
      std::string text;
      size_t j = i + 1;
      while (true) {
        if (j >= in.size())
          return MalformedStatement(c == '"' ? "Invalid quoted identifier"
                                             : "Invalid string literal");
        if (in[j] == c) {
          if (j + 1 < in.size() && in[j + 1] == c) {
            text += c;
            j += 2;
            continue;
          }
          break;
        }
        text += in[j++];
      }
      out.push_back({c == '"' ? Tok::kQuoted : Tok::kString, std::move(text)});
      i = j + 1;
    } else if (IsDigit(c) || (c == '.' && i + 1 < in.size() && IsDigit(in[i + 1]))) {
      size_t j = NumberEnd(in, i);
      out.push_back({Tok::kNumber, std::string(in.substr(i, j - i))});
      i = j;
    } else if (c == '?') {
      out.push_back({Tok::kParam, "?"});
      ++i;
    } else {
      std::string_view two = in.substr(i, 2);
      bool matched = false;
      for (std::string_view op : kTwoChar) {
        if (two == op) {
          out.push_back({Tok::kPunct, std::string(op)});
          i += 2;
          matched = true;
          break;
        }
      }
      if (matched) continue;
      if (kOneChar.find(c) == std::string_view::npos)
        return MalformedStatement("Unexpected character");
      out.push_back({Tok::kPunct, std::string(1, c)});
      ++i;
    }
  }
  out.push_back({Tok::kEnd, ""});
  return out;
}

}  // namespace kumo::tables
