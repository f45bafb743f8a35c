// What the test child (store_test_child.cc) writes, shared with the tests
// that check it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace kumo::storage::testing {

inline constexpr char kChildFamily[] = "crash";

inline std::string ChildKey(uint64_t i) {
  char key[32];
  std::snprintf(key, sizeof key, "key%012llu", static_cast<unsigned long long>(i));
  return key;
}

inline std::string ChildValue(uint64_t i) { return "value-" + std::to_string(i); }

}  // namespace kumo::storage::testing
