#include "functions/code_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "common/encoding.h"
#include "functions/zip_extract.h"

namespace kumo::functions {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTempPrefix = ".tmp-";

Error IoError(std::string_view what, const std::string& path) {
  return Internal(std::string(what) + " " + path + ": " + std::strerror(errno));
}

Status SyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return IoError("open", path);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return IoError("fsync", path);
  return Status::Ok();
}

Status WriteFileSynced(const std::string& path, std::string_view data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("create", path);
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t w = ::write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      ::close(fd);
      return IoError("write", path);
    }
    p += w;
    left -= static_cast<size_t>(w);
  }
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return IoError("fsync", path);
  return Status::Ok();
}

// True when `name` is a digest this store wrote: 64 lower-case hex digits.
bool IsDigestName(std::string_view name) {
  if (name.size() != 64) return false;
  for (char c : name) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<CodeStore>> CodeStore::Open(const std::string& root, bool temporary) {
  std::string dir = root;
  if (temporary) {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/kumo-code-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) return IoError("mkdtemp", tmpl);
    dir = tmpl;
  } else {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Internal("cannot create code directory " + dir + ": " + ec.message());
  }
  return std::unique_ptr<CodeStore>(new CodeStore(dir, temporary));
}

CodeStore::~CodeStore() {
  if (temporary_) {
    std::error_code ec;
    fs::remove_all(root_, ec);  // best effort: a leftover temp dir harms nothing
  }
}

std::string CodeStore::DirFor(std::string_view sha256_hex) const {
  return root_ + "/" + std::string(sha256_hex);
}

std::string CodeStore::ZipPathFor(std::string_view sha256_hex) const {
  return root_ + "/" + std::string(sha256_hex) + ".zip";
}

bool CodeStore::Has(std::string_view sha256_hex) const {
  struct stat st;
  return ::stat(DirFor(sha256_hex).c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
         ::stat(ZipPathFor(sha256_hex).c_str(), &st) == 0;
}

Result<StoredCode> CodeStore::Put(std::string_view zip) const {
  std::string digest = Sha256(zip);
  StoredCode code;
  code.sha256_hex = HexEncode(digest);
  code.sha256_base64 = Base64Encode(digest);
  code.size = static_cast<int64_t>(zip.size());
  if (Has(code.sha256_hex)) return code;

  std::string tmp_dir = root_ + "/" + std::string(kTempPrefix) + RandomHex(8);
  if (::mkdir(tmp_dir.c_str(), 0755) != 0) return IoError("mkdir", tmp_dir);
  ::chmod(tmp_dir.c_str(), 0755);  // whatever the umask: the sandbox user reads it
  Result<ExtractStats> extracted = ExtractZip(zip, tmp_dir);
  std::error_code ec;
  if (!extracted.ok()) {
    fs::remove_all(tmp_dir, ec);
    return extracted.error();
  }
  std::string tmp_zip = tmp_dir + ".zip";
  if (Status s = WriteFileSynced(tmp_zip, zip); !s.ok()) {
    fs::remove_all(tmp_dir, ec);
    return s.error();
  }
  // The zip first: a directory that exists always has its zip beside it.
  if (::rename(tmp_zip.c_str(), ZipPathFor(code.sha256_hex).c_str()) != 0) {
    fs::remove_all(tmp_dir, ec);
    ::unlink(tmp_zip.c_str());
    return IoError("rename", tmp_zip);
  }
  std::string final_dir = DirFor(code.sha256_hex);
  if (::rename(tmp_dir.c_str(), final_dir.c_str()) != 0) {
    bool lost_race = errno == ENOTEMPTY || errno == EEXIST;
    fs::remove_all(tmp_dir, ec);
    if (!lost_race) return IoError("rename", tmp_dir);
  }
  KUMO_RETURN_IF_ERROR(SyncPath(root_, O_RDONLY | O_DIRECTORY));
  return code;
}

std::optional<std::string> CodeStore::ReadZip(std::string_view sha256_hex) const {
  std::ifstream in(ZipPathFor(sha256_hex), std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Status CodeStore::RemoveAllExcept(const std::set<std::string>& keep) const {
  std::error_code ec;
  std::vector<fs::path> doomed;
  for (fs::directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::string digest = name.ends_with(".zip") ? name.substr(0, name.size() - 4) : name;
    bool temp = name.starts_with(kTempPrefix);
    if (temp || (IsDigestName(digest) && keep.count(digest) == 0)) doomed.push_back(it->path());
  }
  if (ec) return Internal("cannot list " + root_ + ": " + ec.message());
  for (const fs::path& path : doomed) {
    fs::remove_all(path, ec);
    if (ec) return Internal("cannot remove " + path.string() + ": " + ec.message());
  }
  return Status::Ok();
}

}  // namespace kumo::functions
