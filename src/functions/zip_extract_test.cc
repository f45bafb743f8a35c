// Unpacking untrusted zips: content and executable bits survive, nothing is
// written or linked outside the target directory, limits hold.
#include "functions/zip_extract.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "functions/testing/test_zip.h"

namespace kumo::functions {
namespace {

namespace fs = std::filesystem;
using testing::MakeZip;
using testing::ZipEntry;

class ZipExtractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/kumo-zip-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/out";
    fs::create_directory(dir_);
  }
  void TearDown() override { fs::remove_all(root_); }

  Result<ExtractStats> Extract(const std::vector<ZipEntry>& entries,
                               int64_t max = kMaxUnzippedBytes) {
    return ExtractZip(MakeZip(entries), dir_, max);
  }
  std::string Read(const std::string& rel) {
    std::ifstream in(dir_ + "/" + rel, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  mode_t Mode(const std::string& rel) {
    struct stat st;
    EXPECT_EQ(::lstat((dir_ + "/" + rel).c_str(), &st), 0) << rel;
    return st.st_mode;
  }
  void ExpectRejected(const std::vector<ZipEntry>& entries, const std::string& why) {
    Result<ExtractStats> r = Extract(entries);
    ASSERT_FALSE(r.ok()) << why;
    EXPECT_EQ(r.error().code, "InvalidParameterValueException") << why;
    EXPECT_EQ(r.error().http_status, 400);
    EXPECT_NE(r.error().message.find("Could not unzip uploaded file"), std::string::npos);
    EXPECT_FALSE(fs::exists(root_ + "/evil")) << why << ": something escaped";
  }

  std::string root_;
  std::string dir_;
};

TEST_F(ZipExtractTest, UnpacksFilesDirectoriesAndExecutableBits) {
  Result<ExtractStats> r = Extract({{"bootstrap", "#!/bin/sh\necho hi\n", 0100755},
                                    {"lib/", "", 040755},
                                    {"lib/util.py", "x = 1\n", 0100600},
                                    {"deep/a/b/c.txt", "abc", 0100644}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(Read("bootstrap"), "#!/bin/sh\necho hi\n");
  EXPECT_EQ(Mode("bootstrap") & 0777, 0755u);
  EXPECT_EQ(Mode("lib/util.py") & 0777, 0644u) << "readable by the sandbox user, not executable";
  EXPECT_TRUE(S_ISDIR(Mode("deep/a/b")));
  EXPECT_EQ(Read("deep/a/b/c.txt"), "abc");
  EXPECT_EQ(r->unzipped_bytes, 18 + 6 + 3);
}

TEST_F(ZipExtractTest, ArchivesWithoutUnixModesStillGetAnExecutableBootstrap) {
  ASSERT_TRUE(Extract({{"bootstrap", "x", 0, false}, {"other", "y", 0, false}}).ok());
  EXPECT_EQ(Mode("bootstrap") & 0777, 0755u);
  EXPECT_EQ(Mode("other") & 0777, 0644u);
}

TEST_F(ZipExtractTest, KeepsSymlinksThatStayInside) {
  Result<ExtractStats> r = Extract({{"node_modules/pkg/cli.js", "run()"},
                                    {"node_modules/.bin/pkg", "../pkg/cli.js", 0120777},
                                    {"current", "node_modules", 0120777}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(S_ISLNK(Mode("node_modules/.bin/pkg")));
  EXPECT_EQ(Read("node_modules/.bin/pkg"), "run()");
  EXPECT_EQ(Read("current/pkg/cli.js"), "run()");
}

TEST_F(ZipExtractTest, RejectsEntriesThatClimbOut) {
  ExpectRejected({{"../evil", "x"}}, "dot-dot");
  ExpectRejected({{"a/../../evil", "x"}}, "dot-dot inside");
  ExpectRejected({{"/tmp/evil", "x"}}, "absolute");
}

TEST_F(ZipExtractTest, RejectsSymlinksThatPointOutside) {
  ExpectRejected({{"link", "../..", 0120777}}, "relative escape");
  ExpectRejected({{"link", "/etc/passwd", 0120777}}, "absolute target");
  // Each link looks harmless alone; together "s1/x" resolves to the parent
  // of the code directory.
  ExpectRejected({{"s1", ".", 0120777}, {"s1/x", "..", 0120777}}, "link through a link");
  ExpectRejected({{"a", "b", 0120777}, {"b", "..", 0120777}}, "chain");
}

TEST_F(ZipExtractTest, NeverWritesThroughALink) {
  // "out" links to the test root; a later file "out/evil" must not land there.
  Result<ExtractStats> r = Extract({{"out", "..", 0120777}, {"out/evil", "x"}});
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(fs::exists(root_ + "/evil"));
}

TEST_F(ZipExtractTest, EnforcesTheUnzippedLimit) {
  Result<ExtractStats> r = Extract({{"big", std::string(2000, 'a')}}, 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "Unzipped size must be smaller than 1000 bytes");
}

TEST_F(ZipExtractTest, RejectsWhatIsNotAZip) {
  Result<ExtractStats> r = ExtractZip("definitely not a zip file", dir_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "Could not unzip uploaded file. Please check your file, then try to upload again.");
}

}  // namespace
}  // namespace kumo::functions
