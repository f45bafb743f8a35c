// A separate process for store_process_test.cc.
//
//   storage_test_child write DIR  writes ChildKey(0), ChildKey(1), ... with
//                                 blocking kSync writes, printing "N\n" on
//                                 stdout once write N is acknowledged, until
//                                 killed (or stdout closes).
//   storage_test_child hold DIR   opens DIR, prints "ready\n", and keeps it
//                                 open until stdin reaches EOF.
#include "storage/store_test_child.h"

#include <unistd.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "storage/store.h"

namespace {

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

int Fail(std::string_view what, const kumo::Error& error) {
  std::fprintf(stderr, "storage_test_child: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               error.message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kumo::storage;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s write|hold DIR\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  auto store = Store::Open(Options{argv[2], false, Durability::kSync});
  if (!store.ok()) return Fail("open", store.error());
  auto family = store.value()->OpenFamily(testing::kChildFamily);
  if (!family.ok()) return Fail("open family", family.error());

  if (mode == "write") {
    for (uint64_t i = 0;; ++i) {
      WriteBatch batch;
      batch.Put(family.value(), testing::ChildKey(i), testing::ChildValue(i));
      kumo::Status written = store.value()->Write(batch);
      if (!written.ok()) return Fail("write", written.error());
      if (!WriteAll(STDOUT_FILENO, std::to_string(i) + "\n")) return 0;  // the reader left
    }
  }
  if (mode == "hold") {
    if (!WriteAll(STDOUT_FILENO, "ready\n")) return 1;
    char c;
    while (read(STDIN_FILENO, &c, 1) > 0) {
    }
    kumo::Status closed = store.value()->Close();
    return closed.ok() ? 0 : Fail("close", closed.error());
  }
  std::fprintf(stderr, "storage_test_child: unknown mode %s\n", mode.c_str());
  return 2;
}
