#include "runtime/output_lines.h"

namespace kumo::runtime {

void OutputLines::Add(std::string message, int64_t timestamp) {
  bytes_ += message.size();
  events_.push_back(LogEvent{timestamp, std::move(message)});
}

void OutputLines::Feed(std::string_view bytes, int64_t timestamp) {
  while (!bytes.empty()) {
    if (partial_.empty()) partial_timestamp_ = timestamp;
    const size_t newline = bytes.find('\n');
    const size_t room = kMaxEventBytes - partial_.size();
    if (newline == std::string_view::npos || newline >= room) {
      const size_t take = std::min(bytes.size(), room);
      partial_.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (partial_.size() == kMaxEventBytes) Flush();
      continue;
    }
    partial_.append(bytes.substr(0, newline + 1));
    bytes.remove_prefix(newline + 1);
    Add(std::move(partial_), partial_timestamp_);
    partial_.clear();
  }
}

void OutputLines::Flush() {
  if (partial_.empty()) return;
  Add(std::move(partial_), partial_timestamp_);
  partial_.clear();
}

std::vector<LogEvent> OutputLines::Take() {
  std::vector<LogEvent> out;
  out.swap(events_);
  bytes_ = 0;
  return out;
}

void LogTail::Append(std::string_view text) {
  if (text.size() >= kTailBytes) {
    text_.assign(text.substr(text.size() - kTailBytes));
    return;
  }
  text_.append(text);
  if (text_.size() > 2 * kTailBytes) text_.erase(0, text_.size() - kTailBytes);
}

std::string_view LogTail::View() const {
  std::string_view v = text_;
  if (v.size() > kTailBytes) v.remove_prefix(v.size() - kTailBytes);
  return v;
}

}  // namespace kumo::runtime
