// The `kumo` command line: `kumo server`, `kumo version`.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

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
  server->add_flag("!--no-fsync", config.fsync,
                   "Acknowledge writes once in the OS (survives kill -9, not power loss)");

  app.add_subcommand("version", "Print the version")->callback([] {
    std::printf("kumo %s\n", kumo::server::kVersion);
  });

  CLI11_PARSE(app, argc, argv);
  if (server->parsed()) return RunServer(config);
  return 0;
}
