// The content-addressed code store: one directory and one zip per content,
// AWS's CodeSha256, garbage collection, and the temporary mode.
#include "functions/code_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/encoding.h"
#include "functions/testing/test_zip.h"

namespace kumo::functions {
namespace {

namespace fs = std::filesystem;

class CodeStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/kumo-code-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string root_;
};

TEST_F(CodeStoreTest, StoresContentOnceUnderItsDigest) {
  auto store = CodeStore::Open(root_ + "/code", false);
  ASSERT_TRUE(store.ok());
  std::string zip = testing::OneFileZip("app.py", "print(1)");
  Result<StoredCode> a = (*store)->Put(zip);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->sha256_base64, Base64Encode(Sha256(zip)));
  EXPECT_EQ(a->sha256_hex, HexEncode(Sha256(zip)));
  EXPECT_EQ(a->size, static_cast<int64_t>(zip.size()));
  EXPECT_TRUE(fs::exists((*store)->DirFor(a->sha256_hex) + "/app.py"));
  EXPECT_EQ((*store)->ReadZip(a->sha256_hex), zip);

  Result<StoredCode> b = (*store)->Put(zip);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->sha256_hex, a->sha256_hex);
  size_t entries = std::distance(fs::directory_iterator(root_ + "/code"), {});
  EXPECT_EQ(entries, 2u) << "one directory and one zip, nothing left behind";
}

TEST_F(CodeStoreTest, AFailedPutLeavesNothing) {
  auto store = CodeStore::Open(root_ + "/code", false);
  ASSERT_TRUE(store.ok());
  EXPECT_FALSE((*store)->Put(testing::MakeZip({{"../x", "y"}})).ok());
  EXPECT_EQ(std::distance(fs::directory_iterator(root_ + "/code"), {}), 0);
}

TEST_F(CodeStoreTest, RemovesUnreferencedContentAndTemporaries) {
  auto store = CodeStore::Open(root_ + "/code", false);
  ASSERT_TRUE(store.ok());
  auto keep = (*store)->Put(testing::OneFileZip("a", "keep"));
  auto drop = (*store)->Put(testing::OneFileZip("a", "drop"));
  ASSERT_TRUE(keep.ok() && drop.ok());
  fs::create_directory(root_ + "/code/.tmp-leftover");
  std::ofstream(root_ + "/code/README") << "not ours";
  ASSERT_TRUE((*store)->RemoveAllExcept({keep->sha256_hex}).ok());
  EXPECT_TRUE((*store)->Has(keep->sha256_hex));
  EXPECT_FALSE((*store)->Has(drop->sha256_hex));
  EXPECT_FALSE(fs::exists((*store)->ZipPathFor(drop->sha256_hex)));
  EXPECT_FALSE(fs::exists(root_ + "/code/.tmp-leftover"));
  EXPECT_TRUE(fs::exists(root_ + "/code/README")) << "files it did not write are left alone";
}

TEST_F(CodeStoreTest, TemporaryStoreIsRemovedOnDestruction) {
  std::string dir;
  {
    auto store = CodeStore::Open("", true);
    ASSERT_TRUE(store.ok());
    dir = (*store)->root();
    ASSERT_TRUE((*store)->Put(testing::OneFileZip()).ok());
    EXPECT_TRUE(fs::exists(dir));
  }
  EXPECT_FALSE(fs::exists(dir));
}

}  // namespace
}  // namespace kumo::functions
