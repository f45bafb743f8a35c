// What each runtime runs: command, Lambda's variables (reserved ones cannot
// be overridden), and the read-only binds the sandbox needs.
#include "runtime/runtime_command.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

namespace kumo::runtime {
namespace {

namespace fs = std::filesystem;

RuntimeInstallation Installation() {
  RuntimeInstallation i;
  i.runtimes_dir = "/opt/kumo/runtimes";
  i.node_modules_dir = "/opt/kumo/node_modules";
  i.node_path = "/usr/bin/node";
  i.python_executable = "/root/.pyenv/versions/3.11.7/bin/python3";
  i.python_prefix = "/root/.pyenv/versions/3.11.7";
  i.python_version = "3.11";
  return i;
}

EnvironmentFacts Facts() {
  EnvironmentFacts f;
  f.runtime_api = "127.0.0.1:41234";
  f.log_group = "/aws/lambda/fn";
  f.log_stream = "2024/01/15/[$LATEST]abc";
  f.endpoint_url = "http://127.0.0.1:4566";
  f.access_key_id = "AKID";
  f.secret_access_key = "SECRET";
  return f;
}

functions::FunctionConfig Config(const std::string& runtime) {
  functions::FunctionConfig c;
  c.region = "eu-west-1";
  c.function_name = "fn";
  c.version = "$LATEST";
  c.runtime = runtime;
  c.handler = "index.handler";
  c.code_dir = "/srv/code/abc";
  c.memory_mb = 256;
  c.ephemeral_storage_mb = 1024;
  return c;
}

std::map<std::string, std::string> EnvOf(const SandboxSpec& spec) {
  std::map<std::string, std::string> env;
  for (const std::string& kv : spec.env) {
    const size_t eq = kv.find('=');
    env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

bool Has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

TEST(RuntimeCommandTest, NodeRunsKumosClientWithLambdasVariables) {
  functions::FunctionConfig c = Config("nodejs20.x");
  c.environment = {
      {"MY_VAR", "1"}, {"AWS_REGION", "evil"}, {"_HANDLER", "evil"}, {"NODE_PATH", "/custom"}};
  Result<SandboxSpec> spec = BuildSandboxSpec(c, Installation(), Facts(), SandboxMode::kIsolated);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  // AWS's flags for 256 MB: a 25 MB young generation (two 12 MB semi-spaces), 231 MB old.
  EXPECT_EQ(spec->argv, (std::vector<std::string>{
                            "/usr/bin/node", "--expose-gc", "--max-http-header-size=81920",
                            "--max-semi-space-size=12", "--max-old-space-size=231",
                            "/opt/kumo/runtimes/node/index.js"}));
  EXPECT_EQ(spec->memory_limit_mb, 256);
  EXPECT_EQ(spec->tmp_size_mb, 1024);
  EXPECT_EQ(spec->code_dir, "/srv/code/abc");
  EXPECT_TRUE(Has(spec->extra_ro_binds, "/opt/kumo/runtimes"));
  EXPECT_TRUE(Has(spec->extra_ro_binds, "/opt/kumo/node_modules"));
  std::map<std::string, std::string> env = EnvOf(*spec);
  EXPECT_EQ(env["AWS_LAMBDA_RUNTIME_API"], "127.0.0.1:41234");
  EXPECT_EQ(env["_HANDLER"], "index.handler");
  EXPECT_EQ(env["LAMBDA_TASK_ROOT"], "/var/task");
  EXPECT_EQ(env["AWS_LAMBDA_FUNCTION_NAME"], "fn");
  EXPECT_EQ(env["AWS_LAMBDA_FUNCTION_VERSION"], "$LATEST");
  EXPECT_EQ(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "256");
  EXPECT_EQ(env["AWS_LAMBDA_LOG_GROUP_NAME"], "/aws/lambda/fn");
  EXPECT_EQ(env["AWS_LAMBDA_LOG_STREAM_NAME"], "2024/01/15/[$LATEST]abc");
  EXPECT_EQ(env["AWS_LAMBDA_INITIALIZATION_TYPE"], "on-demand");
  EXPECT_EQ(env["AWS_REGION"], "eu-west-1");
  EXPECT_EQ(env["AWS_DEFAULT_REGION"], "eu-west-1");
  EXPECT_EQ(env["AWS_EXECUTION_ENV"], "AWS_Lambda_nodejs20.x");
  EXPECT_EQ(env["AWS_ACCESS_KEY_ID"], "AKID");
  EXPECT_EQ(env["AWS_SECRET_ACCESS_KEY"], "SECRET");
  EXPECT_EQ(env.count("AWS_SESSION_TOKEN"), 0u);
  EXPECT_EQ(env["AWS_ENDPOINT_URL"], "http://127.0.0.1:4566");
  EXPECT_EQ(env["TZ"], ":UTC");
  EXPECT_EQ(env["LANG"], "en_US.UTF-8");
  EXPECT_EQ(env["HOME"], "/tmp") << "the uid has no passwd entry: os.homedir() needs HOME";
  EXPECT_EQ(env["PATH"], "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin");
  EXPECT_NE(env["LD_LIBRARY_PATH"].find(":/opt/lib"), std::string::npos);
  EXPECT_EQ(env["MY_VAR"], "1");
  EXPECT_EQ(env["NODE_PATH"], "/custom") << "not reserved: the function's value wins";
  c.environment.clear();
  env = EnvOf(BuildSandboxSpec(c, Installation(), Facts(), SandboxMode::kIsolated).value());
  EXPECT_EQ(env["NODE_PATH"],
            "/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules:/opt/kumo/node_modules:"
            "/var/task");
}

TEST(RuntimeCommandTest, PythonRunsTheResolvedInterpreter) {
  Result<SandboxSpec> spec =
      BuildSandboxSpec(Config("python3.12"), Installation(), Facts(), SandboxMode::kIsolated);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->argv, (std::vector<std::string>{"/root/.pyenv/versions/3.11.7/bin/python3",
                                                  "/opt/kumo/runtimes/python/bootstrap.py"}));
  EXPECT_TRUE(Has(spec->extra_ro_binds, "/root/.pyenv/versions/3.11.7"));
  EXPECT_FALSE(Has(spec->extra_ro_binds, "/opt/kumo/node_modules"));
  std::map<std::string, std::string> env = EnvOf(*spec);
  EXPECT_EQ(env["PYTHONPATH"], "/opt/python/lib/python3.11/site-packages:/opt/python");
  EXPECT_EQ(env["AWS_EXECUTION_ENV"], "AWS_Lambda_python3.12");

  RuntimeInstallation system = Installation();
  system.python_executable = "/usr/bin/python3";
  system.python_prefix = "/usr";
  spec = BuildSandboxSpec(Config("python3.12"), system, Facts(), SandboxMode::kIsolated);
  ASSERT_TRUE(spec.ok());
  EXPECT_FALSE(Has(spec->extra_ro_binds, "/usr")) << "already bound by the sandbox";

  RuntimeInstallation none = Installation();
  none.python_executable.clear();
  none.python_error = "'python3' did not run";
  spec = BuildSandboxSpec(Config("python3.12"), none, Facts(), SandboxMode::kIsolated);
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.error().code, "Runtime.InvalidEntrypoint");
}

class ProvidedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("kumo-cmd-test-" + std::to_string(getpid()));
    fs::create_directories(root_ / "code");
    fs::create_directories(root_ / "layer1");
    fs::create_directories(root_ / "layer2");
  }
  void TearDown() override { fs::remove_all(root_); }
  functions::FunctionConfig Provided() {
    functions::FunctionConfig c = Config("provided.al2023");
    c.code_dir = (root_ / "code").string();
    c.layer_dirs = {(root_ / "layer1").string(), (root_ / "layer2").string()};
    return c;
  }
  fs::path root_;
};

TEST_F(ProvidedTest, BootstrapInTheCodeWins) {
  std::ofstream(root_ / "code" / "bootstrap") << "#!/bin/sh\n";
  std::ofstream(root_ / "layer1" / "bootstrap") << "#!/bin/sh\n";
  Result<SandboxSpec> spec =
      BuildSandboxSpec(Provided(), Installation(), Facts(), SandboxMode::kIsolated);
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->argv, std::vector<std::string>{"/var/task/bootstrap"});
  std::map<std::string, std::string> env = EnvOf(*spec);
  EXPECT_EQ(env.count("AWS_EXECUTION_ENV"), 0u) << "custom runtimes have none";
  EXPECT_EQ(env["LAMBDA_RUNTIME_DIR"], "/var/runtime");
}

TEST_F(ProvidedTest, BootstrapFromALayer) {
  std::ofstream(root_ / "layer1" / "bootstrap") << "#!/bin/sh\n";
  Result<SandboxSpec> spec =
      BuildSandboxSpec(Provided(), Installation(), Facts(), SandboxMode::kIsolated);
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->argv, std::vector<std::string>{"/opt/bootstrap"});
  // A plain process sees the host's paths.
  spec = BuildSandboxSpec(Provided(), Installation(), Facts(), SandboxMode::kPlainProcess);
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->argv, std::vector<std::string>{(root_ / "layer1" / "bootstrap").string()});
  EXPECT_EQ(EnvOf(*spec)["LAMBDA_TASK_ROOT"], (root_ / "code").string());
}

TEST_F(ProvidedTest, NoBootstrapIsLambdasInvalidEntrypoint) {
  Result<SandboxSpec> spec =
      BuildSandboxSpec(Provided(), Installation(), Facts(), SandboxMode::kIsolated);
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.error().code, "Runtime.InvalidEntrypoint");
  EXPECT_EQ(spec.error().message,
            "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]");
}

TEST(RuntimeCommandTest, UnknownRuntimeIsInvalidRuntimeException) {
  Result<SandboxSpec> spec =
      BuildSandboxSpec(Config("java21"), Installation(), Facts(), SandboxMode::kIsolated);
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.error().http_status, 502);
  EXPECT_EQ(spec.error().code, "InvalidRuntimeException");
}

TEST(RuntimeCommandTest, DiscoveryFindsTheClientsAndTheRealPython) {
  RuntimeLocations locations;
  locations.runtimes_dir = std::string(KUMO_SOURCE_DIR) + "/runtimes";
  Result<RuntimeInstallation> found = DiscoverRuntimeInstallation(locations);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_TRUE(fs::exists(found->runtimes_dir + "/node/index.js"));
  if (found->python_executable.empty()) GTEST_SKIP() << found->python_error;
  EXPECT_TRUE(fs::exists(found->python_executable));
  EXPECT_TRUE(fs::is_directory(found->python_prefix));
  EXPECT_EQ(found->python_version.substr(0, 2), "3.");

  locations.runtimes_dir = "/nonexistent";
  EXPECT_FALSE(DiscoverRuntimeInstallation(locations).ok());
  locations.runtimes_dir = std::string(KUMO_SOURCE_DIR) + "/runtimes";
  locations.python_command = "/nonexistent/python3";
  found = DiscoverRuntimeInstallation(locations);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->python_executable, "");
  EXPECT_NE(found->python_error, "");
}

}  // namespace
}  // namespace kumo::runtime
