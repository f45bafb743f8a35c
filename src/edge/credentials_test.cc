#include "edge/credentials.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace kumo::edge {
namespace {

TEST(CredentialStore, DefaultHoldsTheConventionalTestKey) {
  CredentialStore store = CredentialStore::Default();
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.SecretFor("test"), "test");
  EXPECT_EQ(store.SecretFor("AKIDEXAMPLE"), std::nullopt);
}

TEST(CredentialStore, ParsesProfilesCommentsAndWhitespace) {
  constexpr char kText[] =
      "# a comment\n"
      "; another comment\n"
      "\n"
      "[default]\n"
      "aws_access_key_id = AKIDDEFAULT\n"
      "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\r\n"
      "region = us-east-1\n"
      "\n"
      "  [ profile dev ]  \n"
      "\tAWS_ACCESS_KEY_ID:AKIDDEV\n"
      "aws_session_token = FQoG==\n"
      "aws_secret_access_key = dev secret with spaces  \n"
      "s3 =\n"
      "    max_concurrent_requests = 20\n"
      "[sso-only]\n"
      "sso_start_url = https://example.awsapps.com/start\n";
  Result<CredentialStore> store = CredentialStore::Parse(kText, "creds");
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(store->size(), 2u);
  EXPECT_EQ(store->SecretFor("AKIDDEFAULT"), "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ(store->SecretFor("AKIDDEV"), "dev secret with spaces");
  EXPECT_EQ(store->SecretFor("test"), std::nullopt);
}

TEST(CredentialStore, EmptyTextIsAnEmptyStore) {
  Result<CredentialStore> store = CredentialStore::Parse("", "creds");
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(store->size(), 0u);
}

// Each malformed input names the origin and the 1-based line.
TEST(CredentialStore, ErrorsNameTheOriginAndLine) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"aws_access_key_id = A\n", "creds:1: 'aws_access_key_id' is outside a [profile] section"},
      {"[p]\naws_access_key_id = A\nnot a pair\n", "creds:3: expected 'key = value'"},
      {"[p]\n= value\n", "creds:2: expected 'key = value'"},
      {"\n[p\n", "creds:2: unterminated profile header"},
      {"[ ]\n", "creds:1: empty profile name"},
      {"[p]\naws_access_key_id = A\n[q]\n",
       "creds:1: profile 'p' needs both aws_access_key_id and aws_secret_access_key"},
      {"[p]\naws_secret_access_key = S\n",
       "creds:1: profile 'p' needs both aws_access_key_id and aws_secret_access_key"},
      {"[p]\naws_access_key_id=A\naws_secret_access_key=S\n[p]\n",
       "creds:4: duplicate profile 'p'"},
      {"[p]\naws_access_key_id=A\naws_secret_access_key=S\n"
       "[q]\naws_access_key_id=A\naws_secret_access_key=T\n",
       "creds:4: profile 'q' gives access key 'A' a different secret than an earlier profile"},
  };
  for (const Case& c : cases) {
    Result<CredentialStore> store = CredentialStore::Parse(c.text, "creds");
    ASSERT_FALSE(store.ok()) << c.text;
    EXPECT_EQ(store.error().message, c.message) << c.text;
    EXPECT_EQ(store.error().http_status, 400);
  }
}

TEST(CredentialStore, SameKeyTwiceWithTheSameSecretIsFine) {
  Result<CredentialStore> store = CredentialStore::Parse(
      "[a]\naws_access_key_id=A\naws_secret_access_key=S\n"
      "[b]\naws_access_key_id=A\naws_secret_access_key=S\n",
      "creds");
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(store->size(), 1u);
}

class CredentialFileTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "kumo-creds-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(CredentialFileTest, LoadsAFile) {
  std::string path =
      Write("credentials", "[default]\naws_access_key_id=AK\naws_secret_access_key=SK\n");
  Result<CredentialStore> store = CredentialStore::LoadFile(path);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(store->SecretFor("AK"), "SK");
}

TEST_F(CredentialFileTest, MalformedFileErrorNamesPathAndLine) {
  std::string path = Write("credentials", "[default]\naws_access_key_id AK\n");
  Result<CredentialStore> store = CredentialStore::LoadFile(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().message, path + ":2: expected 'key = value'");
}

TEST_F(CredentialFileTest, MissingFileErrorNamesPath) {
  std::string path = (dir_ / "absent").string();
  Result<CredentialStore> store = CredentialStore::LoadFile(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().message.rfind(path + ": cannot open", 0), 0u) << store.error().message;
}

}  // namespace
}  // namespace kumo::edge
