#include "cli/logs_command.h"

#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <set>
#include <thread>

#include "cli/aws_client.h"
#include "common/clock.h"

namespace kumo::cli {
namespace {

volatile std::sig_atomic_t g_stop = 0;

// "90s", "10m", "2h", "1d" → milliseconds; -1 when malformed.
int64_t ParseSince(const std::string& text) {
  if (text.size() < 2) return -1;
  int64_t n = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    n = n * 10 + (text[i] - '0');
  }
  switch (text.back()) {
    case 's': return n * 1000;
    case 'm': return n * 60'000;
    case 'h': return n * 3'600'000;
    case 'd': return n * 86'400'000;
    default: return -1;
  }
}

}  // namespace

int RunLogs(const LogsOptions& options) {
  int64_t since = ParseSince(options.since);
  if (since < 0) {
    std::fprintf(stderr, "kumo logs: --since takes a number and a unit (30s, 10m, 2h, 1d), not '%s'\n",
                 options.since.c_str());
    return 2;
  }
  auto client = AwsClient::Connect(options.endpoint, options.region);
  if (!client.ok()) {
    std::fprintf(stderr, "kumo logs: %s\n", client.error().message.c_str());
    return 1;
  }
  std::string group = options.name.starts_with("/") ? options.name : "/aws/lambda/" + options.name;
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });

  int64_t start = Clock::System().NowMillis() - since;
  // Events at the newest timestamp already printed, so a poll that starts
  // at that millisecond again does not print them twice.
  std::set<std::string> seen_at_start;
  while (!g_stop) {
    std::string token;
    int64_t newest = start;
    std::set<std::string> seen_at_newest = seen_at_start;
    do {
      boost::json::object body{{"logGroupName", group}, {"startTime", start}};
      if (!token.empty()) body["nextToken"] = token;
      if (!options.filter.empty()) body["filterPattern"] = options.filter;
      auto page = (*client)->CallJson("logs", "Logs_20140328.FilterLogEvents", body);
      if (!page.ok()) {
        if (page.error().code == "ResourceNotFoundException" && options.follow) break;  // not yet created
        std::fprintf(stderr, "kumo logs: %s: %s\n", page.error().code.c_str(), page.error().message.c_str());
        return 1;
      }
      for (const auto& e : page->at("events").as_array()) {
        const auto& ev = e.as_object();
        int64_t ts = ev.at("timestamp").to_number<int64_t>();
        std::string id(ev.at("eventId").as_string());
        if (ts == start && seen_at_start.count(id)) continue;
        if (ts > newest) {
          newest = ts;
          seen_at_newest.clear();
        }
        if (ts == newest) seen_at_newest.insert(id);
        std::string message(ev.at("message").as_string());
        while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
        std::printf("%s %s %s\n", FormatIso8601(ts, true).c_str(),
                    std::string(ev.at("logStreamName").as_string()).c_str(), message.c_str());
      }
      std::fflush(stdout);
      token = page->contains("nextToken") && page->at("nextToken").is_string()
                  ? std::string(page->at("nextToken").as_string())
                  : "";
    } while (!token.empty() && !g_stop);
    if (!options.follow) break;
    start = newest;
    seen_at_start = std::move(seen_at_newest);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the poll interval of --follow
  }
  return 0;
}

}  // namespace kumo::cli
