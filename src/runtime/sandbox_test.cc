// Sandbox tests: each launches real environments and checks, from inside,
// one isolation property that docs/sandbox.md promises. A test skips only
// when ProbeSandbox() says the kernel forbids the feature it needs.
#include "runtime/sandbox.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace kumo::runtime {
namespace {

// Counts the entries under `root` (to `max_depth`) that `match`, tolerating
// entries that vanish mid-walk: tests running in parallel create and remove
// directories in /tmp and the cgroup trees. A walk cut short by such a race
// is started again (bounded), so the count is of one complete walk.
template <typename Match>
int CountTolerantly(const std::filesystem::path& root, int max_depth, Match match) {
  namespace fs = std::filesystem;
  int n = 0;
  for (int attempt = 0; attempt < 20; ++attempt) {
    n = 0;
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (match(*it)) ++n;
      if (it.depth() >= max_depth) it.disable_recursion_pending();
    }
    if (!ec) return n;
  }
  return n;
}

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

const SandboxCapabilities& Caps() { return CachedSandboxCapabilities(); }

#define REQUIRE_ISOLATION()                                                   \
  do {                                                                        \
    if (!Caps().isolation) {                                                  \
      GTEST_SKIP() << "kernel forbids isolation: " << Caps().isolation_error; \
    }                                                                         \
  } while (0)
#define REQUIRE_MEMORY_CGROUP()                                    \
  do {                                                             \
    if (Caps().memory_cgroup == CgroupVersion::kNone) {            \
      GTEST_SKIP() << "no memory cgroup: " << Caps().cgroup_error; \
    }                                                              \
  } while (0)

// A host directory removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "kumo-sandbox-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
    fs::permissions(path_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec);
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& content) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p) << content;
    return p;
  }

 private:
  std::string path_;
};

struct Outcome {
  SandboxExit exit;
  std::string output;  // stdout and stderr together
  bool oom = false;
  int64_t peak = -1;
};

// Reads `fd` to EOF within a bound (EOF comes when the tree is gone).
std::string ReadAll(int fd, seconds bound) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + bound;
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

SandboxSpec Shell(const std::string& script) {
  SandboxSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  spec.env = {"PATH=/usr/bin:/bin"};
  return spec;
}

// Launches `spec` with stdout and stderr on one pipe and waits for the end.
Outcome RunToEnd(SandboxSpec spec) {
  int pipe_fds[2];
  EXPECT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
  spec.stdout_fd = spec.stderr_fd = pipe_fds[1];
  Result<std::unique_ptr<SandboxProcess>> process = LaunchSandbox(spec);
  close(pipe_fds[1]);
  Outcome out;
  if (!process.ok()) {
    close(pipe_fds[0]);
    ADD_FAILURE() << process.error().message;
    return out;
  }
  out.output = ReadAll(pipe_fds[0], seconds(60));
  close(pipe_fds[0]);
  std::optional<SandboxExit> exit = (*process)->Wait(seconds(60));
  EXPECT_TRUE(exit.has_value()) << "the environment did not exit";
  if (exit) out.exit = *exit;
  out.oom = (*process)->OomKilled();
  out.peak = (*process)->PeakMemoryBytes();
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The pyenv (or any) python3 on PATH: its prefix must be bound in.
struct Python {
  std::string executable;
  std::string prefix;
};
Python FindPython() {
  Python py;
  FILE* p = popen(
      "python3 -c 'import sys; print(sys.executable); print(sys.base_prefix)' 2>/dev/null", "r");
  if (p == nullptr) return py;
  char line[4096];
  if (fgets(line, sizeof line, p) != nullptr) py.executable = Lines(line).front();
  if (fgets(line, sizeof line, p) != nullptr) py.prefix = Lines(line).front();
  pclose(p);
  return py;
}

SandboxSpec PythonSpec(const Python& py, const std::string& code) {
  SandboxSpec spec;
  spec.argv = {py.executable, "-c", code};
  spec.env = {"PATH=/usr/bin:/bin"};
  if (py.prefix.rfind("/usr/", 0) != 0) spec.extra_ro_binds = {py.prefix};
  return spec;
}

TEST(SandboxTest, ProbeAgreesWithLaunch) {
  SandboxSpec spec = Shell("exit 0");
  spec.mode = SandboxMode::kIsolated;
  Result<std::unique_ptr<SandboxProcess>> process = LaunchSandbox(spec);
  EXPECT_EQ(process.ok(), Caps().isolation) << Caps().Describe();
  EXPECT_NE(Caps().Describe().find(Caps().isolation ? "isolated" : "NOT isolated"),
            std::string::npos);
}

TEST(SandboxTest, CodeIsReadOnlyAtVarTask) {
  REQUIRE_ISOLATION();
  TempDir code;
  code.Write("handler.js", "exports.handler = 1;\n");
  SandboxSpec spec = Shell("cat /var/task/handler.js; pwd; touch /var/task/new; echo rc=$?");
  spec.code_dir = code.path();
  const Outcome out = RunToEnd(spec);
  EXPECT_NE(out.output.find("exports.handler = 1;\n/var/task\n"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("Read-only file system"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("rc=1"), std::string::npos) << out.output;
  EXPECT_FALSE(fs::exists(code.path() + "/new"));
}

TEST(SandboxTest, HostDataAndOtherCodeAreNotVisible) {
  REQUIRE_ISOLATION();
  TempDir data, code, other;
  const std::string secret = data.Write("secret.txt", "top secret");
  other.Write("index.js", "other function");
  SandboxSpec spec = Shell("cat " + secret + "; ls " + other.path() +
                           "; ls /; touch /new; ls /root /work /home 2>&1 | head -c 200");
  spec.code_dir = code.path();
  const Outcome out = RunToEnd(spec);
  EXPECT_EQ(out.output.find("top secret"), std::string::npos) << out.output;
  EXPECT_EQ(out.output.find("other function"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find(secret + ": No such file or directory"), std::string::npos)
      << out.output;
  for (const std::string& line : Lines(out.output)) {
    // `ls /` prints only what the launcher put in the root.
    if (line.find(' ') == std::string::npos && line.find(':') == std::string::npos) {
      EXPECT_TRUE(line == "bin" || line == "dev" || line == "etc" || line == "lib" ||
                  line == "lib32" || line == "lib64" || line == "libx32" || line == "opt" ||
                  line == "proc" || line == "sbin" || line == "tmp" || line == "usr" ||
                  line == "var")
          << "unexpected entry in the sandbox root: " << line;
    }
  }
  EXPECT_NE(out.output.find("touch: cannot touch '/new': Read-only file system"), std::string::npos)
      << out.output;
}

TEST(SandboxTest, OnlyTheLaunchersMountsExist) {
  REQUIRE_ISOLATION();
  TempDir code;
  SandboxSpec spec = Shell("cut -d' ' -f5 /proc/self/mountinfo");
  spec.code_dir = code.path();
  const std::vector<std::string> mounts = Lines(RunToEnd(spec).output);
  // The old root is detached, not merely hidden under the new one.
  EXPECT_EQ(std::count(mounts.begin(), mounts.end(), "/"), 1);
  for (const std::string& m : mounts) {
    EXPECT_TRUE(m == "/" || m == "/usr" || m == "/etc" || m == "/proc" || m == "/dev" ||
                m.rfind("/dev/", 0) == 0 || m == "/var/task" || m == "/opt" || m == "/tmp" ||
                m == "/bin" || m == "/sbin" || m.rfind("/lib", 0) == 0)
        << "unexpected mount in the sandbox: " << m;
  }
}

TEST(SandboxTest, ExtraBindsAppearReadOnlyAtTheSamePath) {
  REQUIRE_ISOLATION();
  TempDir dir;  // under /tmp: the bind lands inside the private /tmp
  const std::string tool = dir.Write("tool.txt", "tool");
  const std::string sibling = dir.Write("sibling.txt", "sibling");
  SandboxSpec spec = Shell("cat " + tool + "; echo; cat " + sibling + "; echo x > " + tool);
  spec.extra_ro_binds = {tool};
  const std::vector<std::string> lines = Lines(RunToEnd(spec).output);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "tool");
  EXPECT_NE(lines[1].find("No such file or directory"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("Read-only file system"), std::string::npos) << lines[2];
}

TEST(SandboxTest, OnlyStdioIsInherited) {
  REQUIRE_ISOLATION();
  // Kumo's own descriptors (this test's pipes, the report pipe, init's
  // program) stay outside; `ls` adds its own directory descriptor.
  EXPECT_EQ(Lines(RunToEnd(Shell("ls /proc/$$/fd")).output),
            (std::vector<std::string>{"0", "1", "2"}));
}

TEST(SandboxTest, TmpIsPrivateWritableAndSizeLimited) {
  REQUIRE_ISOLATION();
  SandboxSpec spec = Shell(
      "echo ok > /tmp/f && cat /tmp/f; head -c 3000000 /dev/zero > /tmp/big; echo rc=$?; "
      "stat -c %a /tmp");
  spec.tmp_size_mb = 2;
  const Outcome out = RunToEnd(spec);
  EXPECT_NE(out.output.find("ok\n"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("No space left on device"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("rc=1"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("1777"), std::string::npos) << out.output;
  EXPECT_FALSE(fs::exists("/tmp/big") && fs::file_size("/tmp/big") == 2 * 1024 * 1024);
}

TEST(SandboxTest, PidNamespaceShowsOnlyItsOwnTree) {
  REQUIRE_ISOLATION();
  const Outcome out =
      RunToEnd(Shell("echo self=$$; for d in /proc/[0-9]*; do echo pid=${d#/proc/}; done"));
  // init is 1, the shell is 2; nothing of the host's.
  EXPECT_EQ(Lines(out.output), (std::vector<std::string>{"self=2", "pid=1", "pid=2"}))
      << out.output;
}

TEST(SandboxTest, HostnameIsSet) {
  REQUIRE_ISOLATION();
  SandboxSpec spec = Shell("cat /proc/sys/kernel/hostname");
  spec.hostname = "kumo-env-7";
  EXPECT_EQ(RunToEnd(spec).output, "kumo-env-7\n");
}

TEST(SandboxTest, RunsUnprivilegedWithoutCapabilities) {
  REQUIRE_ISOLATION();
  if (!Caps().root) GTEST_SKIP() << "Kumo is not root: there is no uid to drop";
  const Outcome out = RunToEnd(
      Shell("id -u; id -g; id -G; grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs)' /proc/self/status; "
            "touch /etc/kumo 2>&1"));
  EXPECT_EQ(Lines(out.output),
            (std::vector<std::string>{"993", "990", "990", "CapPrm:\t0000000000000000",
                                      "CapEff:\t0000000000000000", "CapBnd:\t0000000000000000",
                                      "NoNewPrivs:\t1",
                                      "touch: cannot touch '/etc/kumo': Read-only file system"}))
      << out.output;
}

TEST(SandboxTest, EnvironmentIsPassedExactly) {
  REQUIRE_ISOLATION();
  SandboxSpec spec;
  spec.argv = {"env"};  // found on the given PATH
  spec.env = {"PATH=/usr/bin:/bin", "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001", "B=two words",
              "EMPTY="};
  EXPECT_EQ(Lines(RunToEnd(spec).output), spec.env);
}

TEST(SandboxTest, ExitStatusAndSignalAreReported) {
  REQUIRE_ISOLATION();
  const Outcome exited = RunToEnd(Shell("exit 7"));
  EXPECT_EQ(exited.exit.exit_code, 7);
  EXPECT_EQ(exited.exit.signal, 0);
  EXPECT_EQ(exited.exit.ToString(), "exit status 7");
  const Outcome crashed = RunToEnd(Shell("kill -SEGV $$"));
  EXPECT_EQ(crashed.exit.signal, SIGSEGV);
  EXPECT_EQ(crashed.exit.ToString(), "signal: segmentation fault");
}

// True once no process on the host has `needle` in its command line.
bool NoProcessWith(const std::string& needle) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(needle) != std::string::npos) return false;
  }
  return true;
}

bool WaitUntil(const std::function<bool()>& condition, seconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::yield();
  }
  return condition();
}

TEST(SandboxTest, KillEndsTheWholeTree) {
  REQUIRE_ISOLATION();
  const std::string marker = "1000." + std::to_string(getpid()) + "1";
  SandboxSpec spec = Shell("sleep " + marker + " & sleep " + marker);
  Result<std::unique_ptr<SandboxProcess>> process = LaunchSandbox(spec);
  ASSERT_TRUE(process.ok()) << process.error().message;
  EXPECT_FALSE((*process)->Wait(milliseconds(20)).has_value());
  ASSERT_TRUE(WaitUntil([&] { return !NoProcessWith(marker); }, seconds(10)));
  (*process)->Kill();
  pollfd p{(*process)->exit_fd(), POLLIN, 0};
  if (Caps().pidfd) {
    EXPECT_EQ(poll(&p, 1, 10000), 1);
  }
  const std::optional<SandboxExit> exit = (*process)->Wait(seconds(10));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->ToString(), "signal: killed");
  // Both sleeps, not only the runtime, are gone once init is reaped.
  EXPECT_TRUE(NoProcessWith(marker));
  (*process)->Kill();  // idempotent after exit
}

TEST(SandboxTest, EnvironmentDiesWithKumo) {
  REQUIRE_ISOLATION();
  FILE* tool = popen("exec " KUMO_SANDBOX_TOOL " hold", "r");
  ASSERT_NE(tool, nullptr);
  char line[64] = {};
  ASSERT_NE(fgets(line, sizeof line, tool), nullptr);
  const pid_t init = atoi(line);
  ASSERT_GT(init, 0);
  // The tool (popen's shell exec'd it) is init's parent: it stands for Kumo.
  std::ifstream stat("/proc/" + std::to_string(init) + "/stat");
  std::string ignored, state;
  pid_t parent = 0;
  stat >> ignored >> ignored >> state >> parent;
  ASSERT_GT(parent, 1);
  // While its Kumo lives, the sandbox has a cgroup and a staging folder named
  // after it. Counted before the kill: once that Kumo is dead, any probe
  // (another test's server starting in parallel) may remove them first.
  const std::string cgroup = "kumo-" + std::to_string(parent) + "-";
  const std::string staging = "kumo-sandbox-" + std::to_string(parent) + "-";
  auto leftovers = [&] {
    int n = 0;
    for (const char* root : {"/sys/fs/cgroup", "/tmp"}) {
      n += CountTolerantly(root, 4, [&](const fs::directory_entry& e) {
        const std::string name = e.path().filename().string();
        return name.rfind(cgroup, 0) == 0 || name.rfind(staging, 0) == 0;
      });
    }
    return n;
  };
  const int while_alive = leftovers();
  ASSERT_EQ(kill(parent, SIGKILL), 0);
  pclose(tool);
  EXPECT_TRUE(WaitUntil(
      [&] {
        std::ifstream s("/proc/" + std::to_string(init) + "/stat");
        std::string pid, comm, st;
        return !(s >> pid >> comm >> st) || st == "Z";
      },
      seconds(10)))
      << "init " << init << " outlived its Kumo";
  EXPECT_GT(while_alive, 0);
  // The dead Kumo could not clean up; the next start-up's probe does.
  ProbeSandbox();
  EXPECT_EQ(leftovers(), 0);
}

TEST(SandboxTest, NodeAllocatingPastTheLimitIsOomKilled) {
  REQUIRE_ISOLATION();
  REQUIRE_MEMORY_CGROUP();
  ASSERT_TRUE(fs::exists("/usr/bin/node"));
  SandboxSpec spec;
  spec.argv = {"/usr/bin/node", "-e", "const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1));"};
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.memory_limit_mb = 96;
  const Outcome out = RunToEnd(spec);
  EXPECT_EQ(out.exit.ToString(), "signal: killed") << out.output;
  EXPECT_TRUE(out.oom);
  if (Caps().memory_peak) {
    EXPECT_GE(out.peak, 80 << 20);
    EXPECT_LE(out.peak, 96 << 20);
  }
}

TEST(SandboxTest, PythonRunsFromItsPrefixAndIsOomKilledPastTheLimit) {
  REQUIRE_ISOLATION();
  REQUIRE_MEMORY_CGROUP();
  const Python py = FindPython();
  ASSERT_FALSE(py.executable.empty()) << "python3 is not on PATH";
  const Outcome hello = RunToEnd(PythonSpec(py, "import sys; print(sys.version_info[0])"));
  EXPECT_EQ(hello.output, "3\n");
  EXPECT_FALSE(hello.oom);
  SandboxSpec hog = PythonSpec(py, "x = b'a' * (200 << 20); print('survived')");
  hog.memory_limit_mb = 64;
  const Outcome out = RunToEnd(hog);
  EXPECT_EQ(out.exit.ToString(), "signal: killed") << out.output;
  EXPECT_EQ(out.output.find("survived"), std::string::npos);
  EXPECT_TRUE(out.oom);
}

TEST(SandboxTest, PeakMemoryIsReported) {
  REQUIRE_ISOLATION();
  REQUIRE_MEMORY_CGROUP();
  const Python py = FindPython();
  ASSERT_FALSE(py.executable.empty()) << "python3 is not on PATH";
  SandboxSpec spec = PythonSpec(py, "x = b'a' * (48 << 20); print(len(x))");
  spec.memory_limit_mb = 256;
  const Outcome out = RunToEnd(spec);
  EXPECT_EQ(out.output, std::to_string(48 << 20) + "\n");
  EXPECT_EQ(out.exit.ToString(), "exit status 0");
  EXPECT_FALSE(out.oom);
  EXPECT_GE(out.peak, 48 << 20);
  EXPECT_LT(out.peak, 256 << 20);
}

TEST(SandboxTest, PidsLimitIsEnforced) {
  REQUIRE_ISOLATION();
  if (Caps().pids_cgroup == CgroupVersion::kNone)
    GTEST_SKIP() << "no pids cgroup: " << Caps().cgroup_error;
  const Python py = FindPython();
  ASSERT_FALSE(py.executable.empty()) << "python3 is not on PATH";
  SandboxSpec spec = PythonSpec(py,
                                "import os, time\n"
                                "n = 0\n"
                                "try:\n"
                                "    while n < 100:\n"
                                "        if os.fork() == 0:\n"
                                "            time.sleep(1000)\n"
                                "        n += 1\n"
                                "except OSError as e:\n"
                                "    print(n, type(e).__name__)\n");
  spec.pids_max = 8;
  // init and python count too: 6 children fit.
  EXPECT_EQ(RunToEnd(spec).output, "6 BlockingIOError\n");
}

TEST(SandboxTest, LayersMergeAtOptWithLaterLayersWinning) {
  REQUIRE_ISOLATION();
  TempDir first, second;
  first.Write("shared.txt", "first");
  first.Write("only-first.txt", "only first");
  second.Write("shared.txt", "second");
  SandboxSpec spec =
      Shell("cat /opt/shared.txt; echo; cat /opt/only-first.txt; echo; touch /opt/x");
  spec.layer_dirs = {first.path()};
  EXPECT_EQ(Lines(RunToEnd(spec).output),
            (std::vector<std::string>{"first", "only first",
                                      "touch: cannot touch '/opt/x': Read-only file system"}));
  if (!Caps().overlayfs) GTEST_SKIP() << "no overlayfs: one layer at most";
  spec.layer_dirs = {first.path(), second.path()};
  EXPECT_EQ(Lines(RunToEnd(spec).output),
            (std::vector<std::string>{"second", "only first",
                                      "touch: cannot touch '/opt/x': Read-only file system"}));
}

TEST(SandboxTest, UnexecutableRuntimeIsAnInvalidEntrypoint) {
  REQUIRE_ISOLATION();
  TempDir code;
  SandboxSpec spec = Shell("");
  spec.argv = {"/var/task/bootstrap"};
  spec.code_dir = code.path();
  Result<std::unique_ptr<SandboxProcess>> process = LaunchSandbox(spec);
  ASSERT_FALSE(process.ok());
  EXPECT_EQ(process.error().code, "Runtime.InvalidEntrypoint");
  EXPECT_EQ(process.error().message,
            "sandbox: exec /var/task/bootstrap: No such file or directory (errno 2)");
}

TEST(SandboxTest, AFailedStepNamesTheStepThePathAndErrno) {
  REQUIRE_ISOLATION();
  SandboxSpec spec = Shell("true");
  spec.hostname = std::string(100, 'h');  // longer than the kernel's 64
  Result<std::unique_ptr<SandboxProcess>> process = LaunchSandbox(spec);
  ASSERT_FALSE(process.ok());
  EXPECT_NE(process.error().message.find("set the hostname"), std::string::npos);
  EXPECT_NE(process.error().message.find("sethostname(" + spec.hostname +
                                         "): Invalid argument (errno 22)"),
            std::string::npos)
      << process.error().message;
}

TEST(SandboxTest, BadSpecIsRejectedBeforeLaunch) {
  SandboxSpec spec = Shell("true");
  spec.code_dir = "/nonexistent/kumo/code";
  Result<std::unique_ptr<SandboxProcess>> process = LaunchSandbox(spec);
  ASSERT_FALSE(process.ok());
  EXPECT_EQ(process.error().http_status, 400);
  EXPECT_NE(process.error().message.find("/nonexistent/kumo/code"), std::string::npos);
  spec.argv.clear();
  EXPECT_EQ(LaunchSandbox(spec).error().http_status, 400);
  spec = Shell("true");
  spec.tmp_size_mb = 0;  // tmpfs would read it as unlimited
  EXPECT_EQ(LaunchSandbox(spec).error().http_status, 400);
  spec = Shell("true");
  spec.uid = 0;
  EXPECT_EQ(LaunchSandbox(spec).error().http_status, 400);
}

TEST(SandboxTest, CgroupIsRemovedWithTheProcess) {
  REQUIRE_MEMORY_CGROUP();
  Result<std::unique_ptr<SandboxProcess>> process = LaunchSandbox(Shell("sleep 1000"));
  ASSERT_TRUE(process.ok()) << process.error().message;
  // The environment's memory cgroup, from init's membership.
  std::ifstream in("/proc/" + std::to_string((*process)->pid()) + "/cgroup");
  std::string dir;
  for (std::string line; std::getline(in, line);) {
    const size_t colon = line.find(':', line.find(':') + 1);
    const std::string controllers = line.substr(line.find(':') + 1, colon - line.find(':') - 1);
    if (controllers == "memory" ||
        (controllers.empty() && Caps().memory_cgroup == CgroupVersion::kV2)) {
      dir = line.substr(colon + 1);
    }
  }
  ASSERT_NE(dir.find("/kumo-" + std::to_string(getpid()) + "-"), std::string::npos) << dir;
  const std::string name = dir.substr(dir.rfind('/') + 1);
  const std::string root =
      Caps().memory_cgroup == CgroupVersion::kV1 ? "/sys/fs/cgroup/memory" : "/sys/fs/cgroup";
  auto exists = [&] {
    return CountTolerantly(root, 64, [&](const fs::directory_entry& e) {
             std::error_code ec;
             return e.is_directory(ec) && e.path().filename() == name;
           }) > 0;
  };
  EXPECT_TRUE(exists());
  process->reset();
  EXPECT_FALSE(exists());
}

TEST(SandboxTest, PlainProcessModeRunsInTheCodeDirectory) {
  TempDir code;
  SandboxSpec spec = Shell("pwd; id -u; grep -c /kumo- /proc/self/cgroup; exit 0");
  spec.code_dir = code.path();
  spec.mode = SandboxMode::kPlainProcess;
  const Outcome out = RunToEnd(spec);
  const std::vector<std::string> lines = Lines(out.output);
  ASSERT_EQ(lines.size(), 3u) << out.output;
  EXPECT_EQ(lines[0], fs::canonical(code.path()).string());
  EXPECT_EQ(lines[1], Caps().root ? "993" : std::to_string(getuid()));
  const int cgroups =
      (Caps().memory_cgroup != CgroupVersion::kNone) + (Caps().pids_cgroup == CgroupVersion::kV1);
  EXPECT_EQ(lines[2], std::to_string(cgroups));
  EXPECT_EQ(out.exit.exit_code, 0);
}

TEST(SandboxTest, PlainProcessModeKillEndsTheTree) {
  const std::string marker = "1000." + std::to_string(getpid()) + "2";
  SandboxSpec spec = Shell("sleep " + marker + " & sleep " + marker);
  spec.mode = SandboxMode::kPlainProcess;
  Result<std::unique_ptr<SandboxProcess>> process = LaunchSandbox(spec);
  ASSERT_TRUE(process.ok()) << process.error().message;
  ASSERT_TRUE(WaitUntil([&] { return !NoProcessWith(marker); }, seconds(10)));
  (*process)->Kill();
  ASSERT_TRUE((*process)->Wait(seconds(10)).has_value());
  EXPECT_TRUE(WaitUntil([&] { return NoProcessWith(marker); }, seconds(10)));
}

TEST(SandboxTest, ConcurrentLaunchesAreIndependent) {
  REQUIRE_ISOLATION();
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i) {
        SandboxSpec spec = Shell("echo $$ $(cat /proc/sys/kernel/hostname)");
        spec.hostname = "env-" + std::to_string(t);
        if (RunToEnd(spec).output == "2 env-" + std::to_string(t) + "\n") ++good;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(good.load(), 12);
}

}  // namespace
}  // namespace kumo::runtime
