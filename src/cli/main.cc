// The `kumo` command line: `kumo server`, `kumo version`.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "cli/apis_command.h"
#include "cli/logs_command.h"
#include "server/config.h"
#include "server/server.h"

namespace {

int RunServer(const kumo::server::ServerConfig& config) {
  auto level = spdlog::level::from_str(config.log_level);
  spdlog::set_level(level);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  auto server = kumo::server::Server::Start(config);
  if (!server.ok()) {
    std::fprintf(stderr, "kumo: cannot start: %s\n", server.error().message.c_str());
    return 1;
  }
  std::string services;
  for (const auto& name : (*server)->ServiceNames()) services += (services.empty() ? "" : ", ") + name;
  std::printf("Kumo %s ready on http://%s:%u (region %s, storage %s, auth %s)\nservices: %s\n",
              kumo::server::kVersion, config.host.c_str(), (*server)->port(), config.region.c_str(),
              config.in_memory ? "in-memory" : config.data_dir.c_str(), config.auth.c_str(),
              services.c_str());
  std::fflush(stdout);
  return (*server)->Run();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Kumo: a serverless cloud in one program (Lambda, API Gateway, DynamoDB) on one port."};
  app.require_subcommand(1);

  kumo::server::ServerConfig config;
  auto* server = app.add_subcommand("server", "Run the Kumo server");
  server->add_option("--host", config.host, "Address to listen on")->capture_default_str();
  server->add_option("--port", config.port, "Port to listen on (0 picks a free one)")->capture_default_str();
  server->add_option("--data-dir", config.data_dir, "Where tables, functions and logs are kept")
      ->capture_default_str();
  server->add_flag("--in-memory", config.in_memory, "Keep everything in memory; nothing survives exit");
  server->add_option("--auth", config.auth, "Request authentication")
      ->check(CLI::IsMember({"off", "sigv4"}))
      ->capture_default_str();
  server->add_option("--credentials", config.credentials_file,
                     "AWS shared-credentials file whose keys may sign requests (with --auth sigv4)")
      ->check(CLI::ExistingFile);
  server->add_option("--region", config.region, "Default region")->capture_default_str();
  server->add_option("--log-level", config.log_level, "Server log level")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  server->add_option("--threads", config.threads, "I/O threads (0: one per core)")->capture_default_str();
  server->add_option("--max-body-mb", config.max_body_mb, "Largest request body accepted, in MB")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  server->add_option("--idle-timeout", config.idle_timeout_s,
                     "Seconds a connection may sit idle between requests")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  server->add_option("--request-timeout", config.request_timeout_s,
                     "Seconds a client has to send a whole request")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  server->add_option("--account-concurrency", config.account_concurrency,
                     "Concurrent executions allowed across all functions")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  server->add_option("--function-keep-alive", config.function_keep_alive_s,
                     "Seconds an idle execution environment is kept warm")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  server->add_option("--event-retry-base-ms", config.event_retry_base_ms,
                     "First retry delay of a failed asynchronous invocation (then doubled)")
      ->check(CLI::Range(1, 3600000))
      ->capture_default_str();
  server->add_option("--ttl-interval", config.ttl_interval_s,
                     "Seconds between sweeps deleting expired table items (TTL)")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  server->add_flag("!--no-fsync", config.fsync,
                   "Acknowledge writes once in the OS (survives kill -9, not power loss)");

  kumo::cli::LogsOptions logs_options;
  auto* logs = app.add_subcommand("logs", "Print a function's log (like `aws logs tail`)");
  logs->add_option("name", logs_options.name, "Function name, or a log group starting with /")->required();
  logs->add_flag("-f,--follow", logs_options.follow, "Keep printing new events until interrupted");
  logs->add_option("--since", logs_options.since, "How far back to start (30s, 10m, 2h, 1d)")
      ->capture_default_str();
  logs->add_option("--filter", logs_options.filter, "A CloudWatch Logs filter pattern");
  logs->add_option("--endpoint", logs_options.endpoint, "Kumo's endpoint")->capture_default_str();
  logs->add_option("--region", logs_options.region, "Region")->capture_default_str();

  kumo::cli::ApisOptions apis_options;
  auto* apis = app.add_subcommand("apis", "HTTP APIs (API Gateway)");
  apis->require_subcommand(1);
  auto* apis_ls = apis->add_subcommand("ls", "List HTTP APIs with their stages and URLs");
  apis_ls->add_option("--endpoint", apis_options.endpoint, "Kumo's endpoint")->capture_default_str();
  apis_ls->add_option("--region", apis_options.region, "Region")->capture_default_str();

  app.add_subcommand("version", "Print the version")->callback([] {
    std::printf("kumo %s\n", kumo::server::kVersion);
  });

  CLI11_PARSE(app, argc, argv);
  if (server->parsed()) return RunServer(config);
  if (logs->parsed()) return kumo::cli::RunLogs(logs_options);
  if (apis_ls->parsed()) return kumo::cli::RunApisList(apis_options);
  return 0;
}
