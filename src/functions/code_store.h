// CodeStore: function and layer code, unpacked once, addressed by content.
//
// A zip whose SHA-256 is H lives as {root}/H.zip, unpacked in {root}/H/.
// Both are written under temporary names, synced and renamed into place, so
// a directory that exists is complete. The same bytes uploaded twice (or by
// two functions, or as a layer) are stored once.
//
// Thread-safety: every method is safe to call concurrently; two Puts of the
// same content race harmlessly (one rename wins, the other is discarded).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kumo::functions {

struct StoredCode {
  std::string sha256_hex;     // names the directory and the zip
  std::string sha256_base64;  // what the API reports as CodeSha256
  int64_t size = 0;           // zip bytes: the API's CodeSize
};

class CodeStore {
 public:
  // Uses `root`, created if missing. With `temporary`, `root` is ignored: a
  // fresh directory under $TMPDIR (or /tmp) is used and removed on
  // destruction.
  static Result<std::unique_ptr<CodeStore>> Open(const std::string& root, bool temporary);
  ~CodeStore();
  CodeStore(const CodeStore&) = delete;
  CodeStore& operator=(const CodeStore&) = delete;

  // Validates and unpacks `zip` (see zip_extract.h) unless the same content
  // is already stored. Errors are the API's (400 InvalidParameterValueException).
  Result<StoredCode> Put(std::string_view zip) const;

  bool Has(std::string_view sha256_hex) const;
  std::string DirFor(std::string_view sha256_hex) const;
  std::string ZipPathFor(std::string_view sha256_hex) const;
  // The stored zip, or nullopt when absent.
  std::optional<std::string> ReadZip(std::string_view sha256_hex) const;

  // Removes stored content whose digest is not in `keep`, and temporaries
  // left by an interrupted Put. Only call when no Put is running.
  Status RemoveAllExcept(const std::set<std::string>& keep) const;

  const std::string& root() const { return root_; }

 private:
  CodeStore(std::string root, bool temporary) : root_(std::move(root)), temporary_(temporary) {}
  std::string root_;
  bool temporary_;
};

}  // namespace kumo::functions
