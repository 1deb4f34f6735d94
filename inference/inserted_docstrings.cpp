// Following inserted docstrings through edits (see inserted_docstrings.h).
#include "inference/inserted_docstrings.h"

#include "analysis/string_literal.h"
#include "inference/learner.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

namespace docent::inference {

using analysis::ByteRange;
using analysis::Definition;
using analysis::DocstringSection;
using analysis::DocstringStyle;
using analysis::FileAnalysis;
using analysis::SectionKind;

namespace {

// How many reviews look for a docstring the client had not sent yet when it said it was
// inserted. Clients send the edit before running the command; this covers those that do not.
constexpr int kExpectedReviews = 4;

uint32_t bit(Section section) {
  return 1u << static_cast<unsigned>(section);
}

std::optional<Section> section_of(SectionKind kind) {
  switch (kind) {
  case SectionKind::Parameters:
  case SectionKind::OtherParameters:
  case SectionKind::KeywordArguments:
    return Section::Args;
  case SectionKind::Returns:
    return Section::Returns;
  case SectionKind::Yields:
    return Section::Yields;
  case SectionKind::Raises:
    return Section::Raises;
  case SectionKind::Attributes:
    return Section::Attributes;
  case SectionKind::Examples:
    return Section::Examples;
  default:
    return std::nullopt;
  }
}

// The sections whose entries may carry the types that Section::Types stands for.
bool carries_types(SectionKind kind) {
  const std::optional<Section> section = section_of(kind);
  return section == Section::Args || section == Section::Returns || section == Section::Yields;
}

// What a docstring has of what docent writes.
struct Present {
  uint32_t sections = 0;       // Bits of Section.
  bool typed_sections = false; // It has entries where types go (types judged only then).
};

Present present_in(const analysis::Docstring& docstring, DocstringStyle style) {
  Present present;
  if (style == DocstringStyle::Pep257)
    return present;
  const analysis::StringLiteral literal = analysis::split_string_literal(docstring.raw);
  if (!literal.valid)
    return present;
  // Parsed in the style it was written in: a docstring whose sections were all removed must not
  // be read as another style (or as PEP 257) and lose the comparison.
  for (const DocstringSection& section : analysis::parse_docstring(literal.body, style).sections) {
    if (const std::optional<Section> kind = section_of(section.kind))
      present.sections |= bit(*kind);
    if (!carries_types(section.kind))
      continue;
    for (const analysis::DocstringEntry& entry : section.entries) {
      present.typed_sections = true;
      if (!entry.type.empty())
        present.sections |= bit(Section::Types);
    }
  }
  return present;
}

const analysis::Docstring* docstring_of(const FileAnalysis& analysis, int index) {
  const std::optional<analysis::Docstring>& docstring =
      index < 0 ? analysis.model.docstring
                : analysis.model.definitions[static_cast<size_t>(index)].docstring;
  return docstring ? &*docstring : nullptr;
}

// Whether a syntax error may hide the docstring (the user is typing): then it is not judged.
bool error_inside(const FileAnalysis& analysis, int index) {
  if (index < 0)
    return !analysis.model.errors.empty();
  return analysis.model.definitions[static_cast<size_t>(index)].touches_error;
}

// The definition named `qualname` (empty: the module, -1) that `distance` finds nearest.
template <typename Distance>
std::optional<int> find_definition(const FileAnalysis& analysis, const std::string& qualname,
                                   Distance distance) {
  if (qualname.empty())
    return -1;
  std::optional<int> best;
  int64_t best_distance = 0;
  for (size_t i = 0; i < analysis.model.definitions.size(); ++i) {
    const Definition& definition = analysis.model.definitions[i];
    if (definition.qualname != qualname)
      continue;
    const int64_t d = distance(definition);
    if (!best || d < best_distance) {
      best = static_cast<int>(i);
      best_distance = d;
    }
  }
  return best;
}

// The definition a followed docstring belongs to: of its name, the one whose docstring (or body,
// if the docstring is gone) starts nearest to where the docstring was.
std::optional<int> find_followed(const FileAnalysis& analysis, const std::string& qualname,
                                 ByteRange range) {
  return find_definition(analysis, qualname, [range](const Definition& definition) {
    const uint32_t start =
        definition.docstring ? definition.docstring->range.start : definition.body.start;
    return std::abs(static_cast<int64_t>(start) - static_cast<int64_t>(range.start));
  });
}

FeedbackEvent event_for(FeatureSource& features, int index, Outcome outcome,
                        std::optional<Section> section, const std::string& code,
                        const std::string& path) {
  const FileAnalysis& analysis = features.analysis();
  FeedbackEvent event;
  event.time_ms = unix_time_ms();
  event.kind = SuggestionKind::Docstring;
  event.code = code;
  event.outcome = outcome;
  event.section = section;
  event.features = features.of(index);
  event.definition =
      index < 0 ? std::string() : analysis.model.definitions[static_cast<size_t>(index)].qualname;
  event.path = path;
  return event;
}

} // namespace

void InsertedDocstrings::follow(const FileAnalysis& analysis, const std::string& qualname,
                                uint32_t line, const std::string& code, const std::string& path) {
  if (!start_following(analysis, qualname, line, code, path))
    expected_.push_back(Expected{qualname, line, code, path, kExpectedReviews});
}

bool InsertedDocstrings::start_following(const FileAnalysis& analysis, const std::string& qualname,
                                         uint32_t line, const std::string& code,
                                         const std::string& path) {
  const std::optional<int> index =
      find_definition(analysis, qualname, [line](const Definition& definition) {
        return std::abs(static_cast<int64_t>(definition.line) - static_cast<int64_t>(line));
      });
  const analysis::Docstring* docstring = index ? docstring_of(analysis, *index) : nullptr;
  if (docstring == nullptr)
    return false;
  for (const Followed& followed : followed_)
    if (followed.range.start == docstring->range.start)
      return true; // Already followed (the command ran twice).
  const analysis::StringLiteral literal = analysis::split_string_literal(docstring->raw);
  Followed followed;
  followed.qualname = qualname;
  followed.range = docstring->range;
  followed.style = literal.valid ? analysis::detect_style(literal.body) : DocstringStyle::Pep257;
  followed.generated = present_in(*docstring, followed.style).sections;
  followed.code = code;
  followed.path = path;
  followed_.push_back(std::move(followed));
  return true;
}

void InsertedDocstrings::edited(size_t start, size_t end, size_t length) {
  const int64_t delta = static_cast<int64_t>(length) - static_cast<int64_t>(end - start);
  for (Followed& followed : followed_) {
    ByteRange& range = followed.range;
    if (end <= range.start) { // Before it (text inserted right before it included).
      range.start = static_cast<uint32_t>(range.start + delta);
      range.end = static_cast<uint32_t>(range.end + delta);
    } else if (start >= range.end) {
      continue; // After it.
    } else {
      // Overlapping: the range grows or shrinks with the edit and may end up empty.
      const size_t new_end =
          range.end > end ? static_cast<size_t>(range.end + delta) : start + length;
      range.start = static_cast<uint32_t>(std::min<size_t>(range.start, start));
      range.end = static_cast<uint32_t>(new_end);
      followed.touched = true;
    }
  }
}

std::vector<FeedbackEvent> InsertedDocstrings::review(const FileAnalysis& analysis) {
  std::vector<FeedbackEvent> events;
  if (analysis.provisional)
    return events; // A later analysis of the finished parse decides.
  FeatureSource features(analysis, document_path());
  for (auto it = expected_.begin(); it != expected_.end();) {
    if (start_following(analysis, it->qualname, it->line, it->code, it->path) ||
        --it->reviews_left <= 0)
      it = expected_.erase(it);
    else
      ++it;
  }
  for (Followed& followed : followed_)
    if (followed.touched)
      judge(followed, features, events);
  followed_.erase(std::remove_if(followed_.begin(), followed_.end(),
                                 [](const Followed& followed) { return followed.gone; }),
                  followed_.end());
  return events;
}

void InsertedDocstrings::judge(Followed& followed, FeatureSource& features,
                               std::vector<FeedbackEvent>& events) {
  const FileAnalysis& analysis = features.analysis();
  const std::optional<int> index = find_followed(analysis, followed.qualname, followed.range);
  if (!index) {
    followed.gone = true; // Renamed or removed with its definition: no verdict on the docstring.
    return;
  }
  if (error_inside(analysis, *index))
    return;
  const analysis::Docstring* docstring = docstring_of(analysis, *index);
  if (docstring == nullptr) {
    events.push_back(
        event_for(features, *index, Outcome::Rejected, std::nullopt, followed.code, followed.path));
    followed.gone = true;
    return;
  }
  followed.range = docstring->range;
  followed.touched = false;
  const Present present = present_in(*docstring, followed.style);
  for (int i = 0; i < kSections; ++i) {
    const Section section = static_cast<Section>(i);
    if ((followed.generated & ~followed.decided & bit(section)) == 0)
      continue;
    const bool removed = section == Section::Types
                             ? present.typed_sections && (present.sections & bit(section)) == 0
                             : (present.sections & bit(section)) == 0;
    if (!removed)
      continue;
    events.push_back(
        event_for(features, *index, Outcome::Rejected, section, followed.code, followed.path));
    followed.decided |= bit(section);
  }
}

std::vector<FeedbackEvent> InsertedDocstrings::settle(const FileAnalysis& analysis) {
  std::vector<FeedbackEvent> events = review(analysis);
  if (analysis.provisional)
    return events;
  FeatureSource features(analysis, document_path());
  for (Followed& followed : followed_) {
    if (followed.touched || (followed.generated & ~followed.decided) == 0)
      continue; // Not judged yet (an error inside), or nothing left to decide.
    const std::optional<int> index = find_followed(analysis, followed.qualname, followed.range);
    const analysis::Docstring* docstring = index ? docstring_of(analysis, *index) : nullptr;
    if (docstring == nullptr)
      continue;
    const Present present = present_in(*docstring, followed.style);
    for (int i = 0; i < kSections; ++i) {
      const Section section = static_cast<Section>(i);
      if ((followed.generated & ~followed.decided & bit(section)) == 0 ||
          (present.sections & bit(section)) == 0)
        continue;
      events.push_back(
          event_for(features, *index, Outcome::Accepted, section, followed.code, followed.path));
      followed.decided |= bit(section);
    }
  }
  return events;
}

std::string InsertedDocstrings::document_path() const {
  if (!followed_.empty())
    return followed_.front().path;
  return expected_.empty() ? std::string() : expected_.front().path;
}

} // namespace docent::inference
