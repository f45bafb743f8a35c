// Internal wiring between the probe (sandbox_probe.cc) and the launcher
// (sandbox.cc): the host facts read once, the cached probe, and a launch
// that takes its mode and cgroups explicitly.
// Thread-safety: every function here is safe to call from any thread.
#pragma once

#include <memory>

#include "common/status.h"
#include "runtime/sandbox.h"
#include "runtime/sandbox_cgroup.h"
#include "runtime/sandbox_plan.h"

namespace kumo::runtime::internal {

struct ProbeResult {
  SandboxCapabilities caps;
  CgroupSetup cgroups;
};
ProbeResult RunProbe();
const ProbeResult& CachedProbe();  // RunProbe() once per process

// The staging directory, system directory layout, init program descriptor
// and lifeline, prepared once per process.
Result<const HostLayout*> GetHostLayout();

// Removes the (empty) staging directories of Kumo processes that died
// without running their exit handlers.
void RemoveStaleStagingDirs();

class SandboxLauncher {
 public:
  // Launches without validating argv (empty argv: init exits at once, the
  // probe) and with the given cgroup homes (an empty CgroupSetup: none).
  static Result<std::unique_ptr<SandboxProcess>> Launch(const SandboxSpec& spec, SandboxMode mode,
                                                        const CgroupSetup& cgroups);
};

}  // namespace kumo::runtime::internal
