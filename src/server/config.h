// ServerConfig: everything `kumo server` can be told on its command line.
#pragma once

#include <cstdint>
#include <string>

namespace kumo::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 4566;
  std::string data_dir = ".kumo";
  bool in_memory = false;
  std::string auth = "off";       // "off" or "sigv4"
  std::string credentials_file;   // AWS shared-credentials INI; empty: test/test
  std::string region = "us-east-1";
  std::string log_level = "info";  // trace, debug, info, warn, error, off
  int threads = 0;                 // 0: one per core
  bool fsync = true;              // fsync the WAL before acknowledging writes
  uint64_t max_body_mb = 80;      // request body limit (a 50 MB zip is ~67 MB as JSON)
  int account_concurrency = 1000;  // concurrent executions across all functions
  int function_keep_alive_s = 600;  // an idle execution environment is reaped after this
  int event_retry_base_ms = 60000;  // first retry delay of a failed Event invocation
  int idle_timeout_s = 120;     // a keep-alive connection with no request is closed
  int request_timeout_s = 60;   // to receive one whole request once it started
  int ttl_interval_s = 60;      // how often expired table items (TTL) are swept
};

inline constexpr char kAccountId[] = "000000000000";
inline constexpr char kVersion[] = "0.1.0";

}  // namespace kumo::server
