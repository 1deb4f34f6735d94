// File system steps that the feedback store and the model file share: fsync of a directory,
// renames reported as values, and the names that bad files are moved aside to.
#pragma once

#include "inference/result.h"

#include <string>
#include <string_view>

namespace docent::inference {

// `<path>.<tag>-<unix time>`, with `-1`, `-2`... appended if that name is taken (two bad files
// in the same second must not overwrite each other).
std::string unused_aside_path(const std::string& path, std::string_view tag);

// rename(2) as a value: the error names both paths.
Status rename_file(const std::string& from, const std::string& to);

// Makes a rename or a new file in `directory` durable: without it a crash can forget the entry
// even though the file's data was synced.
Status fsync_directory(const std::string& directory);

// The text of errno `error_number` ("No such file or directory").
std::string errno_text(int error_number);

} // namespace docent::inference
