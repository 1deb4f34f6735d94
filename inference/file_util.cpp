// File system steps shared by the feedback store and the model file (see file_util.h).
#include "inference/file_util.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace docent::inference {
namespace {

bool path_exists(const std::string& path) {
  struct stat info;
  return ::lstat(path.c_str(), &info) == 0;
}

} // namespace

std::string errno_text(int error_number) {
  // strerror is not thread-safe; the GNU strerror_r returns the text (maybe not in `buffer`).
  char buffer[256];
  return ::strerror_r(error_number, buffer, sizeof buffer);
}

std::string unused_aside_path(const std::string& path, std::string_view tag) {
  const std::string base = path + "." + std::string(tag) + "-" +
                           std::to_string(static_cast<long long>(std::time(nullptr)));
  std::string candidate = base;
  for (int suffix = 1; path_exists(candidate); ++suffix)
    candidate = base + "-" + std::to_string(suffix);
  return candidate;
}

Status rename_file(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    return Status::failure("cannot rename " + from + " to " + to + ": " + errno_text(errno));
  return Status::success();
}

Status fsync_directory(const std::string& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return Status::failure("cannot open directory " + directory + ": " + errno_text(errno));
  const bool synced = ::fsync(fd) == 0;
  const int sync_error = errno;
  ::close(fd);
  if (!synced)
    return Status::failure("cannot sync directory " + directory + ": " + errno_text(sync_error));
  return Status::success();
}

} // namespace docent::inference
