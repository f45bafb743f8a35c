// The tokens of PartiQL for DynamoDB (partiql_parser.h): bare and
// "double-quoted" names, 'string' literals (quotes doubled inside), numbers
// (digits [. digits] [e [+-] digits]), the parameter ?, punctuation
// (including <> != <= >= << >>), with -- and /* */ comments skipped.
// Errors are "Statement wasn't well formed, can't be processed: ...".
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kumo::tables {

enum class Tok { kIdent, kQuoted, kString, kNumber, kParam, kPunct, kEnd };

// Named apart from expression_lexer.h's Token: two classes of one name in one
// namespace break the One Definition Rule (ASan caught the wrong destructor).
struct PartiqlToken {
  Tok kind = Tok::kEnd;
  std::string text;  // names and strings unescaped; numbers and punctuation as written
};

// The tokens of `text`, ending with one kEnd.
Result<std::vector<PartiqlToken>> LexPartiql(std::string_view text);

}  // namespace kumo::tables
