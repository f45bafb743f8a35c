// Helpers shared by the storage tests.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "storage/store.h"

namespace kumo::storage::testing {

// A fresh directory, removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "kumo-storage-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp " << pattern;
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The opened store, or nullptr after recording a test failure.
inline std::unique_ptr<Store> OpenOrFail(const Options& options) {
  Result<std::unique_ptr<Store>> store = Store::Open(options);
  if (!store.ok()) {
    ADD_FAILURE() << "Open: " << store.error().message;
    return nullptr;
  }
  return std::move(store).value();
}

inline Family FamilyOrFail(Store& store, const std::string& name) {
  Result<Family> family = store.OpenFamily(name);
  if (!family.ok()) {
    ADD_FAILURE() << "OpenFamily " << name << ": " << family.error().message;
    return Family();
  }
  return family.value();
}

inline Status Put(Store& store, Family family, std::string_view key, std::string_view value) {
  WriteBatch batch;
  batch.Put(family, key, value);
  return store.Write(batch);
}

// The value at `key`, "<absent>" when missing, "<error: ...>" on failure.
inline std::string GetOrMarker(Store& store, Family family, std::string_view key,
                               const Snapshot* snapshot = nullptr) {
  Result<std::optional<std::string>> value = store.Get(family, key, snapshot);
  if (!value.ok()) return "<error: " + value.error().message + ">";
  return value.value().has_value() ? *value.value() : "<absent>";
}

}  // namespace kumo::storage::testing
