// Collecting and looking up parameter descriptions (see parameter_descriptions.h).
#include "analysis/parameter_descriptions.h"

#include "analysis/docstring_format.h"

namespace docent::analysis {

namespace {

std::string without_stars(const std::string& name) {
  const size_t start = name.find_first_not_of('*');
  return start == std::string::npos ? std::string() : name.substr(start);
}

} // namespace

void ParameterDescriptions::add(const Definition& definition) {
  if (!definition.docstring)
    return;
  const ParsedDocstring parsed = parse_docstring(definition.docstring->cooked);
  for (const DocstringSection& section : parsed.sections) {
    if (section.kind != SectionKind::Parameters && section.kind != SectionKind::OtherParameters &&
        section.kind != SectionKind::KeywordArguments)
      continue;
    for (const DocstringEntry& entry : section.entries) {
      const std::string name = without_stars(entry.name);
      if (name.empty() || name == "self" || name == "cls" || entry.description.empty() ||
          entry.description.find(kPlaceholderTag) != std::string::npos)
        continue;
      ++counts_[name][{entry.type, entry.description}];
    }
  }
}

void ParameterDescriptions::merge(const ParameterDescriptions& other) {
  for (const auto& [name, described] : other.counts_)
    for (const auto& [key, count] : described)
      counts_[name][key] += count;
}

std::optional<std::string> ParameterDescriptions::most_common(const std::string& name,
                                                              const std::string& type) const {
  const auto found = counts_.find(without_stars(name));
  if (found == counts_.end())
    return std::nullopt;
  // Counted over compatible types; ties go to the description that sorts first.
  std::map<std::string, int> by_description;
  for (const auto& [key, count] : found->second)
    if (type.empty() || key.first.empty() || key.first == type)
      by_description[key.second] += count;
  const std::string* best = nullptr;
  int best_count = 0;
  for (const auto& [description, count] : by_description)
    if (count > best_count) {
      best = &description;
      best_count = count;
    }
  if (best == nullptr)
    return std::nullopt;
  return *best;
}

} // namespace docent::analysis
