// Cgroups for sandboxes: finds where the memory and pids controllers live
// (cgroup v1 hierarchies or the v2 unified one, per controller), creates one
// cgroup per environment under Kumo's own cgroup with its limits, reads its
// peak and OOM count, and removes it.
//
// Layout: for each controller home H (Kumo's own cgroup directory in the
// hierarchy that carries the controller), an environment gets
// H/kumo-<kumo pid>-<sequence>. On v2 one directory carries both controllers.
// Directories whose <kumo pid> is dead are removed by DiscoverCgroups().
//
// Thread-safety: the parsers are pure; DiscoverCgroups writes to cgroupfs and
// is called once (ProbeSandbox); a SandboxCgroups is used by one owner, its
// const readers from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "runtime/sandbox.h"

namespace kumo::runtime::internal {

// One cgroup file system from /proc/self/mountinfo.
struct CgroupMount {
  std::string root;                      // the hierarchy path mounted there (field 4)
  std::string mount_point;               // field 5
  bool unified = false;                  // cgroup2
  std::vector<std::string> controllers;  // v1 only: from the super options
};
std::vector<CgroupMount> ParseCgroupMounts(std::string_view mountinfo);

// One line of /proc/self/cgroup: "id:controllers:path". v2 has no controllers.
struct CgroupMembership {
  std::vector<std::string> controllers;
  std::string path;
};
std::vector<CgroupMembership> ParseProcCgroup(std::string_view proc_cgroup);

// Where Kumo's own cgroup for `controller` is, or version kNone. For v2 the
// caller still checks that the directory's cgroup.controllers lists it.
struct ControllerHome {
  CgroupVersion version = CgroupVersion::kNone;
  std::string dir;
};
ControllerHome LocateController(const std::vector<CgroupMount>& mounts,
                                const std::vector<CgroupMembership>& membership,
                                std::string_view controller);

struct CgroupSetup {
  ControllerHome memory;
  ControllerHome pids;
  bool swap_limit = false;
  bool memory_peak = false;
  std::string error;  // why a controller is unavailable ("" when both work)
};

// Reads /proc/self/{mountinfo,cgroup}, enables the v2 controllers for
// Kumo's children when needed (moving Kumo into a leaf "kumo-server" cgroup
// if its own cgroup has processes, as v2 requires), removes cgroups of dead
// Kumo processes, and proves each home works by creating, limiting and
// removing a probe cgroup. A controller that fails is reported in `error`
// and left at kNone.
CgroupSetup DiscoverCgroups();

// The cgroups of one environment.
class SandboxCgroups {
 public:
  // Creates the directories and writes the limits (memory_bytes 0: none,
  // pids_max 0: none). Errors name the file and errno.
  static Result<std::unique_ptr<SandboxCgroups>> Create(const CgroupSetup& setup,
                                                        int64_t memory_bytes, int pids_max);
  ~SandboxCgroups();  // Remove(), errors ignored

  // The files the launched child writes "0" into to join: `tasks` on v1,
  // `cgroup.procs` on v2.
  const std::vector<std::string>& procs_files() const { return procs_files_; }
  int64_t PeakMemoryBytes() const;  // -1 if the cgroup has no peak
  bool OomKilled() const;
  // SIGKILLs every process still in the cgroups (plain mode has no pid
  // namespace to tear the tree down).
  void KillAll() const;
  // Removes the directories; kills stragglers and retries for a bounded time
  // while the kernel still counts exiting processes. Idempotent.
  Status Remove();

 private:
  struct Dir {
    std::string path;
    CgroupVersion version;
    bool memory;
    bool pids;
  };
  std::vector<Dir> dirs_;
  std::vector<std::string> procs_files_;
  int peak_fd_ = -1;  // the memory peak file, open until Remove()
  bool removed_ = false;
};

}  // namespace kumo::runtime::internal
