// Cgroup discovery from /proc/self/mountinfo and /proc/self/cgroup, on the
// layouts Kumo meets: cgroup v1 (this machine), pure v2 (systemd hosts), v2
// inside a container with its own cgroup namespace, and hybrid.
#include "runtime/sandbox_cgroup.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

namespace kumo::runtime::internal {
namespace {

// "v1:/dir", "v2:/dir" or "none:": a located home in one comparable string.
std::string Home(const ControllerHome& home) {
  const char* version = home.version == CgroupVersion::kV1   ? "v1:"
                        : home.version == CgroupVersion::kV2 ? "v2:"
                                                             : "none:";
  return version + home.dir;
}

constexpr char kV1MountInfo[] =
    "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
constexpr char kV1ProcCgroup[] =
    "9:name=systemd:/\n"
    "8:pids:/\n"
    "4:memory:/process_api/1b0e\n"
    "2:cpu,cpuacct:/\n"
    "0::/\n";

TEST(SandboxCgroupTest, ParsesV1MountsWithTheirControllers) {
  const std::vector<CgroupMount> mounts = ParseCgroupMounts(kV1MountInfo);
  ASSERT_EQ(mounts.size(), 4u);  // ext4 and tmpfs are not cgroups
  EXPECT_EQ(mounts[0].mount_point, "/sys/fs/cgroup/memory");
  EXPECT_EQ(mounts[0].controllers, (std::vector<std::string>{"rw", "memory"}));
  EXPECT_FALSE(mounts[0].unified);
  EXPECT_EQ(mounts[2].controllers, (std::vector<std::string>{"rw", "cpu", "cpuacct"}));
  EXPECT_TRUE(mounts[3].unified);
}

TEST(SandboxCgroupTest, V1ControllersLiveInTheirOwnHierarchies) {
  const auto mounts = ParseCgroupMounts(kV1MountInfo);
  const auto membership = ParseProcCgroup(kV1ProcCgroup);
  EXPECT_EQ(Home(LocateController(mounts, membership, "memory")),
            "v1:/sys/fs/cgroup/memory/process_api/1b0e");
  EXPECT_EQ(Home(LocateController(mounts, membership, "pids")), "v1:/sys/fs/cgroup/pids");
  // A controller bound to no v1 hierarchy is looked for in the unified one.
  EXPECT_EQ(Home(LocateController(mounts, membership, "io")), "v2:/sys/fs/cgroup/unified");
}

TEST(SandboxCgroupTest, PureV2UsesKumosOwnCgroup) {
  const auto mounts = ParseCgroupMounts(
      "30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
      "rw,nsdelegate,memory_recursiveprot\n");
  const auto membership = ParseProcCgroup("0::/system.slice/kumo.service\n");
  for (const char* controller : {"memory", "pids"}) {
    EXPECT_EQ(Home(LocateController(mounts, membership, controller)),
              "v2:/sys/fs/cgroup/system.slice/kumo.service");
  }
}

TEST(SandboxCgroupTest, MountedSubtreeIsJoinedRelativeToItsRoot) {
  // A container sees only its own subtree mounted (root field != "/").
  const auto mounts = ParseCgroupMounts(
      "600 590 0:26 /docker/abc /sys/fs/cgroup ro,nosuid - cgroup2 cgroup2 rw\n"
      "601 590 0:32 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
  EXPECT_EQ(
      Home(LocateController(mounts, ParseProcCgroup("4:memory:/docker/abc/kumo\n"), "memory")),
      "v1:/sys/fs/cgroup/memory/kumo");
  EXPECT_EQ(Home(LocateController(mounts, ParseProcCgroup("0::/docker/abc\n"), "pids")),
            "v2:/sys/fs/cgroup");
  // Kumo's cgroup outside the mounted subtree cannot be used.
  EXPECT_EQ(Home(LocateController(mounts, ParseProcCgroup("0::/elsewhere\n"), "pids")), "none:");
  // Nor can a v1-bound controller fall back to v2 when its v1 path is unusable.
  EXPECT_EQ(Home(LocateController(mounts, ParseProcCgroup("4:memory:/other\n0::/docker/abc\n"),
                                  "memory")),
            "none:");
}

TEST(SandboxCgroupTest, MountPointsAreUnescaped) {
  const auto mounts =
      ParseCgroupMounts("1 1 0:1 / /sys/fs/my\\040cgroups rw - cgroup2 cgroup2 rw\n");
  ASSERT_EQ(mounts.size(), 1u);
  EXPECT_EQ(mounts[0].mount_point, "/sys/fs/my cgroups");
}

TEST(SandboxCgroupTest, ProcCgroupPathsMayContainColons) {
  const auto membership = ParseProcCgroup("0::/a:b/c\n3:cpu,cpuacct:/x\n");
  ASSERT_EQ(membership.size(), 2u);
  EXPECT_TRUE(membership[0].controllers.empty());
  EXPECT_EQ(membership[0].path, "/a:b/c");
  EXPECT_EQ(membership[1].controllers, (std::vector<std::string>{"cpu", "cpuacct"}));
}

// The child joins v1 cgroups through `tasks`, which moves it without the
// kernel's global threadgroup lock (a cgroup.procs write waits for an RCU
// grace period), and v2 cgroups through cgroup.procs. Plain directories stand
// in for the controller homes: with no limits, Create only makes directories.
TEST(SandboxCgroupTest, ChildJoinsV1ThroughTasksAndV2ThroughCgroupProcs) {
  char memory_home[] = "/tmp/kumo-cgroup-test-XXXXXX";
  char pids_home[] = "/tmp/kumo-cgroup-test-XXXXXX";
  ASSERT_NE(mkdtemp(memory_home), nullptr);
  ASSERT_NE(mkdtemp(pids_home), nullptr);
  auto file_names = [](const SandboxCgroups& cgroups) {
    std::vector<std::string> names;
    for (const std::string& path : cgroups.procs_files()) {
      names.push_back(path.substr(path.rfind('/') + 1));
    }
    return names;
  };

  CgroupSetup v1;
  v1.memory = {CgroupVersion::kV1, memory_home};
  v1.pids = {CgroupVersion::kV1, pids_home};
  Result<std::unique_ptr<SandboxCgroups>> v1_cgroups = SandboxCgroups::Create(v1, 0, 0);
  ASSERT_TRUE(v1_cgroups.ok()) << v1_cgroups.error().message;
  EXPECT_EQ(file_names(**v1_cgroups), (std::vector<std::string>{"tasks", "tasks"}));
  EXPECT_TRUE((*v1_cgroups)->Remove().ok());

  CgroupSetup v2;
  v2.memory = v2.pids = {CgroupVersion::kV2, memory_home};
  Result<std::unique_ptr<SandboxCgroups>> v2_cgroups = SandboxCgroups::Create(v2, 0, 0);
  ASSERT_TRUE(v2_cgroups.ok()) << v2_cgroups.error().message;
  EXPECT_EQ(file_names(**v2_cgroups), (std::vector<std::string>{"cgroup.procs"}));
  EXPECT_TRUE((*v2_cgroups)->Remove().ok());

  EXPECT_EQ(rmdir(memory_home), 0);
  EXPECT_EQ(rmdir(pids_home), 0);
}

}  // namespace
}  // namespace kumo::runtime::internal
