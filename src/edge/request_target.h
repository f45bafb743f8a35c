#pragma once
// Splitting a request-target the way the server does, for code that builds a
// Request itself (the CLI's signer, service test fixtures).

#include "edge/http_types.h"

namespace kumo::edge {

// Fills raw_path, path (percent-decoded), raw_query and query (decoded, '+'
// as a space, as in a form) from `request.target` ("/a%20b?x=1").
void SplitTarget(Request& request);

}  // namespace kumo::edge
