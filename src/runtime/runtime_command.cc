#include "runtime/runtime_command.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

namespace kumo::runtime {
namespace {

namespace fs = std::filesystem;

enum class Language { kNode, kPython, kProvided, kUnknown };

Language LanguageOf(const std::string& runtime) {
  if (runtime.starts_with("nodejs")) return Language::kNode;
  if (runtime.starts_with("python3.")) return Language::kPython;
  if (runtime == "provided" || runtime.starts_with("provided.")) return Language::kProvided;
  return Language::kUnknown;
}

// "nodejs20.x" -> "node20" (Lambda's per-version NODE_PATH entry).
std::string NodeMajor(const std::string& runtime) {
  std::string digits;
  for (char c : runtime.substr(6)) {
    if (c < '0' || c > '9') break;
    digits += c;
  }
  return "node" + digits;
}

// The sandbox always binds these system directories.
bool InSystemDirs(const std::string& path) {
  for (const char* dir : {"/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc"}) {
    const std::string_view d(dir);
    if (path == d || (path.starts_with(d) && path.size() > d.size() && path[d.size()] == '/')) {
      return true;
    }
  }
  return false;
}

bool Exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

std::string Canonical(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::canonical(path, ec);
  return ec ? std::string() : p.string();
}

// Runs `command` (through /bin/sh) and returns its output; empty on failure.
std::string RunForOutput(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {};
  std::string out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return {};
  return out;
}

std::string Join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

// Lambda's variables a function cannot override.
const std::set<std::string, std::less<>> kReserved = {
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_DEFAULT_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_FORMAT",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_REGION",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "LAMBDA_RUNTIME_DIR",
    "LAMBDA_TASK_ROOT",
};

}  // namespace

Result<RuntimeInstallation> DiscoverRuntimeInstallation(const RuntimeLocations& locations) {
  RuntimeInstallation out;
  out.runtimes_dir = Canonical(locations.runtimes_dir);
  if (out.runtimes_dir.empty() || !Exists(out.runtimes_dir + "/node/index.js") ||
      !Exists(out.runtimes_dir + "/python/bootstrap.py")) {
    return InvalidArgument("runtime clients not found in '" + locations.runtimes_dir +
                           "' (expected node/index.js and python/bootstrap.py)");
  }
  if (!locations.node_modules_dir.empty()) {
    out.node_modules_dir = Canonical(locations.node_modules_dir);
  }
  out.node_path = Canonical(locations.node_path);
  if (out.node_path.empty()) out.node_path = locations.node_path;  // reported at launch
  // Once, at start-up: the python3 on PATH may be a pyenv shim, which needs
  // pyenv itself; the environment runs the real interpreter directly.
  const std::string answer =
      RunForOutput(locations.python_command +
                   " -c 'import sys;print(sys.executable);print(sys.base_prefix);"
                   "print(\"%d.%d\" % sys.version_info[:2])' 2>/dev/null");
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < answer.size()) {
    size_t end = answer.find('\n', start);
    if (end == std::string::npos) end = answer.size();
    lines.push_back(answer.substr(start, end - start));
    start = end + 1;
  }
  if (lines.size() >= 3 && !lines[0].empty() && !lines[1].empty()) {
    out.python_executable = lines[0];
    out.python_prefix = Canonical(lines[1]);
    out.python_version = lines[2];
  } else {
    out.python_error = "'" + locations.python_command + "' did not run";
  }
  return out;
}

Result<SandboxSpec> BuildSandboxSpec(const functions::FunctionConfig& config,
                                     const RuntimeInstallation& installation,
                                     const EnvironmentFacts& facts, SandboxMode mode) {
  const Language language = LanguageOf(config.runtime);
  if (language == Language::kUnknown) {
    return Error{502, "InvalidRuntimeException",
                 "The runtime parameter of " + config.runtime + " is not supported by Kumo."};
  }
  const bool isolated = mode == SandboxMode::kIsolated;
  // Inside an isolated environment code is at /var/task and layers merge at
  // /opt; a plain process sees the host directories themselves.
  const std::string task_root = isolated ? "/var/task" : config.code_dir;
  auto opt_paths = [&](const std::string& sub) {
    std::vector<std::string> out;
    if (isolated) {
      out.push_back("/opt/" + sub);
    } else {
      for (auto it = config.layer_dirs.rbegin(); it != config.layer_dirs.rend(); ++it) {
        out.push_back(*it + "/" + sub);
      }
    }
    return out;
  };

  SandboxSpec spec;
  spec.code_dir = config.code_dir;
  spec.layer_dirs = config.layer_dirs;
  spec.memory_limit_mb = config.memory_mb;
  spec.tmp_size_mb = config.ephemeral_storage_mb;
  spec.mode = mode;
  spec.extra_ro_binds.push_back(installation.runtimes_dir);

  std::map<std::string, std::string> env;  // overridable defaults first
  env["PATH"] = "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin";
  env["LD_LIBRARY_PATH"] = Join({"/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib",
                                 task_root, task_root + "/lib", Join(opt_paths("lib"), ":")},
                                ":");
  env["LANG"] = "en_US.UTF-8";
  env["TZ"] = ":UTC";
  // The environment's uid has no passwd entry, so without HOME the home
  // directory lookup fails: Node's os.homedir() throws, and with it the AWS
  // SDK for JavaScript's shared-config loading.
  env["HOME"] = "/tmp";
  env["AWS_ENDPOINT_URL"] = facts.endpoint_url;

  std::string runtime_dir = "/var/runtime";
  switch (language) {
    case Language::kNode: {
      // The flags of AWS's Node bootstrap: V8 sized to the function's memory
      // (a tenth for the young generation, in two semi-spaces, the rest for
      // the old), gc() exposed, 80 KiB HTTP headers. Without the sizes V8
      // takes its limits from the host, and a function that allocates freely
      // is killed at its memory limit where AWS's collects garbage.
      const int64_t new_space_mb = config.memory_mb / 10;
      spec.argv = {installation.node_path,
                   "--expose-gc",
                   "--max-http-header-size=81920",
                   "--max-semi-space-size=" + std::to_string(new_space_mb / 2),
                   "--max-old-space-size=" + std::to_string(config.memory_mb - new_space_mb),
                   installation.runtimes_dir + "/node/index.js"};
      if (!InSystemDirs(installation.node_path)) {
        spec.extra_ro_binds.push_back(fs::path(installation.node_path).parent_path().string());
      }
      std::vector<std::string> node_path =
          opt_paths("nodejs/" + NodeMajor(config.runtime) + "/node_modules");
      for (std::string& p : opt_paths("nodejs/node_modules")) node_path.push_back(std::move(p));
      if (!installation.node_modules_dir.empty()) {
        node_path.push_back(installation.node_modules_dir);
        spec.extra_ro_binds.push_back(installation.node_modules_dir);
        spec.extra_ro_mounts.emplace_back(installation.node_modules_dir, "/node_modules");
      }
      node_path.push_back(task_root);
      env["NODE_PATH"] = Join(node_path, ":");
      runtime_dir = installation.runtimes_dir + "/node";
      break;
    }
    case Language::kPython: {
      if (installation.python_executable.empty()) {
        return Error{502, "Runtime.InvalidEntrypoint",
                     "Kumo cannot run " + config.runtime + ": " + installation.python_error};
      }
      spec.argv = {installation.python_executable,
                   installation.runtimes_dir + "/python/bootstrap.py"};
      if (!InSystemDirs(installation.python_prefix)) {
        spec.extra_ro_binds.push_back(installation.python_prefix);
      }
      std::vector<std::string> python_path =
          opt_paths("python/lib/python" + installation.python_version + "/site-packages");
      for (std::string& p : opt_paths("python")) python_path.push_back(std::move(p));
      env["PYTHONPATH"] = Join(python_path, ":");
      runtime_dir = installation.runtimes_dir + "/python";
      break;
    }
    case Language::kProvided: {
      std::string bootstrap;
      if (Exists(config.code_dir + "/bootstrap")) {
        bootstrap = task_root + "/bootstrap";
      } else {
        for (auto it = config.layer_dirs.rbegin(); it != config.layer_dirs.rend(); ++it) {
          if (Exists(*it + "/bootstrap")) {
            bootstrap = isolated ? "/opt/bootstrap" : *it + "/bootstrap";
            break;
          }
        }
      }
      if (bootstrap.empty()) {
        return Error{502, "Runtime.InvalidEntrypoint",
                     "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]"};
      }
      spec.argv = {bootstrap};
      break;
    }
    case Language::kUnknown:
      break;
  }

  for (const auto& [name, value] : config.environment) {
    if (!kReserved.contains(name)) env[name] = value;
  }
  env["_HANDLER"] = config.handler;
  env["AWS_LAMBDA_RUNTIME_API"] = facts.runtime_api;
  env["LAMBDA_TASK_ROOT"] = task_root;
  env["LAMBDA_RUNTIME_DIR"] = runtime_dir;
  env["AWS_LAMBDA_FUNCTION_NAME"] = config.function_name;
  env["AWS_LAMBDA_FUNCTION_VERSION"] = config.version;
  env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(config.memory_mb);
  env["AWS_LAMBDA_LOG_GROUP_NAME"] = facts.log_group;
  env["AWS_LAMBDA_LOG_STREAM_NAME"] = facts.log_stream;
  env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
  env["AWS_REGION"] = config.region;
  env["AWS_DEFAULT_REGION"] = config.region;
  if (language != Language::kProvided) env["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + config.runtime;
  if (config.log_format == "JSON") env["AWS_LAMBDA_LOG_FORMAT"] = "JSON";
  env["AWS_ACCESS_KEY_ID"] = facts.access_key_id;
  env["AWS_SECRET_ACCESS_KEY"] = facts.secret_access_key;
  if (!facts.session_token.empty()) env["AWS_SESSION_TOKEN"] = facts.session_token;

  spec.env.reserve(env.size());
  for (auto& [name, value] : env) spec.env.push_back(name + "=" + value);
  return spec;
}

}  // namespace kumo::runtime
