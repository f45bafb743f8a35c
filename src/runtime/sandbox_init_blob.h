// The bytes of the kumo-sandbox-init program embedded in Kumo.
// Thread-safety: immutable data.
#pragma once

#include <string_view>

namespace kumo::runtime::internal {

// The static ELF executable built from sandbox_init_main.cc.
std::string_view SandboxInitProgram();

}  // namespace kumo::runtime::internal
