// sandbox_tool: a small command line over the sandbox launcher.
//   sandbox_tool probe            print what the kernel allows (the start-up line)
//   sandbox_tool bench [N]        launch overhead: N x /bin/true, sandboxed vs fork+exec
//                                 (each sandboxed sample: launch, wait, teardown)
//   sandbox_tool hold             start `sleep 1000` sandboxed, print init's pid, block
//                                 (sandbox_test kills this process to check that the
//                                 environment dies with its Kumo)
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "runtime/sandbox.h"
#include "runtime/sandbox_launcher.h"

extern char** environ;

namespace {

using kumo::runtime::SandboxMode;
using kumo::runtime::SandboxSpec;
using Clock = std::chrono::steady_clock;

void PrintStats(const char* name, std::vector<double> us) {
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double v : us) sum += v;
  std::printf("%-34s mean %8.0f us  p50 %8.0f us  p95 %8.0f us\n", name, sum / us.size(),
              us[us.size() / 2], us[us.size() * 95 / 100]);
}

std::vector<double> BenchForkExec(int n) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    const auto start = Clock::now();
    pid_t pid;
    char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
    if (posix_spawn(&pid, "/bin/true", nullptr, nullptr, argv, environ) != 0) std::exit(1);
    int status;
    waitpid(pid, &status, 0);
    out.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  return out;
}

// with_cgroups false: the same launch without creating and removing cgroups.
std::vector<double> BenchSandbox(int n, SandboxMode mode, bool with_cgroups) {
  std::vector<double> out;
  SandboxSpec spec;
  spec.argv = {"/bin/true"};
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.mode = mode;
  const kumo::runtime::internal::CgroupSetup none;
  const auto& cgroups = with_cgroups ? kumo::runtime::internal::CachedProbe().cgroups : none;
  for (int i = 0; i < n; ++i) {
    const auto start = Clock::now();
    auto process = kumo::runtime::internal::SandboxLauncher::Launch(spec, mode, cgroups);
    if (!process.ok()) {
      std::fprintf(stderr, "%s\n", process.error().message.c_str());
      std::exit(1);
    }
    (*process)->Wait();
    process->reset();  // teardown (cgroup removal) is part of the cost
    out.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  return out;
}

int Bench(int n) {
  const auto& caps = kumo::runtime::CachedSandboxCapabilities();  // probe outside the timing
  std::printf("%s\n", caps.Describe().c_str());
  BenchSandbox(5, caps.best_mode(), true);  // warm up page cache and the launcher thread
  PrintStats("fork+exec /bin/true", BenchForkExec(n));
  if (caps.isolation) {
    PrintStats("isolated /bin/true", BenchSandbox(n, SandboxMode::kIsolated, true));
    PrintStats("isolated /bin/true, no cgroups", BenchSandbox(n, SandboxMode::kIsolated, false));
  }
  PrintStats("plain-process /bin/true", BenchSandbox(n, SandboxMode::kPlainProcess, true));
  PrintStats("plain-process /bin/true, no cgroups",
             BenchSandbox(n, SandboxMode::kPlainProcess, false));
  return 0;
}

int Hold() {
  SandboxSpec spec;
  spec.argv = {"/bin/sleep", "1000"};
  spec.env = {"PATH=/usr/bin:/bin"};
  auto process = kumo::runtime::LaunchSandbox(spec);
  if (!process.ok()) {
    std::fprintf(stderr, "%s\n", process.error().message.c_str());
    return 1;
  }
  std::printf("%d\n", static_cast<int>((*process)->pid()));
  std::fflush(stdout);
  for (;;) pause();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "probe") == 0) {
    std::printf("%s\n", kumo::runtime::ProbeSandbox().Describe().c_str());
    return 0;
  }
  if (argc >= 2 && std::strcmp(argv[1], "bench") == 0)
    return Bench(argc >= 3 ? std::atoi(argv[2]) : 200);
  if (argc >= 2 && std::strcmp(argv[1], "hold") == 0) return Hold();
  std::fprintf(stderr, "usage: sandbox_tool probe | bench [N] | hold\n");
  return 2;
}
