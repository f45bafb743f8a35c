// kumo-sandbox-init: process 1 of an execution environment.
//
// Built as a small static program and embedded in Kumo (sandbox_init_blob.cc);
// the launcher executes it from a memfd as the last step of its setup, already
// unprivileged and inside the environment's namespaces. It
//  1. resets every signal to its default and unblocks all (the launcher
//     keeps them blocked so no Kumo handler can run in the shared memory);
//  2. makes itself non-dumpable, so the runtime (same uid) cannot ptrace it
//     and forge its reports;
//  3. forks and executes the runtime, reporting exec success or errno;
//  4. reaps every process that ends up as its child (orphans in the pid
//     namespace come to process 1) until the runtime itself exits;
//  5. reports the runtime's wait status and exits. As process 1 of the pid
//     namespace its exit makes the kernel kill everything left in it; in
//     plain mode it kills the runtime's process group instead.
// It uses only libc and writes nothing but the reports (sandbox_init_protocol.h).
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/sandbox_init_protocol.h"

namespace {

using kumo::runtime::internal::InitReport;
using kumo::runtime::internal::InitReportKind;
using kumo::runtime::internal::kReportFd;

void Report(InitReportKind kind, int value, pid_t pid, long max_rss_kb) {
  InitReport r{kind, value, pid, 0, max_rss_kb};
  while (write(kReportFd, &r, sizeof r) < 0 && errno == EINTR) {
  }
}

}  // namespace

int main(int argc, char** argv) {
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);  // EINVAL for libc's own: fine
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  fcntl(kReportFd, F_SETFD, FD_CLOEXEC);
  prctl(PR_SET_DUMPABLE, 0);

  const bool plain = argc > 1 && strcmp(argv[1], kumo::runtime::internal::kInitModePlain) == 0;
  if (argc < 3) {  // probe: no runtime
    Report(InitReportKind::kStarted, 0, 0, 0);
    return 0;
  }
  if (plain) prctl(PR_SET_CHILD_SUBREAPER, 1);

  int exec_pipe[2];
  if (pipe2(exec_pipe, O_CLOEXEC) != 0) {
    Report(InitReportKind::kStarted, errno, 0, 0);
    return 127;
  }
  const pid_t init_pid = getpid();
  const pid_t child = fork();
  if (child == 0) {
    close(exec_pipe[0]);
    // The runtime follows init: if init dies, so does the runtime (in
    // isolated mode the namespace teardown does this anyway).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != init_pid) _exit(127);
    if (plain) setpgid(0, 0);
    execvp(argv[2], argv + 2);
    const int err = errno;
    while (write(exec_pipe[1], &err, sizeof err) < 0 && errno == EINTR) {
    }
    _exit(127);
  }
  if (child < 0) {
    Report(InitReportKind::kStarted, errno, 0, 0);
    return 127;
  }
  close(exec_pipe[1]);
  int exec_errno = 0;
  ssize_t n;
  while ((n = read(exec_pipe[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  if (n != static_cast<ssize_t>(sizeof exec_errno)) exec_errno = 0;  // EOF: exec succeeded
  close(exec_pipe[0]);
  Report(InitReportKind::kStarted, exec_errno, child, 0);

  int status = 0;
  struct rusage usage {};
  for (;;) {
    const pid_t p = wait4(-1, &status, 0, &usage);
    if (p == child) break;
    if (p < 0 && errno != EINTR) break;  // ECHILD: cannot happen while child lives
  }
  Report(InitReportKind::kExited, status, child, usage.ru_maxrss);
  if (plain) kill(-child, SIGKILL);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
