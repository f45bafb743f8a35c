// Small file and error helpers shared by the sandbox's files.
// Thread-safety: stateless.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kumo::runtime::internal {

// "<what>: <syscall>(<path>): <strerror> (errno N)" as an Internal error:
// the one shape every failed sandbox step takes.
Error StepError(const std::string& what, const std::string& syscall, const std::string& path,
                int err);

// Reads a whole (small, e.g. /proc or cgroupfs) file; nullopt with errno set
// on failure.
std::optional<std::string> ReadSmallFile(const std::string& path);

// open(O_WRONLY) + one write() + close, as cgroupfs expects. Returns 0 or
// errno.
int WriteSmallFile(const std::string& path, const std::string& data);

bool FileExists(const std::string& path);

// rmdir()s every entry of `parent` named <prefix><pid>-<anything> whose pid
// is not a live process (nor this one): what a Kumo killed before its
// cleanup left behind. Busy or non-empty directories stay.
void RemoveDirsOfDeadProcesses(const std::string& parent, std::string_view prefix);

}  // namespace kumo::runtime::internal
