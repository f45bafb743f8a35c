// Builds zip archives in memory for tests (libzip), including the hostile
// ones real uploads must be defended against: "../" names, absolute names,
// symbolic links, archives without Unix attributes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kumo::functions::testing {

struct ZipEntry {
  std::string name;     // stored as is, even "../x" or "/abs"
  std::string content;  // a link's target for symlinks
  // st_mode as Unix zip tools store it (type and permission bits), e.g.
  // 0100755 for an executable, 0120777 for a symlink, 040755 for a directory.
  uint32_t mode = 0100644;
  bool unix_attributes = true;  // false: as from a zip tool without Unix modes
};

std::string MakeZip(const std::vector<ZipEntry>& entries);

// A zip with one file, `name`, holding `content`.
std::string OneFileZip(const std::string& name = "index.py",
                       const std::string& content = "def handler(e, c):\n  return e\n");

}  // namespace kumo::functions::testing
