// WriteBatch and Store::Open: the engine-independent part of store.h.
#include "storage/store.h"

#include "storage/rocks_engine.h"
#include "storage/rocks_store.h"

namespace kumo::storage {

void WriteBatch::Put(Family family, std::string_view key, std::string_view value) {
  bytes_ += key.size() + value.size();
  ops_.push_back(Op{OpType::kPut, family, std::string(key), std::string(value)});
}

void WriteBatch::Delete(Family family, std::string_view key) {
  bytes_ += key.size();
  ops_.push_back(Op{OpType::kDelete, family, std::string(key), std::string()});
}

void WriteBatch::DeleteRange(Family family, std::string_view begin, std::string_view end) {
  bytes_ += begin.size() + end.size();
  ops_.push_back(Op{OpType::kDeleteRange, family, std::string(begin), std::string(end)});
}

Result<std::unique_ptr<Store>> Store::Open(const Options& options) {
  KUMO_ASSIGN_OR_RETURN(std::shared_ptr<Engine> engine, Engine::Open(options));
  return std::unique_ptr<Store>(std::make_unique<RocksStore>(std::move(engine)));
}

}  // namespace kumo::storage
