#include "runtime/sandbox_plan.h"

#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "runtime/sandbox_init_protocol.h"
#include "runtime/sandbox_util.h"

namespace kumo::runtime::internal {
namespace {

const char* SyscallName(Op op) {
  switch (op) {
    case Op::kJoinCgroup:
      return "write";
    case Op::kMount:
      return "mount";
    case Op::kReadOnly:
      return "mount_setattr";
    case Op::kMkdir:
      return "mkdir";
    case Op::kCreateFile:
      return "open";
    case Op::kSymlink:
      return "symlink";
    case Op::kSetHostname:
      return "sethostname";
    case Op::kChdir:
      return "chdir";
    case Op::kPivotRoot:
      return "pivot_root";
    case Op::kDetachOldRoot:
      return "umount2";
    case Op::kSetRlimit:
      return "setrlimit";
    case Op::kRedirectStdio:
      return "dup2";
    case Op::kDropBoundingSet:
      return "prctl(PR_CAPBSET_DROP)";
    case Op::kSetGroups:
      return "setgroups";
    case Op::kSetGid:
      return "setresgid";
    case Op::kSetUid:
      return "setresuid";
    case Op::kClearCapabilities:
      return "capset";
    case Op::kNoNewPrivs:
      return "prctl(PR_SET_NO_NEW_PRIVS)";
    case Op::kParentDeathSignal:
      return "prctl(PR_SET_PDEATHSIG)";
    case Op::kExecInit:
      return "execveat";
  }
  return "?";
}

struct HostPath {
  std::string path;  // canonical: absolute, no symlinks
  bool is_dir = false;
};

// Resolves a host path for a bind; InvalidArgument when missing or of the wrong kind.
Result<HostPath> Canonical(const std::string& field, const std::string& path, bool want_dir) {
  char* resolved = realpath(path.c_str(), nullptr);
  if (resolved == nullptr) {
    return InvalidArgument("sandbox: " + field + " " + path + ": " + strerrordesc_np(errno));
  }
  std::string out(resolved);
  free(resolved);
  struct stat st {};
  if (stat(out.c_str(), &st) != 0) {
    return InvalidArgument("sandbox: " + field + " " + path + ": " + strerrordesc_np(errno));
  }
  if (want_dir && !S_ISDIR(st.st_mode)) {
    return InvalidArgument("sandbox: " + field + " " + path + " is not a directory");
  }
  return HostPath{std::move(out), S_ISDIR(st.st_mode)};
}

// Adds the steps of the isolated mode's file system, everything under `root`
// (the staging directory) before pivot_root.
class RootBuilder {
 public:
  RootBuilder(LaunchPlan& plan, const std::string& root) : plan_(plan), root_(root) {}

  // mkdir of every missing component of `inside` (an absolute path in the new root).
  void MakeDirs(const std::string& inside) {
    if (inside.empty()) return;  // the root itself
    for (size_t slash = 1; slash != std::string::npos;) {
      slash = inside.find('/', slash + 1);
      const std::string prefix = inside.substr(0, slash);
      if (!made_.insert(prefix).second) continue;
      plan_.Add(Op::kMkdir, "create a mount point").path = plan_.Keep(root_ + prefix);
    }
  }

  // Shows host `source` read-only at `inside`, submounts included.
  void BindReadOnly(const char* what, const std::string& source, const std::string& inside,
                    bool is_dir) {
    if (is_dir) {
      MakeDirs(inside);
    } else {
      MakeDirs(inside.substr(0, inside.rfind('/')));
      plan_.Add(Op::kCreateFile, "create a file mount point").path = plan_.Keep(root_ + inside);
    }
    const char* target = plan_.Keep(root_ + inside);
    Step& bind = plan_.Add(Op::kMount, what);
    bind.source = plan_.Keep(source);
    bind.path = target;
    bind.flags = MS_BIND | MS_REC;
    ReadOnly(target, kAttrReadOnly | kAttrNoSuid | kAttrNoDev, true);
  }

  void ReadOnly(const char* target, unsigned long attrs, bool recursive) {
    Step& ro = plan_.Add(Op::kReadOnly, "make a mount read-only");
    ro.path = target;
    ro.flags = attrs;
    ro.value = recursive ? kAtRecursive : 0;
  }

  void Mount(const char* what, const char* fstype, const std::string& inside, unsigned long flags,
             const std::string& data) {
    MakeDirs(inside);
    Step& m = plan_.Add(Op::kMount, what);
    m.source = fstype;
    m.fstype = fstype;
    m.path = plan_.Keep(root_ + inside);
    m.flags = flags;
    m.data = data.empty() ? nullptr : plan_.Keep(data);
  }

  void Symlink(const std::string& target, const std::string& inside) {
    Step& s = plan_.Add(Op::kSymlink, "create a symlink");
    s.source = plan_.Keep(target);
    s.path = plan_.Keep(root_ + inside);
  }

 private:
  LaunchPlan& plan_;
  const std::string root_;
  std::set<std::string> made_;
};

Status AddIsolatedRoot(const SandboxSpec& spec, const HostLayout& host, LaunchPlan& plan) {
  const std::string& root = host.staging_dir;
  Step& priv = plan.Add(Op::kMount, "make the mount tree private");
  priv.path = "/";
  priv.flags = MS_REC | MS_PRIVATE;
  Step& tmpfs = plan.Add(Op::kMount, "mount the new root tmpfs");
  tmpfs.source = tmpfs.fstype = "tmpfs";
  tmpfs.path = plan.Keep(root);
  tmpfs.flags = MS_NOSUID | MS_NODEV;
  tmpfs.data = "mode=0755,size=1m,nr_inodes=4096";

  RootBuilder b(plan, root);
  for (const HostLayout::SystemEntry& e : host.system) {
    if (e.is_symlink) {
      b.Symlink(e.link_target, e.path);
    } else {
      b.BindReadOnly("bind a system directory", e.path, e.path, true);
    }
  }
  b.Mount("mount /proc for the new pid namespace", "proc", "/proc",
          MS_NOSUID | MS_NODEV | MS_NOEXEC, "");
  // /dev: a tmpfs with bind mounts of the harmless device nodes. The tmpfs
  // is not nodev, or the nodes on top would not open; it is read-only.
  b.Mount("mount the /dev tmpfs", "tmpfs", "/dev", MS_NOSUID | MS_NOEXEC,
          "mode=0755,size=64k,nr_inodes=64");
  for (const char* dev : {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"}) {
    plan.Add(Op::kCreateFile, "create a device mount point").path = plan.Keep(root + dev);
    Step& bind = plan.Add(Op::kMount, "bind a device node");
    bind.source = dev;
    bind.path = plan.Keep(root + dev);
    bind.flags = MS_BIND;
  }
  b.Symlink("/proc/self/fd", "/dev/fd");
  b.Symlink("/proc/self/fd/0", "/dev/stdin");
  b.Symlink("/proc/self/fd/1", "/dev/stdout");
  b.Symlink("/proc/self/fd/2", "/dev/stderr");
  b.ReadOnly(plan.Keep(root + "/dev"), kAttrReadOnly | kAttrNoSuid | kAttrNoExec, false);

  if (spec.code_dir.empty()) {
    b.MakeDirs("/var/task");
  } else {
    KUMO_ASSIGN_OR_RETURN(const HostPath code, Canonical("code_dir", spec.code_dir, true));
    b.BindReadOnly("bind the code directory at /var/task", code.path, "/var/task", true);
  }

  std::vector<std::string> layers;
  for (const std::string& l : spec.layer_dirs) {
    KUMO_ASSIGN_OR_RETURN(HostPath host_layer, Canonical("layer_dirs", l, true));
    std::string& layer = host_layer.path;
    if (layer.find_first_of(":,\\") != std::string::npos) {
      return InvalidArgument("sandbox: layer directory " + layer +
                             " contains ':', ',' or '\\', which overlayfs cannot take");
    }
    layers.push_back(std::move(layer));
  }
  if (layers.size() == 1) {
    b.BindReadOnly("bind the layer at /opt", layers[0], "/opt", true);
  } else if (layers.size() > 1) {
    // overlayfs lists the top layer first; Lambda's later layers win.
    std::string lower = "lowerdir=";
    for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
      lower += *it + (std::next(it) == layers.rend() ? "" : ":");
    }
    b.Mount("merge the layers at /opt with overlayfs", "overlay", "/opt",
            MS_RDONLY | MS_NOSUID | MS_NODEV, lower);
  } else {
    b.MakeDirs("/opt");
  }

  b.Mount("mount the private /tmp tmpfs", "tmpfs", "/tmp", MS_NOSUID | MS_NODEV,
          "mode=1777,size=" + std::to_string(spec.tmp_size_mb) + "m");

  // Sorted, so a directory is mounted before anything beneath it.
  std::vector<std::pair<std::string, bool>> extras;
  for (const std::string& p : spec.extra_ro_binds) {
    KUMO_ASSIGN_OR_RETURN(HostPath path, Canonical("extra_ro_binds", p, false));
    extras.emplace_back(std::move(path.path), path.is_dir);
  }
  std::sort(extras.begin(), extras.end());
  extras.erase(std::unique(extras.begin(), extras.end()), extras.end());
  for (const auto& [path, is_dir] : extras) {
    if (path == "/") return InvalidArgument("sandbox: extra_ro_binds cannot contain /");
    b.BindReadOnly("bind an extra read-only path", path, path, is_dir);
  }
  for (const auto& [source, target] : spec.extra_ro_mounts) {
    KUMO_ASSIGN_OR_RETURN(HostPath path, Canonical("extra_ro_mounts", source, false));
    if (target.empty() || target[0] != '/' || target == "/") {
      return InvalidArgument("sandbox: extra_ro_mounts needs an absolute target other than /");
    }
    b.BindReadOnly("bind an extra read-only path elsewhere", path.path, target, path.is_dir);
  }

  if (!spec.hostname.empty()) {
    plan.Add(Op::kSetHostname, "set the hostname").path = plan.Keep(spec.hostname);
  }
  plan.Add(Op::kChdir, "enter the new root").path = plan.Keep(root);
  plan.Add(Op::kPivotRoot, "pivot_root into the new root").path = ".";
  plan.Add(Op::kDetachOldRoot, "detach the old root").path = ".";
  plan.Add(Op::kChdir, "enter /").path = "/";
  b.ReadOnly("/", kAttrReadOnly | kAttrNoSuid | kAttrNoDev, false);
  plan.Add(Op::kChdir, "enter /var/task").path = "/var/task";
  return Status::Ok();
}

}  // namespace

const char* LaunchPlan::Keep(std::string s) {
  strings.push_back(std::move(s));
  return strings.back().c_str();
}

Step& LaunchPlan::Add(Op op, const char* what) {
  steps.push_back(Step{op, what});
  return steps.back();
}

Error LaunchPlan::Failure() const {
  const Step& s = steps[static_cast<size_t>(failed_step)];
  std::string path = s.path != nullptr ? s.path : "";
  if (s.source != nullptr) path = std::string(s.source) + ", " + path;
  if (s.op == Op::kSetGid || s.op == Op::kSetUid) path = std::to_string(s.value);
  return StepError(std::string(s.what) + " (step " + std::to_string(failed_step + 1) + ")",
                   SyscallName(s.op), path, failed_errno);
}

Result<std::unique_ptr<LaunchPlan>> BuildPlan(const SandboxSpec& spec, SandboxMode mode,
                                              const std::vector<std::string>& cgroup_procs_files,
                                              bool pids_cgroup, const HostLayout& host,
                                              int report_fd) {
  auto plan = std::make_unique<LaunchPlan>();
  plan->mode = mode;
  plan->init_fd = host.init_fd;
  plan->report_fd = report_fd;
  plan->stdout_fd = spec.stdout_fd;
  plan->stderr_fd = spec.stderr_fd;
  plan->lifeline_read_fd = host.lifeline_read_fd;
  plan->lifeline_write_fd = host.lifeline_write_fd;

  // First, so every later allocation of the child counts against its limits.
  for (const std::string& procs : cgroup_procs_files) {
    plan->Add(Op::kJoinCgroup, "join the environment's cgroup").path = plan->Keep(procs);
  }
  if (mode == SandboxMode::kIsolated) {
    plan->clone_flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
    KUMO_RETURN_IF_ERROR(AddIsolatedRoot(spec, host, *plan));
  } else {
    std::string dir = "/";
    if (!spec.code_dir.empty()) {
      KUMO_ASSIGN_OR_RETURN(HostPath code, Canonical("code_dir", spec.code_dir, true));
      dir = std::move(code.path);
    }
    plan->Add(Op::kChdir, "enter the code directory").path = plan->Keep(dir);
  }

  auto rlimit = [&](int resource, uint64_t value) {
    Step& s = plan->Add(Op::kSetRlimit, "set an rlimit");
    s.value = resource;
    s.flags = value;
  };
  rlimit(RLIMIT_CORE, 0);
  rlimit(RLIMIT_NOFILE,
         std::min<uint64_t>(static_cast<uint64_t>(std::max(spec.nofile, 1)), host.nofile_hard));
  // Without a pids cgroup, RLIMIT_NPROC is the fallback: it counts every
  // process of the uid, across environments, and binds only non-root.
  if (!pids_cgroup && spec.pids_max > 0) rlimit(RLIMIT_NPROC, static_cast<uint64_t>(spec.pids_max));
  plan->Add(Op::kRedirectStdio, "set up stdin, stdout, stderr and the report pipe").path =
      "/dev/null";

  if (host.root) {
    plan->Add(Op::kDropBoundingSet, "drop the capability bounding set").value = host.cap_last_cap;
    plan->Add(Op::kSetGroups, "drop supplementary groups");
    plan->Add(Op::kSetGid, "switch to the unprivileged gid").value = spec.gid;
    plan->Add(Op::kSetUid, "switch to the unprivileged uid").value = spec.uid;
    plan->Add(Op::kClearCapabilities, "clear all capabilities");
  }
  plan->Add(Op::kNoNewPrivs, "set no_new_privs");
  plan->Add(Op::kParentDeathSignal, "die with Kumo");
  plan->Add(Op::kExecInit, "execute kumo-sandbox-init").path = "kumo-sandbox-init";

  plan->argv.push_back(const_cast<char*>(plan->Keep("kumo-sandbox-init")));
  plan->argv.push_back(const_cast<char*>(
      plan->Keep(mode == SandboxMode::kIsolated ? kInitModeIsolated : kInitModePlain)));
  for (const std::string& a : spec.argv) plan->argv.push_back(const_cast<char*>(plan->Keep(a)));
  plan->argv.push_back(nullptr);
  for (const std::string& e : spec.env) plan->envp.push_back(const_cast<char*>(plan->Keep(e)));
  plan->envp.push_back(nullptr);
  return plan;
}

}  // namespace kumo::runtime::internal
