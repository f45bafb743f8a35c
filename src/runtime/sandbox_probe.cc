// ProbeSandbox: finds which isolation features the kernel allows by trying
// each one, so the server can say at start-up which mode it runs in.
#include <sys/syscall.h>
#include <unistd.h>

#include <charconv>
#include <chrono>

#include "runtime/sandbox.h"
#include "runtime/sandbox_launcher.h"
#include "runtime/sandbox_util.h"

namespace kumo::runtime {
namespace internal {
namespace {

constexpr int kCapSysAdmin = 21;

bool HasCapSysAdmin() {
  const std::optional<std::string> status = ReadSmallFile("/proc/self/status");
  if (!status) return false;
  const size_t at = status->find("CapEff:\t");
  if (at == std::string::npos) return false;
  uint64_t caps = 0;
  const char* begin = status->data() + at + 8;
  std::from_chars(begin, status->data() + status->size(), caps, 16);
  return (caps >> kCapSysAdmin) & 1;
}

// Launches an isolated environment without cgroups whose init exits at once.
std::string TryIsolation() {
  SandboxSpec spec;  // empty argv: init reports "started" and exits 0
  spec.start_timeout = std::chrono::seconds(10);
  Result<std::unique_ptr<SandboxProcess>> process =
      SandboxLauncher::Launch(spec, SandboxMode::kIsolated, CgroupSetup{});
  if (!process.ok()) return process.error().message;
  const std::optional<SandboxExit> exit = (*process)->Wait(std::chrono::seconds(10));
  if (!exit) return "sandbox: the probe environment did not exit within 10 s";
  if (exit->signal != 0 || exit->exit_code != 0) {
    return "sandbox: the probe environment ended with " + exit->ToString();
  }
  return "";
}

const char* VersionName(CgroupVersion v) {
  switch (v) {
    case CgroupVersion::kV1:
      return "v1";
    case CgroupVersion::kV2:
      return "v2";
    case CgroupVersion::kNone:
      break;
  }
  return "none";
}

}  // namespace

ProbeResult RunProbe() {
  ProbeResult r;
  SandboxCapabilities& caps = r.caps;
  caps.root = geteuid() == 0 && HasCapSysAdmin();
  r.cgroups = DiscoverCgroups();  // also removes dead Kumos' cgroups
  RemoveStaleStagingDirs();
  caps.memory_cgroup = r.cgroups.memory.version;
  caps.pids_cgroup = r.cgroups.pids.version;
  caps.swap_limit = r.cgroups.swap_limit;
  caps.memory_peak = r.cgroups.memory_peak;
  caps.cgroup_error = r.cgroups.error;
  const std::optional<std::string> filesystems = ReadSmallFile("/proc/filesystems");
  caps.overlayfs = filesystems && filesystems->find("\toverlay\n") != std::string::npos;
  const long self = syscall(SYS_pidfd_open, getpid(), 0);
  caps.pidfd = self >= 0;
  if (self >= 0) close(static_cast<int>(self));
  caps.isolation_error = TryIsolation();
  caps.isolation = caps.isolation_error.empty();
  return r;
}

const ProbeResult& CachedProbe() {
  static const ProbeResult probe = RunProbe();
  return probe;
}

}  // namespace internal

SandboxCapabilities ProbeSandbox() { return internal::RunProbe().caps; }

const SandboxCapabilities& CachedSandboxCapabilities() { return internal::CachedProbe().caps; }

std::string SandboxCapabilities::Describe() const {
  std::string out = "sandbox: ";
  if (isolation) {
    out += "isolated (mount, pid, ipc, uts namespaces; pivot_root; ";
    out += root ? "unprivileged uid, no capabilities)" : "no uid change: Kumo is not root)";
  } else {
    out += "plain process, NOT isolated (" + isolation_error + ")";
  }
  out += "; memory cgroup " + std::string(internal::VersionName(memory_cgroup));
  if (memory_cgroup != CgroupVersion::kNone) {
    out += swap_limit ? " (hard limit, no swap" : " (hard limit, swap not limited";
    out += memory_peak ? ", peak)" : ", no peak: max RSS instead)";
  } else {
    out += " (NO memory limit)";
  }
  out += "; pids cgroup " + std::string(internal::VersionName(pids_cgroup));
  if (pids_cgroup == CgroupVersion::kNone) out += " (RLIMIT_NPROC per uid instead)";
  if (!cgroup_error.empty()) out += " [" + cgroup_error + "]";
  out += overlayfs ? "; overlayfs" : "; no overlayfs (one layer at most)";
  out += pidfd ? "; pidfd" : "; no pidfd (waits poll)";
  return out;
}

}  // namespace kumo::runtime
