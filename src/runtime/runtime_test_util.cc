#include "runtime/runtime_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

namespace kumo::runtime::testing {

namespace fs = std::filesystem;

void FakeRegistry::Put(const functions::FunctionConfig& config) {
  std::lock_guard lock(mu_);
  functions_[config.function_name] = config;
}

void FakeRegistry::Remove(const std::string& name) {
  std::lock_guard lock(mu_);
  functions_.erase(name);
}

void FakeRegistry::Notify(const functions::FunctionChange& change) {
  std::vector<functions::ChangeListener> listeners;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, l] : listeners_) listeners.push_back(l);
  }
  for (auto& l : listeners) l(change);
}

Result<functions::FunctionConfig> FakeRegistry::Resolve(std::string_view region,
                                                        std::string_view function,
                                                        std::string_view qualifier) const {
  std::lock_guard lock(mu_);
  auto it = functions_.find(function);
  if (it == functions_.end() || (!qualifier.empty() && qualifier != it->second.version)) {
    return NotFound("ResourceNotFoundException", "Function not found");
  }
  return it->second;
}

uint64_t FakeRegistry::AddChangeListener(functions::ChangeListener listener) {
  std::lock_guard lock(mu_);
  listeners_[next_id_] = std::move(listener);
  return next_id_++;
}

void FakeRegistry::RemoveChangeListener(uint64_t id) {
  std::lock_guard lock(mu_);
  listeners_.erase(id);
}

void RecordingSink::Append(const std::string& region, const std::string& group,
                           const std::string& stream, std::vector<LogEvent> events) {
  std::lock_guard lock(mu_);
  for (LogEvent& e : events) entries_.push_back({region, group, stream, std::move(e)});
  cv_.notify_all();
}

std::vector<RecordingSink::Entry> RecordingSink::Entries() const {
  std::lock_guard lock(mu_);
  return entries_;
}

std::string RecordingSink::StreamText(const std::string& stream) const {
  std::lock_guard lock(mu_);
  std::string text;
  for (const Entry& e : entries_) {
    if (e.stream == stream) text += e.event.message;
  }
  return text;
}

bool RecordingSink::WaitFor(const std::string& stream, const std::string& needle,
                            std::chrono::milliseconds bound) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, bound, [&] {
    std::string text;
    for (const Entry& e : entries_) {
      if (e.stream == stream) text += e.event.message;
    }
    return text.find(needle) != std::string::npos;
  });
}

CodeDir::CodeDir() {
  std::string tmpl = (fs::temp_directory_path() / "kumo-engine-test-XXXXXX").string();
  path_ = mkdtemp(tmpl.data());
  chmod(path_.c_str(), 0755);
}

CodeDir::~CodeDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void CodeDir::Write(const std::string& name, const std::string& content, bool executable) const {
  const std::string p = path_ + "/" + name;
  std::ofstream(p) << content;
  chmod(p.c_str(), executable ? 0755 : 0644);
}

functions::FunctionConfig MakeConfig(const std::string& name, const std::string& runtime,
                                     const std::string& handler, const std::string& code_dir) {
  functions::FunctionConfig c;
  c.region = "us-east-1";
  c.function_name = name;
  c.function_arn = "arn:aws:lambda:us-east-1:000000000000:function:" + name;
  c.version = "$LATEST";
  c.qualified_arn = c.function_arn + ":$LATEST";
  c.runtime = runtime;
  c.handler = handler;
  c.code_dir = code_dir;
  c.memory_mb = 128;
  c.timeout_seconds = 10;
  c.log_group = "/aws/lambda/" + name;
  c.revision_id = "r1";
  return c;
}

functions::InvokeRequest MakeRequest(const functions::FunctionConfig& config, std::string payload) {
  functions::InvokeRequest r;
  r.config = config;
  r.payload = std::move(payload);
  return r;
}

Result<functions::InvokeResult> InvokeAndWait(functions::Invoker& invoker,
                                              functions::InvokeRequest request,
                                              std::chrono::milliseconds bound) {
  auto promise = std::make_shared<std::promise<Result<functions::InvokeResult>>>();
  auto future = promise->get_future();
  invoker.Invoke(std::move(request), [promise](Result<functions::InvokeResult> result) {
    promise->set_value(std::move(result));
  });
  if (future.wait_for(bound) != std::future_status::ready) {
    return Internal("the invocation did not finish within the test's bound");
  }
  return future.get();
}

int ConnectLoopback(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
  if (fd >= 0) close(fd);
  return -1;
}

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace kumo::runtime::testing
