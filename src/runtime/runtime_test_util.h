// Helpers for the runtime tests: a FunctionRegistry fake, a recording
// LogSink, world-readable code directories, a bounded synchronous Invoke and
// a loopback TCP client.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "functions/invoker.h"
#include "functions/registry.h"
#include "runtime/execution_engine.h"
#include "runtime/log_sink.h"

namespace kumo::runtime::testing {

class FakeRegistry : public functions::FunctionRegistry {
 public:
  void Put(const functions::FunctionConfig& config);
  void Remove(const std::string& name);
  // Tells the listeners, as the control plane does after a change.
  void Notify(const functions::FunctionChange& change);

  Result<functions::FunctionConfig> Resolve(std::string_view region, std::string_view function,
                                            std::string_view qualifier) const override;
  uint64_t AddChangeListener(functions::ChangeListener listener) override;
  void RemoveChangeListener(uint64_t id) override;

 private:
  mutable std::mutex mu_;
  std::map<std::string, functions::FunctionConfig, std::less<>> functions_;
  std::map<uint64_t, functions::ChangeListener> listeners_;
  uint64_t next_id_ = 1;
};

class RecordingSink : public LogSink {
 public:
  struct Entry {
    std::string region, group, stream;
    LogEvent event;
  };
  void Append(const std::string& region, const std::string& group, const std::string& stream,
              std::vector<LogEvent> events) override;
  std::vector<Entry> Entries() const;
  // Every message of `stream`, concatenated in order.
  std::string StreamText(const std::string& stream) const;
  // Waits (bounded) until the stream's text contains `needle`.
  bool WaitFor(const std::string& stream, const std::string& needle,
               std::chrono::milliseconds bound = std::chrono::seconds(10)) const;

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<Entry> entries_;
};

// A directory under the system temp dir that uid 993 can read.
class CodeDir {
 public:
  CodeDir();
  ~CodeDir();
  const std::string& path() const { return path_; }
  void Write(const std::string& name, const std::string& content, bool executable = false) const;

 private:
  std::string path_;
};

functions::FunctionConfig MakeConfig(const std::string& name, const std::string& runtime,
                                     const std::string& handler, const std::string& code_dir);

functions::InvokeRequest MakeRequest(const functions::FunctionConfig& config, std::string payload);

// Invoke and wait (bounded) for done.
Result<functions::InvokeResult> InvokeAndWait(
    functions::Invoker& invoker, functions::InvokeRequest request,
    std::chrono::milliseconds bound = std::chrono::seconds(60));

// A TCP socket connected to 127.0.0.1:`port` (-1 on failure).
int ConnectLoopback(uint16_t port);

// Polls `condition` every millisecond until it holds or `bound` passes.
bool WaitUntil(const std::function<bool()>& condition,
               std::chrono::milliseconds bound = std::chrono::seconds(10));

}  // namespace kumo::runtime::testing
