// The model file: payloads round-trip through the checked header, saving replaces the file
// whole, and damaged, missing or mismatched files are told apart.
#include "inference/model_file.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace docent::inference;
using namespace docent::testing;

namespace {

const std::string kPayload =
    std::string("weights\0with\0NULs and \xff bytes", 30) + std::string(5000, 'w');

ModelFileLoad load(const std::string& path) {
  return load_model_file(path, 2, 7);
}

} // namespace

TEST_CASE("model file: a payload round-trips") {
  TempDirectory directory;
  const std::string path = directory.file("model.bin");
  for (const std::string& payload : {kPayload, std::string()}) {
    const Status saved = save_model_file(path, payload, 2, 7);
    INFO(saved.error);
    REQUIRE(saved);
    const ModelFileLoad loaded = load(path);
    INFO(loaded.message);
    REQUIRE(loaded.payload);
    CHECK(loaded.error == ModelFileError::None);
    CHECK(*loaded.payload == payload);
  }
}

TEST_CASE("model file: saving replaces the old file and leaves no temporary behind") {
  TempDirectory directory;
  const std::string path = directory.file("model.bin");
  REQUIRE(save_model_file(path, "old", 2, 7));
  REQUIRE(save_model_file(path, "new", 2, 7));
  CHECK(*load(path).payload == "new");
  CHECK(directory.names_starting_with("model.bin") == std::vector<std::string>{"model.bin"});
}

TEST_CASE("model file: the header layout is fixed") {
  TempDirectory directory;
  const std::string path = directory.file("model.bin");
  REQUIRE(save_model_file(path, "abc", 0x01020304, 0x0a0b0c0d));
  const std::string bytes = read_bytes(path);
  REQUIRE(bytes.size() == kModelFileHeaderSize + 3);
  CHECK(bytes.substr(0, 8) == "DOCENTM1");
  CHECK(bytes.substr(8, 4) == "\x04\x03\x02\x01");
  CHECK(bytes.substr(12, 4) == "\x0d\x0c\x0b\x0a");
  CHECK(bytes.substr(16, 8) == std::string("\x03\0\0\0\0\0\0\0", 8));
  const uint64_t checksum = fnv1a_64("abc");
  for (int i = 0; i < 8; ++i)
    CHECK(static_cast<unsigned char>(bytes[24 + i]) == ((checksum >> (8 * i)) & 0xff));
  CHECK(bytes.substr(32) == "abc");
}

TEST_CASE("model file: FNV-1a 64 matches its published values") {
  CHECK(fnv1a_64("") == 0xcbf29ce484222325ull);
  CHECK(fnv1a_64("a") == 0xaf63dc4c8601ec8cull);
  CHECK(fnv1a_64("foobar") == 0x85944171f73967e8ull);
}

TEST_CASE("model file: damage is Corrupt") {
  TempDirectory directory;
  const std::string path = directory.file("model.bin");
  REQUIRE(save_model_file(path, kPayload, 2, 7));
  std::string bytes = read_bytes(path);
  SECTION("a flipped payload byte fails the checksum") {
    bytes[kModelFileHeaderSize + 100] ^= 1;
  }
  SECTION("a flipped checksum byte") {
    bytes[24] ^= 0x80;
  }
  SECTION("truncated payload") {
    bytes.resize(bytes.size() - 1);
  }
  SECTION("truncated header") {
    bytes.resize(10);
  }
  SECTION("empty file") {
    bytes.clear();
  }
  SECTION("trailing bytes") {
    bytes += "x";
  }
  SECTION("a length larger than the file") {
    bytes[23] = '\x7f';
  }
  SECTION("bad magic") {
    bytes[7] = '2';
  }
  write_bytes(path, bytes);
  const ModelFileLoad loaded = load(path);
  CHECK_FALSE(loaded.payload);
  CHECK(loaded.error == ModelFileError::Corrupt);
  CHECK(loaded.message.find(path) != std::string::npos);
}

TEST_CASE("model file: another format or feature version is VersionMismatch") {
  TempDirectory directory;
  const std::string path = directory.file("model.bin");
  REQUIRE(save_model_file(path, kPayload, 2, 7));
  CHECK(load_model_file(path, 3, 7).error == ModelFileError::VersionMismatch);
  CHECK(load_model_file(path, 2, 8).error == ModelFileError::VersionMismatch);
  CHECK_FALSE(load_model_file(path, 1, 7).payload);
  CHECK(load_model_file(path, 2, 7).payload);
}

TEST_CASE("model file: a missing file is Missing, a directory is Unreadable") {
  TempDirectory directory;
  CHECK(load(directory.file("none.bin")).error == ModelFileError::Missing);
  std::filesystem::create_directory(directory.file("folder.bin"));
  CHECK(load(directory.file("folder.bin")).error == ModelFileError::Unreadable);
  CHECK(model_file_error_name(ModelFileError::VersionMismatch) == "version mismatch");
}

TEST_CASE("model file: saving where it cannot is an error value") {
  TempDirectory directory;
  const Status saved = save_model_file(directory.file("no/such/folder/model.bin"), "x", 1, 1);
  CHECK_FALSE(saved);
  CHECK(saved.error.find("no/such/folder") != std::string::npos);
}

TEST_CASE("model file: move_aside keeps the bad file under a new name") {
  TempDirectory directory;
  const std::string path = directory.file("model.bin");
  write_bytes(path, "first");
  const Result<std::string> first = move_aside(path);
  REQUIRE(first);
  CHECK(first->rfind(path + ".bad-", 0) == 0);
  CHECK(read_bytes(*first) == "first");
  CHECK(load(path).error == ModelFileError::Missing);
  // A second bad file in the same second does not overwrite the first.
  write_bytes(path, "second");
  const Result<std::string> second = move_aside(path);
  REQUIRE(second);
  CHECK(*second != *first);
  CHECK(read_bytes(*first) == "first");
  CHECK(read_bytes(*second) == "second");
  CHECK_FALSE(move_aside(path));
}
