// Safe extraction of a function or layer zip (libzip) into a directory.
//
// The archive is untrusted: entries whose names climb out of the directory
// ("../x", "/etc/x"), symbolic links that resolve outside it (directly or
// through other links), and content past the unzipped-size limit are
// rejected, and nothing is ever written through a symbolic link. Unix
// permission bits from the entries' external attributes keep their execute
// bit (files become 0755 or 0644, directories 0755); zips without Unix
// attributes get 0644 files, except a top-level `bootstrap`, which is made
// executable.
//
// Thread-safety: free function; concurrent calls must use distinct `dir`s.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kumo::functions {

// Lambda's limit on unpacked code (function or layer).
inline constexpr int64_t kMaxUnzippedBytes = 262144000;

struct ExtractStats {
  int64_t unzipped_bytes = 0;
  int64_t entries = 0;
};

// Extracts `zip` into `dir`, an existing empty directory, and syncs it to
// disk. On failure `dir` may hold part of the content; the caller removes it.
// Errors are 400 InvalidParameterValueException with AWS's messages ("Could
// not unzip uploaded file. ...", "Unzipped size must be smaller than ...").
Result<ExtractStats> ExtractZip(std::string_view zip, const std::string& dir,
                                int64_t max_unzipped_bytes = kMaxUnzippedBytes);

}  // namespace kumo::functions
