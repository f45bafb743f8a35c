#include "storage/rocks_engine.h"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace kumo::storage {
namespace {

// Sized for a small server: the whole database shares these budgets.
constexpr size_t kBlockCacheBytes = 64 << 20;
constexpr size_t kMemtableBytesPerFamily = 16 << 20;
constexpr size_t kMemtableBytesTotal = 64 << 20;
// With several families, a rarely written one pins old WAL files; past this
// size RocksDB flushes it so the WAL (and recovery time) stays bounded.
constexpr uint64_t kMaxWalBytes = 128 << 20;
constexpr char kMemoryPath[] = "/kumo-in-memory";

// Each Engine hands out ids from its own range of kMaxFamilies, so a Family
// from another (or an earlier) store is recognised instead of silently
// addressing the wrong column family. Ranges are reused after ~4 million
// opens in one process; the top range is left out so no id is UINT32_MAX.
uint32_t NextIdBase() {
  static std::atomic<uint32_t> next{0};
  constexpr uint32_t kRanges = UINT32_MAX / Engine::kMaxFamilies;
  return (next.fetch_add(1, std::memory_order_relaxed) % kRanges) * Engine::kMaxFamilies;
}

rocksdb::CompressionType BestCompression() {
  // Debian's librocksdb links liblz4; fall back rather than fail elsewhere.
  const auto supported = rocksdb::GetSupportedCompressions();
  const bool lz4 =
      std::find(supported.begin(), supported.end(), rocksdb::kLZ4Compression) != supported.end();
  return lz4 ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;
}

rocksdb::ColumnFamilyOptions FamilyOptions() {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(kBlockCacheBytes);  // shared by all families
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;  // bounded memory, counted in the cache
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  // A hash index in each data block: a point read (GetItem, a condition's
  // old item) finds its key without the binary search over restart points.
  table.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;

  rocksdb::ColumnFamilyOptions family;
  family.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  family.compression = BestCompression();
  family.write_buffer_size = kMemtableBytesPerFamily;
  // A bloom filter over the memtable's whole keys: a point read of a key
  // that is not among the recent writes skips the skiplist search.
  family.memtable_whole_key_filtering = true;
  family.memtable_prefix_bloom_size_ratio = 0.02;
  family.level_compaction_dynamic_level_bytes = true;
  return family;
}

rocksdb::DBOptions DatabaseOptions(rocksdb::Env* env) {
  rocksdb::DBOptions db;
  db.create_if_missing = true;
  db.create_missing_column_families = true;
  db.max_background_jobs = 2;
  db.db_write_buffer_size = kMemtableBytesTotal;
  db.max_total_wal_size = kMaxWalBytes;
  db.max_open_files = 512;
  db.bytes_per_sync = 1 << 20;
  db.keep_log_file_num = 5;
  db.max_log_file_size = 4 << 20;
  if (env != nullptr) db.env = env;
  return db;
}

Error OpenError(const rocksdb::Status& status, const std::string& path) {
  // RocksDB reports a held LOCK file as an IO error "While lock file: ...".
  if (status.IsIOError() && status.ToString().find("lock") != std::string::npos) {
    return Internal("storage: cannot open " + path +
                    ": the database is locked by another process or store (" + status.ToString() +
                    ")");
  }
  return ToError(status, "cannot open " + path);
}

}  // namespace

Error ToError(const rocksdb::Status& status, std::string_view context) {
  std::string message = "storage: ";
  message.append(context);
  message.append(": ");
  message.append(status.ToString());
  return Internal(std::move(message));
}

Result<std::shared_ptr<Engine>> Engine::Open(const Options& options) {
  std::shared_ptr<Engine> engine(new Engine());
  engine->in_memory_ = options.in_memory;
  engine->id_base_ = NextIdBase();
  engine->family_options_ = FamilyOptions();
  if (options.in_memory) {
    engine->memory_env_.reset(rocksdb::NewMemEnv(rocksdb::Env::Default()));
    engine->path_ = kMemoryPath;
  } else {
    if (options.path.empty()) return Internal("storage: Options.path is empty");
    engine->path_ = options.path;
    std::error_code ec;
    std::filesystem::create_directories(engine->path_, ec);
    if (ec) return Internal("storage: cannot create " + engine->path_ + ": " + ec.message());
  }
  const rocksdb::DBOptions db_options = DatabaseOptions(engine->memory_env_.get());
  const std::string& path = engine->path_;

  // Every existing family must be opened, or RocksDB refuses the database.
  std::vector<std::string> names;
  if (db_options.env->FileExists(path + "/CURRENT").ok()) {
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(db_options, path, &names);
    if (!s.ok()) return OpenError(s, path);
  }
  if (std::find(names.begin(), names.end(), rocksdb::kDefaultColumnFamilyName) == names.end()) {
    names.push_back(rocksdb::kDefaultColumnFamilyName);
  }
  if (names.size() > kMaxFamilies) {
    return Internal("storage: cannot open " + path + ": it has " + std::to_string(names.size()) +
                    " families, more than " + std::to_string(kMaxFamilies));
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) descriptors.emplace_back(name, engine->family_options_);

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status s = rocksdb::DB::Open(db_options, path, descriptors, &handles, &engine->db_);
  if (!s.ok()) return OpenError(s, path);
  for (size_t i = 0; i < handles.size(); ++i) {
    engine->handles_[i] = handles[i];
    engine->ids_[names[i]] = static_cast<uint32_t>(i);
  }
  engine->count_.store(static_cast<uint32_t>(handles.size()), std::memory_order_release);

  // In memory nothing survives the process, so a WAL would be pure cost.
  engine->write_options_.disableWAL = options.in_memory;
  engine->write_options_.sync = !options.in_memory && options.durability == Durability::kSync;
  return engine;
}

Engine::~Engine() {
  // Nobody can report this status any more: Close() reported the one that mattered.
  IgnoreError(Shutdown());
}

Result<uint32_t> Engine::OpenFamily(const std::string& name) {
  if (name.empty()) return Internal("storage: a family name must not be empty");
  std::lock_guard lock(families_mu_);
  if (auto it = ids_.find(name); it != ids_.end()) return id_base_ + it->second;
  const uint32_t index = count_.load(std::memory_order_relaxed);
  if (index >= kMaxFamilies) {
    return Internal("storage: cannot create family " + name + ": the limit is " +
                    std::to_string(kMaxFamilies));
  }
  rocksdb::ColumnFamilyHandle* handle = nullptr;
  rocksdb::Status s = db_->CreateColumnFamily(family_options_, name, &handle);
  if (!s.ok()) return ToError(s, "cannot create family " + name + " in " + path_);
  handles_[index] = handle;
  ids_[name] = index;
  count_.store(index + 1, std::memory_order_release);
  return id_base_ + index;
}

Status Engine::Append(const WriteBatch& batch, rocksdb::WriteBatch& out) const {
  out.SetSavePoint();
  auto fail = [&out](Error error) -> Status {
    // Cannot fail: the save point was set above.
    rocksdb::Status rolled_back = out.RollbackToSavePoint();
    (void)rolled_back;
    return error;
  };
  for (const WriteBatch::Op& op : batch.ops()) {
    rocksdb::ColumnFamilyHandle* handle = Handle(op.family.id());
    if (handle == nullptr) return fail(Internal("storage: write to a family of another store"));
    rocksdb::Status s;
    switch (op.type) {
      case WriteBatch::OpType::kPut:
        s = out.Put(handle, op.key, op.value);
        break;
      case WriteBatch::OpType::kDelete:
        s = out.Delete(handle, op.key);
        break;
      case WriteBatch::OpType::kDeleteRange:
        if (op.key < op.value) s = out.DeleteRange(handle, op.key, op.value);  // else empty range
        break;
    }
    if (!s.ok()) return fail(ToError(s, "write batch"));
  }
  rocksdb::Status popped = out.PopSavePoint();  // cannot fail: the save point exists
  (void)popped;
  return Status::Ok();
}

Status Engine::Flush() {
  if (in_memory_ || db_ == nullptr) return Status::Ok();
  // kProcess writes left the WAL in the OS cache; make it durable first.
  KUMO_RETURN_IF_ERROR(ToStatus(db_->SyncWAL(), "sync WAL of " + path_));
  std::vector<rocksdb::ColumnFamilyHandle*> handles(
      handles_.begin(), handles_.begin() + count_.load(std::memory_order_acquire));
  rocksdb::FlushOptions flush;
  flush.allow_write_stall = true;
  return ToStatus(db_->Flush(flush, handles), "flush " + path_);
}

Status Engine::Shutdown() {
  if (db_ == nullptr) return Status::Ok();
  const uint32_t count = count_.exchange(0, std::memory_order_acq_rel);
  for (uint32_t i = 0; i < count; ++i) {
    // Only fails for a null handle; these come from Open/CreateColumnFamily.
    rocksdb::Status destroyed = db_->DestroyColumnFamilyHandle(handles_[i]);
    (void)destroyed;
    handles_[i] = nullptr;
  }
  rocksdb::Status s = db_->Close();
  delete db_;
  db_ = nullptr;
  return ToStatus(s, "close " + path_);
}

}  // namespace kumo::storage
