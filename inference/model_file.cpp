// Atomic, checked persistence of the model's weights (see model_file.h for the layout).
#include "inference/model_file.h"

#include "inference/file_util.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace docent::inference {
namespace {

constexpr std::string_view kMagic = "DOCENTM1";

struct Header {
  uint32_t format_version = 0;
  uint32_t feature_version = 0;
  uint64_t payload_length = 0;
  uint64_t checksum = 0;
};

// Explicit little-endian so that the file means the same on every machine.
void put_le(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint64_t get_le(std::string_view in, size_t offset, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i)
    value |= static_cast<uint64_t>(static_cast<unsigned char>(in[offset + i])) << (8 * i);
  return value;
}

std::string encode_header(const Header& header) {
  std::string out(kMagic);
  put_le(out, header.format_version, 4);
  put_le(out, header.feature_version, 4);
  put_le(out, header.payload_length, 8);
  put_le(out, header.checksum, 8);
  return out;
}

// The header of `file`, if it starts with the magic and is long enough to hold one.
std::optional<Header> decode_header(std::string_view file) {
  if (file.size() < kModelFileHeaderSize || file.substr(0, kMagic.size()) != kMagic)
    return std::nullopt;
  Header header;
  header.format_version = static_cast<uint32_t>(get_le(file, 8, 4));
  header.feature_version = static_cast<uint32_t>(get_le(file, 12, 4));
  header.payload_length = get_le(file, 16, 8);
  header.checksum = get_le(file, 24, 8);
  return header;
}

// Writes all of `bytes`, going on after short writes and signals.
bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0)
      return false;
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return true;
}

// The whole file, or errno in `error_number`.
std::optional<std::string> read_whole_file(const std::string& path, int& error_number) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error_number = errno;
    return std::nullopt;
  }
  std::string bytes;
  std::array<char, 1 << 16> buffer;
  for (;;) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      error_number = errno;
      ::close(fd);
      return std::nullopt;
    }
    if (got == 0)
      break;
    bytes.append(buffer.data(), static_cast<size_t>(got));
  }
  ::close(fd);
  return bytes;
}

// Writes `bytes` to a new file at `path` and syncs it, leaving nothing behind on failure.
Status write_synced_file(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return Status::failure("cannot create " + path + ": " + errno_text(errno));
  bool ok = write_all(fd, bytes) && ::fsync(fd) == 0;
  int error_number = errno;
  // close() can report a delayed write error; a file it fails on must not be renamed into place.
  if (::close(fd) != 0 && ok) {
    ok = false;
    error_number = errno;
  }
  if (!ok) {
    ::unlink(path.c_str());
    return Status::failure("cannot write " + path + ": " + errno_text(error_number));
  }
  return Status::success();
}

std::string directory_of(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

ModelFileLoad failed_load(ModelFileError error, std::string message) {
  ModelFileLoad load;
  load.error = error;
  load.message = std::move(message);
  return load;
}

} // namespace

std::string_view model_file_error_name(ModelFileError error) {
  switch (error) {
  case ModelFileError::None:
    return "none";
  case ModelFileError::Missing:
    return "missing";
  case ModelFileError::Unreadable:
    return "unreadable";
  case ModelFileError::Corrupt:
    return "corrupt";
  case ModelFileError::VersionMismatch:
    return "version mismatch";
  }
  return "unknown";
}

uint64_t fnv1a_64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (const char byte : bytes) {
    hash ^= static_cast<unsigned char>(byte);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

Status save_model_file(const std::string& path, std::string_view payload, uint32_t format_version,
                       uint32_t feature_version) {
  Header header;
  header.format_version = format_version;
  header.feature_version = feature_version;
  header.payload_length = payload.size();
  header.checksum = fnv1a_64(payload);
  std::string bytes = encode_header(header);
  bytes.append(payload);

  // The pid keeps two processes saving at once from writing into the same temporary file.
  const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  if (Status written = write_synced_file(temporary, bytes); !written)
    return written;
  if (Status renamed = rename_file(temporary, path); !renamed) {
    ::unlink(temporary.c_str());
    return renamed;
  }
  return fsync_directory(directory_of(path));
}

ModelFileLoad load_model_file(const std::string& path, uint32_t expected_format,
                              uint32_t expected_feature_version) {
  int error_number = 0;
  const std::optional<std::string> file = read_whole_file(path, error_number);
  if (!file) {
    if (error_number == ENOENT)
      return failed_load(ModelFileError::Missing, "no model file at " + path);
    return failed_load(ModelFileError::Unreadable,
                       "cannot read " + path + ": " + errno_text(error_number));
  }
  const std::optional<Header> header = decode_header(*file);
  if (!header)
    return failed_load(ModelFileError::Corrupt, path + " is not a docent model file");
  // Compared with the file's size, never used to allocate: a damaged length must not cost memory.
  if (header->payload_length != file->size() - kModelFileHeaderSize)
    return failed_load(ModelFileError::Corrupt, path + " is truncated or has trailing bytes");
  const std::string_view payload = std::string_view(*file).substr(kModelFileHeaderSize);
  if (fnv1a_64(payload) != header->checksum)
    return failed_load(ModelFileError::Corrupt, path + " fails its checksum");
  if (header->format_version != expected_format ||
      header->feature_version != expected_feature_version)
    return failed_load(ModelFileError::VersionMismatch,
                       path + " has format " + std::to_string(header->format_version) +
                           " and feature version " + std::to_string(header->feature_version) +
                           ", expected " + std::to_string(expected_format) + " and " +
                           std::to_string(expected_feature_version));
  ModelFileLoad load;
  load.payload = std::string(payload);
  return load;
}

Result<std::string> move_aside(const std::string& path) {
  const std::string aside = unused_aside_path(path, "bad");
  if (Status renamed = rename_file(path, aside); !renamed)
    return Result<std::string>::failure(renamed.error);
  return Result<std::string>::success(aside);
}

} // namespace docent::inference
