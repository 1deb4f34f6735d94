// Errors as values at the boundary of inference/: a result holds a value or says why there is
// none. It is analysis/'s style (SourceFileResult: an optional value and an error text) made
// generic, so that callers show the text and carry on; nothing in inference/ throws past it.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace docent::inference {

template <typename T> struct Result {
  std::optional<T> value;
  std::string error; // Why there is no value; empty when there is one.

  static Result success(T value) { return Result{std::move(value), {}}; }
  static Result failure(std::string why) { return Result{std::nullopt, std::move(why)}; }

  bool ok() const { return value.has_value(); }
  explicit operator bool() const { return ok(); }
  T& operator*() { return *value; }
  const T& operator*() const { return *value; }
  T* operator->() { return &*value; }
  const T* operator->() const { return &*value; }
};

// A result without a value: success, or why not.
struct Status {
  std::string error; // Empty on success.

  static Status success() { return {}; }
  // An empty `why` still fails, so that a failure can never read as success.
  static Status failure(std::string why) {
    return Status{why.empty() ? std::string("unknown error") : std::move(why)};
  }

  bool ok() const { return error.empty(); }
  explicit operator bool() const { return ok(); }
};

} // namespace docent::inference
