// PEP 263 decoding with iconv (glibc) for files that declare an encoding other than UTF-8.
#include "analysis/source_file.h"

#include "analysis/text.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iconv.h>
#include <sstream>
#include <sys/stat.h>

namespace docent::analysis {

namespace {

std::string_view first_line(std::string_view bytes, size_t& next) {
  size_t end = bytes.find_first_of("\r\n");
  if (end == std::string_view::npos) {
    next = bytes.size();
    return bytes;
  }
  next = end + 1 + (bytes[end] == '\r' && end + 1 < bytes.size() && bytes[end + 1] == '\n');
  return bytes.substr(0, end);
}

// `^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)` from PEP 263 / Python's tokenize.
std::optional<std::string> cookie_in_line(std::string_view line) {
  size_t i = line.find_first_not_of(" \t\f");
  if (i == std::string_view::npos || line[i] != '#')
    return std::nullopt;
  for (size_t at = line.find("coding", i); at != std::string_view::npos;
       at = line.find("coding", at + 1)) {
    size_t k = at + 6;
    if (k >= line.size() || (line[k] != ':' && line[k] != '='))
      continue;
    ++k;
    while (k < line.size() && (line[k] == ' ' || line[k] == '\t'))
      ++k;
    size_t end = k;
    while (end < line.size() && (std::isalnum(static_cast<unsigned char>(line[end])) ||
                                 line[end] == '-' || line[end] == '_' || line[end] == '.'))
      ++end;
    if (end > k)
      return std::string(line.substr(k, end - k));
  }
  return std::nullopt;
}

// Python's tokenize._get_normal_name: the spellings of utf-8 and latin-1 it folds together.
std::string normalize_encoding_name(std::string name) {
  std::string lower;
  for (char c : name.substr(0, 12))
    lower += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "utf-8" || lower.rfind("utf-8-", 0) == 0)
    return "utf-8";
  for (const char* latin : {"latin-1", "iso-8859-1", "iso-latin-1"}) {
    const std::string prefix = std::string(latin);
    if (lower == prefix || lower.rfind(prefix + "-", 0) == 0)
      return "iso-8859-1";
  }
  return name;
}

std::optional<std::string> transcode_to_utf8(const std::string& bytes, const std::string& from) {
  iconv_t cd = iconv_open("UTF-8", from.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    std::string dashed = from;
    std::replace(dashed.begin(), dashed.end(), '_', '-');
    cd = iconv_open("UTF-8", dashed.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1))
      return std::nullopt;
  }
  std::string out(bytes.size() * 4 + 16, '\0');
  char* in_ptr = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  const size_t status = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  iconv_close(cd);
  if (status == static_cast<size_t>(-1))
    return std::nullopt;
  out.resize(out.size() - out_left);
  return out;
}

std::optional<size_t> first_invalid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t n = utf8_sequence_length(text, i);
    if (n == 0)
      return i;
    i += n;
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> coding_cookie(std::string_view bytes) {
  size_t next = 0;
  std::string_view line1 = first_line(bytes, next);
  if (auto cookie = cookie_in_line(line1))
    return cookie;
  // PEP 263: the second line counts only if the first is blank or a comment.
  const size_t first_code = line1.find_first_not_of(" \t\f");
  if (first_code != std::string_view::npos && line1[first_code] != '#')
    return std::nullopt;
  size_t unused = 0;
  return cookie_in_line(first_line(bytes.substr(next), unused));
}

SourceFileResult decode_source(std::string bytes) {
  SourceFile file;
  file.encoding = "utf-8";
  if (bytes.rfind("\xEF\xBB\xBF", 0) == 0) {
    file.had_bom = true;
    bytes.erase(0, 3);
  }
  if (std::optional<std::string> cookie = coding_cookie(bytes)) {
    const std::string encoding = normalize_encoding_name(*cookie);
    if (file.had_bom && encoding != "utf-8")
      return {std::nullopt, "encoding problem: a UTF-8 BOM with coding '" + *cookie + "'"};
    if (encoding != "utf-8") {
      std::optional<std::string> text = transcode_to_utf8(bytes, encoding);
      if (!text)
        return {std::nullopt, "cannot decode as declared coding '" + *cookie + "'"};
      bytes = std::move(*text);
    }
    file.encoding = encoding;
  }
  file.invalid_utf8_at = first_invalid_utf8(bytes);
  file.text = std::move(bytes);
  return {std::move(file), {}};
}

SourceFileResult read_source_file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    return {std::nullopt, "cannot read: " + std::string(std::strerror(errno))};
  if (S_ISDIR(info.st_mode))
    return {std::nullopt, "is a directory"};
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return {std::nullopt, "cannot open for reading"};
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad())
    return {std::nullopt, "read error"};
  return decode_source(std::move(bytes).str());
}

} // namespace docent::analysis
