// Embeds the kumo-sandbox-init program (sandbox_init_main.cc, linked
// statically) in Kumo, so Kumo stays one binary and the sandbox needs no
// file of Kumo's on disk. CMake passes the program's path as
// KUMO_SANDBOX_INIT_PATH and rebuilds this object when the program changes
// (ccache does not cache sources with .incbin).
#include "runtime/sandbox_init_blob.h"

#ifndef KUMO_SANDBOX_INIT_PATH
#error "KUMO_SANDBOX_INIT_PATH must name the built kumo_sandbox_init program"
#endif

__asm__(
    ".section .rodata.kumo_sandbox_init,\"a\"\n"
    ".balign 16\n"
    ".globl kumo_sandbox_init_begin\n"
    "kumo_sandbox_init_begin:\n"
    ".incbin \"" KUMO_SANDBOX_INIT_PATH
    "\"\n"
    ".globl kumo_sandbox_init_end\n"
    "kumo_sandbox_init_end:\n"
    ".previous\n");

extern "C" const char kumo_sandbox_init_begin[];
extern "C" const char kumo_sandbox_init_end[];

namespace kumo::runtime::internal {

std::string_view SandboxInitProgram() {
  return std::string_view(kumo_sandbox_init_begin,
                          static_cast<size_t>(kumo_sandbox_init_end - kumo_sandbox_init_begin));
}

}  // namespace kumo::runtime::internal
