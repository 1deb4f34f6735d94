// Descriptions of parameters as a workspace's docstrings give them, so that a new docstring can
// reuse what the user already wrote for a parameter of the same name instead of a placeholder.
#pragma once

#include "analysis/python_model.h"

#include <map>
#include <optional>
#include <string>
#include <utility>

namespace docent::analysis {

// Thread-safety: none while it is being built; once built, share it read-only (e.g. as a
// shared_ptr<const ParameterDescriptions>).
class ParameterDescriptions {
public:
  // Adds the parameters `definition`'s docstring documents (any style), except placeholders.
  void add(const Definition& definition);
  void merge(const ParameterDescriptions& other);
  // The description given most often to a parameter `name` (without stars) whose documented
  // type is `type`; an empty type on either side matches any. nullopt if there is none.
  std::optional<std::string> most_common(const std::string& name, const std::string& type) const;
  bool empty() const { return counts_.empty(); }

private:
  // name → (type, description) → how many docstrings say so.
  std::map<std::string, std::map<std::pair<std::string, std::string>, int>> counts_;
};

} // namespace docent::analysis
