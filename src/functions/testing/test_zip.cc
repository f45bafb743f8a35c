#include "functions/testing/test_zip.h"

#include <zip.h>

#include <ctime>
#include <stdexcept>

namespace kumo::functions::testing {

std::string MakeZip(const std::vector<ZipEntry>& entries) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) throw std::runtime_error("zip_source_buffer_create");
  zip_source_keep(buffer);
  zip_t* za = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (za == nullptr) throw std::runtime_error("zip_open_from_source");
  for (const ZipEntry& e : entries) {
    zip_int64_t index;
    if (!e.name.empty() && e.name.back() == '/') {
      index = zip_dir_add(za, e.name.c_str(), ZIP_FL_ENC_RAW);
    } else {
      zip_source_t* data = zip_source_buffer(za, e.content.data(), e.content.size(), 0);
      index = zip_file_add(za, e.name.c_str(), data, ZIP_FL_ENC_RAW | ZIP_FL_OVERWRITE);
    }
    if (index < 0) throw std::runtime_error("zip add " + e.name + ": " + zip_strerror(za));
    // A fixed time: libzip would stamp the current one (2-second DOS
    // precision), and two zips of the same files made across a tick would
    // differ (a test comparing a CodeSha256 with a second zip failed so).
    constexpr time_t kFixedMtime = 1700000000;  // 2023-11-14T22:13:20Z
    if (zip_file_set_mtime(za, static_cast<zip_uint64_t>(index), kFixedMtime, 0) != 0) {
      throw std::runtime_error("zip set mtime " + e.name + ": " + zip_strerror(za));
    }
    zip_uint8_t opsys = e.unix_attributes ? ZIP_OPSYS_UNIX : ZIP_OPSYS_DOS;
    zip_uint32_t attr = e.unix_attributes ? (e.mode << 16) : 0;
    zip_file_set_external_attributes(za, static_cast<zip_uint64_t>(index), 0, opsys, attr);
  }
  if (zip_close(za) != 0) throw std::runtime_error("zip_close");
  zip_stat_t st;
  zip_source_open(buffer);
  zip_source_stat(buffer, &st);
  std::string out(st.size, '\0');
  zip_source_read(buffer, out.data(), out.size());
  zip_source_close(buffer);
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

std::string OneFileZip(const std::string& name, const std::string& content) {
  return MakeZip({{name, content}});
}

}  // namespace kumo::functions::testing
