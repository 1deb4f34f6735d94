// Benchmark: does the learning model learn what a user wants, quickly and safely?
//
// Simulated users with consistent hidden preferences (profiles below) decide, one at a time in
// a seeded random order, on the suggestions docent makes on real functions (a corpus such as
// /usr/lib/python3.11). After each decision the model trains as the server would (a few
// optimizer steps over a replay of recent events), and three predictors are scored on
// held-out definitions from other files: the model through the policy (inference/policy.h),
// the static rules (accept everything: what docent does without learning), and a frequency
// baseline (per head, the user's majority outcome so far). Also measured: the false-suppression
// rate (hiding a diagnostic, or leaving out a section, that the user would have taken), the
// model's accuracy per group of units (docstring suggestions, sections, complexity warnings),
// the training-step time, the model's size, and the module's load time and memory.
//
// The model module is loaded the way the server loads it (find_and_load_model_module()).
//
// Usage: learning_sim [--corpus DIR] [--out CSV] [--seeds N] [--decisions N] [--heldout N]
//                     [--steps N] [--replay N] [--lr X] [--decay X] [--profile NAME]
#include "analysis/analyzer.h"
#include "analysis/docstring_format.h"
#include "analysis/file_walker.h"
#include "analysis/rules.h"
#include "analysis/source_file.h"
#include "inference/features.h"
#include "inference/model_api.h"
#include "inference/policy.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace {

namespace inf = docent::inference;
namespace an = docent::analysis;
using Clock = std::chrono::steady_clock;

// One definition of the corpus with what the profiles decide by.
struct Item {
  inf::Features features;
  std::string path;
  std::string qualname;
  bool held_out = false; // From a held-out file.
  bool is_class = false;
  bool is_public = false;
  bool is_private = false; // Name starts with `_`, not a dunder.
  bool is_test = false;
  int params = 0;
  int cyclomatic = 1;
  bool complexity_finding = false;    // C901, CCR001 or DCT201-DCT203 under the default settings.
  std::vector<inf::Section> sections; // Sections the generator writes (Types: types written).
};

struct Settings {
  std::string corpus = "/usr/lib/python3.11";
  std::string out = "docs/learning/curves.csv";
  int seeds = 10;
  int decisions = 100;
  int heldout = 1000;
  int steps = 0; // 0: the model's default.
  int replay = 64;
  float learning_rate = 0; // 0: the model's default.
  float weight_decay = -1; // Negative: the model's default.
  std::string only;        // Run this profile alone.
};

// ---- corpus -------------------------------------------------------------------------------

bool held_out_file(const std::string& path) {
  // A fifth of the files, chosen by name so that every run holds out the same ones.
  return std::hash<std::string>{}(path) % 5 == 0;
}

std::set<int> definitions_with_complexity_findings(const an::FileAnalysis& analysis) {
  std::set<int> flagged;
  for (const an::Finding& finding : an::check_file(analysis, an::CheckConfig{})) {
    const bool complexity =
        finding.code == "C901" || finding.code == "CCR001" || finding.code.rfind("DCT20", 0) == 0;
    if (complexity && finding.definition >= 0)
      flagged.insert(finding.definition);
  }
  return flagged;
}

std::vector<inf::Section> generated_sections(const an::Definition& definition,
                                             const an::ModuleModel& model) {
  const an::DocstringContent content = an::docstring_content(definition, model, {});
  std::vector<inf::Section> sections;
  bool typed = false;
  if (!content.parameters.empty())
    sections.push_back(inf::Section::Args);
  if (content.returns)
    sections.push_back(inf::Section::Returns);
  if (content.yields)
    sections.push_back(inf::Section::Yields);
  if (!content.raises.empty())
    sections.push_back(inf::Section::Raises);
  if (!content.attributes.empty())
    sections.push_back(inf::Section::Attributes);
  for (const an::DocstringItem& item : content.parameters)
    typed = typed || !item.type.empty();
  typed = typed || (content.returns && !content.returns->type.empty());
  if (typed)
    sections.push_back(inf::Section::Types);
  return sections;
}

void add_file_items(const std::string& path, const an::FileAnalysis& analysis,
                    std::vector<Item>& items) {
  const inf::FileContext context = inf::file_context(analysis, path);
  const std::set<int> flagged = definitions_with_complexity_findings(analysis);
  const bool held_out = held_out_file(path);
  for (size_t i = 0; i < analysis.model.definitions.size(); ++i) {
    const an::Definition& definition = analysis.model.definitions[i];
    const int index = static_cast<int>(i);
    Item item;
    item.features = inf::extract_features(analysis, index, context);
    item.path = path;
    item.qualname = definition.qualname;
    item.held_out = held_out;
    item.is_class = definition.kind == an::DefinitionKind::Class;
    item.is_public = context.is_public[i];
    item.is_private = item.features.numeric[inf::kPrivate] > 0;
    item.is_test = item.features.numeric[inf::kTest] > 0;
    item.params = analysis.definitions[i].params;
    item.cyclomatic = analysis.definitions[i].cyclomatic;
    item.complexity_finding = flagged.count(index) > 0;
    item.sections = generated_sections(definition, analysis.model);
    items.push_back(std::move(item));
  }
}

std::vector<Item> load_corpus(const std::string& corpus) {
  std::vector<Item> items;
  const an::WalkResult walk = an::find_python_files({corpus}, {});
  for (const std::string& path : walk.files) {
    an::SourceFileResult read = an::read_source_file(path);
    if (!read.file)
      continue;
    const an::FileAnalysis analysis = an::analyze(an::parse_snapshot(std::move(read.file->text)));
    add_file_items(path, analysis, items);
  }
  return items;
}

// ---- profiles -------------------------------------------------------------------------------

// A simulated user: which suggestions they take, which sections they keep, and which
// suggestions they are shown (the stream of decisions).
struct Profile {
  std::string name;
  std::string description;
  bool docstring_stream = true;   // Decides on docstring suggestions.
  bool complexity_stream = false; // Decides on complexity warnings.
  std::function<bool(const Item&)> documents = [](const Item&) { return true; };
  std::function<bool(const Item&)> acts_on_complexity = [](const Item&) { return true; };
  std::function<bool(inf::Section)> keeps = [](inf::Section) { return true; };
};

std::vector<Profile> profiles() {
  std::vector<Profile> all;
  {
    Profile p;
    p.name = "public-2-params";
    p.description = "documents only public functions and methods with >= 2 parameters";
    p.documents = [](const Item& item) {
      return !item.is_class && item.is_public && item.params >= 2;
    };
    all.push_back(p);
  }
  {
    Profile p;
    p.name = "no-tests-no-private";
    p.description = "never documents tests or private helpers";
    p.documents = [](const Item& item) { return !item.is_test && !item.is_private; };
    all.push_back(p);
  }
  {
    Profile p;
    p.name = "no-raises";
    p.description = "documents everything but always deletes Raises";
    p.keeps = [](inf::Section section) { return section != inf::Section::Raises; };
    all.push_back(p);
  }
  {
    Profile p;
    p.name = "complexity-15";
    p.description = "ignores complexity warnings below complexity 15";
    p.docstring_stream = false;
    p.complexity_stream = true;
    p.acts_on_complexity = [](const Item& item) { return item.cyclomatic >= 15; };
    all.push_back(p);
  }
  {
    Profile p;
    p.name = "no-types";
    p.description = "documents everything, always deletes types";
    p.keeps = [](inf::Section section) { return section != inf::Section::Types; };
    all.push_back(p);
  }
  {
    Profile p;
    p.name = "mixed";
    p.description = "public with >= 2 parameters, no Raises, complexity >= 15, all at once";
    p.complexity_stream = true;
    p.documents = all[0].documents;
    p.keeps = all[2].keeps;
    p.acts_on_complexity = all[3].acts_on_complexity;
    all.push_back(p);
  }
  return all;
}

// ---- units of decision ----------------------------------------------------------------------

// One suggestion on one definition that a predictor gets right or wrong.
struct Unit {
  const Item* item = nullptr;
  inf::SuggestionKind kind = inf::SuggestionKind::Docstring;
  std::optional<inf::Section> section; // Set for a section of a generated docstring.
  bool wanted = false;                 // The user takes it (or keeps the section).
};

// The units docent offers on `item` to `profile`'s user. Sections count only where the user
// would write the docstring, since only then are they generated.
void add_units(const Profile& profile, const Item& item, std::vector<Unit>& units) {
  if (profile.docstring_stream) {
    const bool documents = profile.documents(item);
    units.push_back({&item, inf::SuggestionKind::Docstring, std::nullopt, documents});
    if (documents)
      for (inf::Section section : item.sections)
        units.push_back({&item, inf::SuggestionKind::Docstring, section, profile.keeps(section)});
  }
  if (profile.complexity_stream && item.complexity_finding)
    units.push_back(
        {&item, inf::SuggestionKind::Complexity, std::nullopt, profile.acts_on_complexity(item)});
}

bool in_stream(const Profile& profile, const Item& item) {
  return profile.docstring_stream || (profile.complexity_stream && item.complexity_finding);
}

// ---- predictors ---------------------------------------------------------------------------

struct Decision {
  bool offered = true; // Predicted accept: shown at full severity, or section written.
  bool hidden = false; // Hidden, or section left out: the user cannot take it.
};

// The policy's decision in adapt mode. The similar-definition evidence is looked up only when
// it can matter (a prediction below the downgrade bound on a head with enough rejections).
Decision model_decision(const Unit& unit, const inf::Prediction& prediction,
                        const inf::EvidenceTable& evidence,
                        const std::vector<inf::FeedbackEvent>& events) {
  const float p = unit.section ? prediction.keep[static_cast<size_t>(*unit.section)]
                               : prediction.accept[static_cast<size_t>(unit.kind)];
  const inf::Evidence& head = unit.section ? evidence.of(*unit.section) : evidence.of(unit.kind);
  inf::Evidence similar;
  if (p < inf::kDowngradeBelow && head.rejected >= inf::kMinRejectionsToAdapt)
    similar = inf::similar_evidence(events, unit.item->features, unit.kind, unit.section);
  const auto mode = inf::LearningMode::Adapt;
  if (unit.section) {
    const bool written = *unit.section == inf::Section::Types
                             ? inf::writes_types(mode, true, p, head, similar)
                             : inf::writes_section(mode, p, head, similar);
    return {written, !written};
  }
  const inf::Visibility visibility = inf::diagnostic_visibility(mode, p, head, similar);
  return {visibility == inf::Visibility::Show, visibility == inf::Visibility::Hide};
}

bool frequency_offers(const Unit& unit, const inf::EvidenceTable& evidence) {
  const inf::Evidence& seen = unit.section ? evidence.of(*unit.section) : evidence.of(unit.kind);
  return seen.accepted >= seen.rejected;
}

// The groups of units reported apart: where a profile's accuracy comes from.
enum Group { kDocstringGroup, kSectionGroup, kComplexityGroup, kGroups };
constexpr std::array<const char*, kGroups> kGroupNames = {"docstring", "sections", "complexity"};

Group group_of(const Unit& unit) {
  if (unit.section)
    return kSectionGroup;
  return unit.kind == inf::SuggestionKind::Complexity ? kComplexityGroup : kDocstringGroup;
}

struct Score {
  double model = 0, static_rules = 0, frequency = 0;
  double false_suppression = 0;              // Of the wanted units, the share the model hid.
  double hidden = 0;                         // Of all units, the share the model hid.
  std::array<double, kGroups> group_model{}; // Accuracy within each group (0 without units).
  std::array<int, kGroups> group_units{};
};

Score score(const std::vector<Unit>& units, const std::vector<inf::Prediction>& predictions,
            const inf::EvidenceTable& evidence, const std::vector<inf::FeedbackEvent>& events) {
  Score s;
  int wanted = 0, suppressed = 0, hidden = 0;
  for (size_t i = 0; i < units.size(); ++i) {
    const Unit& unit = units[i];
    const Decision decision = model_decision(unit, predictions[i], evidence, events);
    s.model += decision.offered == unit.wanted;
    s.group_model[group_of(unit)] += decision.offered == unit.wanted;
    s.group_units[group_of(unit)] += 1;
    s.static_rules += unit.wanted;
    s.frequency += frequency_offers(unit, evidence) == unit.wanted;
    wanted += unit.wanted;
    suppressed += unit.wanted && decision.hidden;
    hidden += decision.hidden;
  }
  const double n = static_cast<double>(std::max<size_t>(units.size(), 1));
  s.model /= n;
  s.static_rules /= n;
  s.frequency /= n;
  s.false_suppression = wanted ? static_cast<double>(suppressed) / wanted : 0.0;
  s.hidden = hidden / n;
  for (int g = 0; g < kGroups; ++g)
    s.group_model[g] /= std::max(s.group_units[g], 1);
  return s;
}

// ---- simulation -----------------------------------------------------------------------------

inf::FeedbackEvent event_for(const Item& item, inf::SuggestionKind kind, bool accepted,
                             std::optional<inf::Section> section, int64_t id) {
  inf::FeedbackEvent event;
  event.id = id;
  event.kind = kind;
  event.code = kind == inf::SuggestionKind::Complexity ? "C901" : "insert";
  event.outcome = accepted ? inf::Outcome::Accepted : inf::Outcome::Rejected;
  event.section = section;
  event.features = item.features;
  event.definition = item.qualname;
  event.path = item.path;
  return event;
}

// An event with the prediction the model made for its head before the event (for the policy's
// track record).
struct Observed {
  inf::FeedbackEvent event;
  float probability_before = 0;
};

// What the user does with the suggestions docent shows on `item`, as events. Hidden
// diagnostics get no event (the user never sees them); a section docent left out gets an event
// only if the user adds it back.
std::vector<Observed> user_decides(const Profile& profile, const Item& item,
                                   inf::LearningModel& model, const inf::EvidenceTable& evidence,
                                   const std::vector<inf::FeedbackEvent>& history, int64_t& id) {
  std::vector<Observed> events;
  std::vector<Unit> units;
  add_units(profile, item, units);
  const inf::Prediction prediction = model.predict({item.features}).front();
  for (const Unit& unit : units) {
    const Decision decision = model_decision(unit, prediction, evidence, history);
    if (decision.hidden && !(unit.section && unit.wanted))
      continue;
    const float p = unit.section ? prediction.keep[static_cast<size_t>(*unit.section)]
                                 : prediction.accept[static_cast<size_t>(unit.kind)];
    events.push_back({event_for(item, unit.kind, unit.wanted, unit.section, ++id), p});
  }
  return events;
}

// Mean and worst of one measure at each decision count, over seeds.
struct Curve {
  std::vector<double> sum, worst;
  explicit Curve(int points, double start) : sum(points, 0.0), worst(points, start) {}
};

struct ProfileCurves {
  Curve model, model_min, static_rules, frequency, suppression, suppression_max, hidden;
  std::vector<Curve> groups; // Model accuracy per group (kGroups).
  std::array<int, kGroups> group_units{};
  int below_static = 0; // (seed, decision) points where the model scored below the static rules.
  explicit ProfileCurves(int points)
      : model(points, 0), model_min(points, 1.0), static_rules(points, 0), frequency(points, 0),
        suppression(points, 0), suppression_max(points, 0.0), hidden(points, 0),
        groups(kGroups, Curve(points, 0)) {}
};

struct Timing {
  std::vector<double> step_seconds; // Per optimizer step, from every train() call.
};

void add_score(ProfileCurves& curves, int decisions, const Score& s) {
  curves.model.sum[decisions] += s.model;
  curves.model_min.worst[decisions] = std::min(curves.model_min.worst[decisions], s.model);
  curves.static_rules.sum[decisions] += s.static_rules;
  curves.frequency.sum[decisions] += s.frequency;
  curves.suppression.sum[decisions] += s.false_suppression;
  curves.suppression_max.worst[decisions] =
      std::max(curves.suppression_max.worst[decisions], s.false_suppression);
  curves.hidden.sum[decisions] += s.hidden;
  for (int g = 0; g < kGroups; ++g) {
    curves.groups[g].sum[decisions] += s.group_model[g];
    curves.group_units[g] = s.group_units[g];
  }
  curves.below_static += s.model + 1e-12 < s.static_rules;
}

void simulate_one(const Profile& profile, const std::vector<const Item*>& stream,
                  const std::vector<Unit>& heldout, const inf::ModelModule& module, uint64_t seed,
                  const Settings& settings, ProfileCurves& curves, Timing& timing) {
  inf::ModelOptions options;
  options.seed = seed;
  if (settings.learning_rate > 0)
    options.learning_rate = settings.learning_rate;
  if (settings.weight_decay >= 0)
    options.weight_decay = settings.weight_decay;
  std::unique_ptr<inf::LearningModel> model = module.create(options);
  std::vector<inf::Features> heldout_features;
  for (const Unit& unit : heldout)
    heldout_features.push_back(unit.item->features);
  inf::EvidenceTable evidence;
  std::vector<inf::FeedbackEvent> events;
  int64_t id = 0;
  size_t next = 0;
  for (int decisions = 0; decisions <= settings.decisions; ++decisions) {
    if (decisions > 0) {
      // The next suggestion the user gets to see; hidden ones pass by unseen.
      std::vector<Observed> new_events;
      while (new_events.empty() && next < stream.size())
        new_events = user_decides(profile, *stream[next++], *model, evidence, events, id);
      for (Observed& observed : new_events) {
        evidence.add(observed.event, observed.probability_before);
        events.push_back(std::move(observed.event));
      }
      const size_t from = events.size() > static_cast<size_t>(settings.replay)
                              ? events.size() - static_cast<size_t>(settings.replay)
                              : 0;
      const std::vector<inf::FeedbackEvent> replay(events.begin() + static_cast<long>(from),
                                                   events.end());
      const inf::TrainReport report = model->train(replay, settings.steps);
      if (report.steps > 0)
        timing.step_seconds.push_back(report.seconds / report.steps);
    }
    add_score(curves, decisions,
              score(heldout, model->predict(heldout_features), evidence, events));
  }
}

std::vector<Unit> heldout_units(const Profile& profile, const std::vector<Item>& items,
                                int wanted_items, std::mt19937_64& random) {
  std::vector<const Item*> candidates;
  for (const Item& item : items)
    if (item.held_out && in_stream(profile, item))
      candidates.push_back(&item);
  std::shuffle(candidates.begin(), candidates.end(), random);
  if (candidates.size() > static_cast<size_t>(wanted_items))
    candidates.resize(static_cast<size_t>(wanted_items));
  std::vector<Unit> units;
  for (const Item* item : candidates)
    add_units(profile, *item, units);
  return units;
}

std::vector<const Item*> stream_for(const Profile& profile, const std::vector<Item>& items,
                                    std::mt19937_64& random) {
  std::vector<const Item*> stream;
  for (const Item& item : items)
    if (!item.held_out && in_stream(profile, item))
      stream.push_back(&item);
  std::shuffle(stream.begin(), stream.end(), random);
  return stream;
}

// ---- measurements besides the curves --------------------------------------------------------

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}
double percentile(std::vector<double> values, double p) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p * static_cast<double>(values.size() - 1))];
}

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

struct StepTimes {
  std::vector<double> wall, cpu;             // Per step, in calls of one step.
  std::vector<double> event_wall, event_cpu; // Per step, in calls of an event's steps.
  size_t trained_bytes = 0;                  // serialize() of the model after the steps.
};

// Optimizer-step time with a full replay window, measured apart from the simulation: wall time
// as train() reports it, and the thread's CPU time, which a busy machine disturbs less. Both
// in calls of one step and, as the server trains, of an event's steps (the model's default):
// what a call does once (gathering the batch) is shared by its steps.
StepTimes step_times(const inf::ModelModule& module, const std::vector<Item>& items, int replay,
                     int repetitions) {
  std::unique_ptr<inf::LearningModel> model = module.create();
  std::vector<inf::FeedbackEvent> events;
  for (int i = 0; i < replay && i < static_cast<int>(items.size()); ++i)
    events.push_back(event_for(items[static_cast<size_t>(i) * 7 % items.size()],
                               inf::SuggestionKind::Docstring, i % 3 != 0, std::nullopt, i + 1));
  StepTimes times;
  for (int i = 0; i < repetitions; ++i) {
    const double cpu_start = thread_cpu_seconds();
    times.wall.push_back(model->train(events, 1).seconds);
    times.cpu.push_back(thread_cpu_seconds() - cpu_start);
  }
  for (int i = 0; i < repetitions / 16; ++i) {
    const double cpu_start = thread_cpu_seconds();
    const inf::TrainReport report = model->train(events, 0);
    times.event_wall.push_back(report.seconds / report.steps);
    times.event_cpu.push_back((thread_cpu_seconds() - cpu_start) / report.steps);
  }
  times.trained_bytes = model->serialize().size();
  return times;
}

// ---- output ---------------------------------------------------------------------------------

void write_csv(const std::string& path, const std::vector<Profile>& all,
               const std::vector<ProfileCurves>& curves, const Settings& settings) {
  std::ofstream out(path);
  out << "profile,decisions,model,model_min,static,frequency,false_suppression,"
         "false_suppression_max,hidden\n";
  const double n = settings.seeds;
  for (size_t p = 0; p < all.size(); ++p) {
    const ProfileCurves& c = curves[p];
    for (int d = 0; d <= settings.decisions; ++d) {
      char line[256];
      std::snprintf(line, sizeof line, "%s,%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f\n",
                    all[p].name.c_str(), d, c.model.sum[d] / n, c.model_min.worst[d],
                    c.static_rules.sum[d] / n, c.frequency.sum[d] / n, c.suppression.sum[d] / n,
                    c.suppression_max.worst[d], c.hidden.sum[d] / n);
      out << line;
    }
  }
}

bool parse_settings(int argc, char** argv, Settings& settings) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--corpus")
      settings.corpus = value;
    else if (flag == "--out")
      settings.out = value;
    else if (flag == "--seeds")
      settings.seeds = std::atoi(value.c_str());
    else if (flag == "--decisions")
      settings.decisions = std::atoi(value.c_str());
    else if (flag == "--heldout")
      settings.heldout = std::atoi(value.c_str());
    else if (flag == "--steps")
      settings.steps = std::atoi(value.c_str());
    else if (flag == "--replay")
      settings.replay = std::atoi(value.c_str());
    else if (flag == "--profile")
      settings.only = value;
    else if (flag == "--lr")
      settings.learning_rate = std::strtof(value.c_str(), nullptr);
    else if (flag == "--decay")
      settings.weight_decay = std::strtof(value.c_str(), nullptr);
    else
      return false;
  }
  return argc % 2 == 1;
}

} // namespace

int main(int argc, char** argv) {
  Settings settings;
  if (!parse_settings(argc, argv, settings)) {
    std::fprintf(stderr, "usage: learning_sim [--corpus DIR] [--out CSV] [--seeds N] "
                         "[--decisions N] [--heldout N] [--steps N] [--replay N]\n");
    return 2;
  }
  // The build tree's module unless DOCENT_MODEL_MODULE names another (this binary does not sit
  // next to docent, where the loader would look).
  setenv("DOCENT_MODEL_MODULE", DOCENT_MODEL_MODULE_DEFAULT, /*overwrite=*/0);
  // The module first, in a process that has not touched torch: its load cost as the server
  // pays it.
  const long rss_before = rss_kib();
  const Clock::time_point load_start = Clock::now();
  const inf::ModuleLoad load = inf::find_and_load_model_module();
  const double load_seconds = seconds_since(load_start);
  if (!load.module) {
    std::fprintf(stderr, "cannot load the model module: %s\n", load.error.c_str());
    return 1;
  }
  const long rss_after = rss_kib();
  std::printf("module %s: loaded in %.3f s, RSS +%.1f MiB\n", load.module->path().c_str(),
              load_seconds, static_cast<double>(rss_after - rss_before) / 1024.0);

  const Clock::time_point corpus_start = Clock::now();
  const std::vector<Item> items = load_corpus(settings.corpus);
  std::printf("corpus %s: %zu definitions in %.1f s\n", settings.corpus.c_str(), items.size(),
              seconds_since(corpus_start));

  std::vector<ProfileCurves> curves;
  Timing timing;
  std::vector<Profile> all = profiles();
  if (!settings.only.empty())
    all.erase(std::remove_if(all.begin(), all.end(),
                             [&](const Profile& p) { return p.name != settings.only; }),
              all.end());
  for (const Profile& profile : all) {
    curves.emplace_back(settings.decisions + 1);
    std::mt19937_64 heldout_random(12345);
    const std::vector<Unit> heldout =
        heldout_units(profile, items, settings.heldout, heldout_random);
    for (int seed = 1; seed <= settings.seeds; ++seed) {
      std::mt19937_64 random(static_cast<uint64_t>(seed) * 7919u);
      const std::vector<const Item*> stream = stream_for(profile, items, random);
      simulate_one(profile, stream, heldout, *load.module, static_cast<uint64_t>(seed), settings,
                   curves.back(), timing);
    }
    const ProfileCurves& c = curves.back();
    const double n = settings.seeds;
    const int at = std::min(30, settings.decisions);
    double worst_suppression = 0;
    for (double value : c.suppression_max.worst)
      worst_suppression = std::max(worst_suppression, value);
    std::printf("%-20s units %5zu | at %d: model %.3f (worst seed %.3f) static %.3f frequency "
                "%.3f | at %d: model %.3f | false suppression max %.4f | below static %d\n",
                profile.name.c_str(), heldout.size(), at, c.model.sum[at] / n,
                c.model_min.worst[at], c.static_rules.sum[at] / n, c.frequency.sum[at] / n,
                settings.decisions, c.model.sum[settings.decisions] / n, worst_suppression,
                c.below_static);
    std::printf("%-20s per group at 10/20/30/50/%d:", "", settings.decisions);
    for (int g = 0; g < kGroups; ++g) {
      if (c.group_units[g] == 0)
        continue;
      std::printf(" %s (%d units)", kGroupNames[g], c.group_units[g]);
      for (int d : {10, 20, 30, 50, settings.decisions})
        if (d <= settings.decisions)
          std::printf(" %.3f", c.groups[g].sum[d] / n);
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  write_csv(settings.out, all, curves, settings);

  const StepTimes steps = step_times(*load.module, items, settings.replay, 2000);
  std::printf("training step (replay %d events): median %.3f ms, p90 %.3f ms (thread CPU: "
              "median %.3f ms) in calls of one step; median %.3f ms (thread CPU %.3f ms) in "
              "calls of an event's steps; in the simulation (replay up to %d): median %.3f ms "
              "over %zu steps\n",
              settings.replay, median(steps.wall) * 1e3, percentile(steps.wall, 0.9) * 1e3,
              median(steps.cpu) * 1e3, median(steps.event_wall) * 1e3,
              median(steps.event_cpu) * 1e3, settings.replay, median(timing.step_seconds) * 1e3,
              timing.step_seconds.size());
  std::unique_ptr<inf::LearningModel> model = load.module->create();
  std::printf("model: %lld parameters, %zu bytes serialized untrained, %zu after training\n",
              static_cast<long long>(model->parameter_count()), model->serialize().size(),
              steps.trained_bytes);
  return 0;
}
