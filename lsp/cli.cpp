// Command-line front end over the analysis: argument parsing (CLI11), configuration loading,
// output in the flake8/ruff text convention or JSON.
#include "lsp/cli.h"

#include "analysis/config.h"
#include "analysis/docstring_insert.h"
#include "analysis/docstring_update.h"
#include "analysis/file_walker.h"
#include "analysis/rules.h"
#include "inference/feedback_store.h"
#include "lsp/batch.h"
#include "lsp/feedback_json.h"
#include "lsp/report_json.h"
#include "lsp/server.h"
#include "lsp/transport.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace docent::lsp {

using namespace docent::analysis;

namespace {

constexpr int kExitClean = 0;
constexpr int kExitFindings = 1;
constexpr int kExitError = 2;

struct CommonOptions {
  std::vector<std::string> paths;
  unsigned jobs = 0;
  std::map<std::string, std::string> settings; // Flag name -> value, from the command line.
  bool no_config = false;
};

void add_common_options(CLI::App& command, CommonOptions& options) {
  command.add_option("paths", options.paths, "Files or folders to analyze")->required();
  command.add_option("-j,--jobs", options.jobs, "Worker threads (default: one per core)");
  command.add_flag("--no-config", options.no_config, "Ignore pyproject.toml");
  for (const SettingInfo& setting : check_settings()) {
    command
        .add_option_function<std::string>(
            std::string("--") + setting.name,
            [&options, name = std::string(setting.name)](const std::string& value) {
              options.settings[name] = value;
            },
            setting.description)
        ->type_name("VALUE");
  }
}

// pyproject.toml nearest to the first path, then command-line flags. Problems are reported on
// stderr by key and leave the defaults in place.
CheckConfig load_config(const CommonOptions& options) {
  CheckConfig config;
  if (!options.no_config && !options.paths.empty())
    if (std::optional<std::string> pyproject = find_pyproject(options.paths.front()))
      for (const ConfigProblem& problem : load_pyproject(*pyproject, config))
        std::cerr << fmt::format("docent: {}: {}; using the default\n", problem.key,
                                 problem.message);
  for (const auto& [key, value] : options.settings)
    if (std::optional<ConfigProblem> problem = apply_setting(config, key, value))
      std::cerr << fmt::format("docent: --{}: {}; using the default\n", problem->key,
                               problem->message);
  return config;
}

// Files to analyze, or nullopt after reporting that a path does not exist.
std::vector<std::string> collect_files(const CommonOptions& options, const CheckConfig& config,
                                       bool& had_error) {
  WalkResult walk = find_python_files(options.paths, WalkOptions{config.exclude});
  for (const std::string& error : walk.errors)
    std::cerr << "docent: " << error << "\n";
  had_error |= !walk.errors.empty();
  return walk.files;
}

std::string syntax_error_reason(const FileAnalysis& analysis) {
  const SyntaxProblem& first = analysis.model.errors.front();
  const TextLocation at = text_location(*analysis.snapshot, first.range.start);
  return fmt::format("syntax error at {}:{} ({} in file); definitions outside it are analyzed",
                     at.row, at.column, analysis.model.errors.size());
}

RenderedFile render_metrics(const FileOutcome& outcome) {
  RenderedFile rendered;
  auto line = [&](const Json& json) {
    rendered.out += json.dump(-1, ' ', false, Json::error_handler_t::replace);
    rendered.out += '\n';
  };
  if (!outcome.analysis) {
    rendered.failed = true;
    line(error_json(outcome.path, outcome.source.error));
    return rendered;
  }
  const FileAnalysis& analysis = *outcome.analysis;
  if (outcome.source.file->invalid_utf8_at)
    line(error_json(outcome.path, fmt::format("invalid UTF-8 at byte {}; analyzed as is",
                                              *outcome.source.file->invalid_utf8_at)));
  if (!analysis.model.errors.empty())
    line(error_json(outcome.path, syntax_error_reason(analysis)));
  for (size_t i = 0; i < analysis.model.definitions.size(); ++i)
    line(definition_json(outcome.path, analysis, i));
  line(module_json(outcome.path, analysis));
  return rendered;
}

// Writes one file's output and tells whether it could not be read.
bool emit_rendered(const RenderedFile& rendered) {
  std::fwrite(rendered.out.data(), 1, rendered.out.size(), stdout);
  std::fwrite(rendered.err.data(), 1, rendered.err.size(), stderr);
  return rendered.failed;
}

int run_metrics(const CommonOptions& options) {
  const CheckConfig config = load_config(options);
  bool had_error = false;
  const std::vector<std::string> files = collect_files(options, config, had_error);
  analyze_files(files, options.jobs, render_metrics,
                [&](const RenderedFile& rendered) { had_error |= emit_rendered(rendered); });
  return had_error ? kExitError : kExitClean;
}

// What a command prints for a file it could not read.
RenderedFile unreadable(const FileOutcome& outcome) {
  RenderedFile rendered;
  rendered.failed = true;
  rendered.err = fmt::format("docent: {}: {}\n", outcome.path, outcome.source.error);
  return rendered;
}

std::vector<Finding> sorted_findings(const FileAnalysis& analysis, const CheckConfig& config,
                                     const std::string& path) {
  std::vector<Finding> findings = check_file(analysis, config, path);
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return a.range.start < b.range.start;
  });
  return findings;
}

std::string findings_as_text(const std::string& path, const Snapshot& snapshot,
                             const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& finding : findings) {
    const TextLocation at = text_location(snapshot, finding.range.start);
    out += fmt::format("{}:{}:{}: {} {}\n", path, at.row, at.column, finding.code, finding.message);
  }
  return out;
}

int run_check(const CommonOptions& options, const std::string& format) {
  const CheckConfig config = load_config(options);
  bool had_error = false;
  const std::vector<std::string> files = collect_files(options, config, had_error);
  const bool as_json = format == "json";
  size_t finding_count = 0;
  Json all = Json::array();
  auto render = [&](const FileOutcome& outcome) {
    if (!outcome.analysis)
      return unreadable(outcome);
    RenderedFile rendered;
    const Snapshot& snapshot = *outcome.analysis->snapshot;
    const std::vector<Finding> findings = sorted_findings(*outcome.analysis, config, outcome.path);
    rendered.findings = findings.size();
    if (as_json) {
      for (const Finding& finding : findings)
        rendered.out += finding_json(outcome.path, snapshot, finding).dump() + "\n";
    } else {
      rendered.out = findings_as_text(outcome.path, snapshot, findings);
    }
    return rendered;
  };
  analyze_files(files, options.jobs, render, [&](const RenderedFile& rendered) {
    finding_count += rendered.findings;
    if (!as_json) {
      had_error |= emit_rendered(rendered);
      return;
    }
    had_error |= rendered.failed;
    std::fwrite(rendered.err.data(), 1, rendered.err.size(), stderr);
    for (size_t begin = 0, end; begin < rendered.out.size(); begin = end + 1) {
      end = rendered.out.find('\n', begin);
      all.push_back(Json::parse(rendered.out.substr(begin, end - begin)));
    }
  });
  if (as_json)
    std::cout << all.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
  else if (finding_count > 0)
    std::cout << fmt::format("Found {} finding{} in {} file{}.\n", finding_count,
                             finding_count == 1 ? "" : "s", files.size(),
                             files.size() == 1 ? "" : "s");
  if (had_error)
    return kExitError;
  return finding_count > 0 ? kExitFindings : kExitClean;
}

// The docstring edits `docent docstrings` makes to one file: insertions for definitions (and
// the module) without one, updates for docstrings that no longer match their code.
struct DocstringEdits {
  std::vector<TextEdit> edits;
  size_t inserted = 0, updated = 0, converted = 0;
  std::string error; // The template could not be used.
};

// With `convert`, docstrings in another structured style than the configured one are converted
// (and not updated: an update keeps a docstring's style).
DocstringEdits docstring_edits(const FileAnalysis& analysis, const CheckConfig& config,
                               const std::string& path, bool convert) {
  // Pep257 (summary only) is no conversion target: it would drop every section.
  const DocstringStyle target =
      convert ? docstring_style_from_string(config.docstring_style).value_or(DocstringStyle::Pep257)
              : DocstringStyle::Pep257;
  DocstringEdits result;
  const Snapshot& snapshot = *analysis.snapshot;
  const ModuleModel& model = analysis.model;
  if (auto edit = document_module(snapshot, model, config, module_name_of(path))) {
    result.edits.push_back(std::move(*edit));
    ++result.inserted;
  }
  DocstringWriter writer(config);
  for (size_t i = 0; i < model.definitions.size() && writer.error().empty(); ++i) {
    if (auto edit = writer.document(snapshot, model, i)) {
      result.edits.push_back(std::move(*edit));
      ++result.inserted;
    } else if (model.definitions[i].docstring && !model.definitions[i].touches_error) {
      if (target != DocstringStyle::Pep257) {
        if (auto conversion = docstring_conversion(snapshot, model, i, config, target)) {
          result.edits.push_back(std::move(*conversion));
          ++result.converted;
          continue;
        }
      }
      if (auto update = docstring_update(snapshot, model, i, config)) {
        result.edits.push_back(std::move(*update));
        ++result.updated;
      }
    }
  }
  result.error = writer.error();
  return result;
}

std::string with_edits(std::string text, std::vector<TextEdit> edits) {
  std::sort(edits.begin(), edits.end(),
            [](const TextEdit& a, const TextEdit& b) { return a.range.start > b.range.start; });
  for (const TextEdit& edit : edits)
    text.replace(edit.range.start, edit.range.end - edit.range.start, edit.text);
  return text;
}

// `docent docstrings`: reports (or with `write`, makes) the docstring insertions and updates.
int run_docstrings(const CommonOptions& options, bool write, bool convert) {
  const CheckConfig config = load_config(options);
  bool had_error = false;
  const std::vector<std::string> files = collect_files(options, config, had_error);
  size_t changed_files = 0;
  auto render = [&](const FileOutcome& outcome) {
    if (!outcome.analysis)
      return unreadable(outcome);
    RenderedFile rendered;
    const DocstringEdits found = docstring_edits(*outcome.analysis, config, outcome.path, convert);
    if (!found.error.empty()) {
      rendered.failed = true;
      rendered.err = fmt::format("docent: {}: {}\n", outcome.path, found.error);
      return rendered;
    }
    if (found.edits.empty())
      return rendered;
    rendered.findings = 1;
    std::string counts = fmt::format("{} docstring{} to insert, {} to update", found.inserted,
                                     found.inserted == 1 ? "" : "s", found.updated);
    if (convert)
      counts += fmt::format(", {} to convert", found.converted);
    if (!write) {
      rendered.out = fmt::format("{}: {}\n", outcome.path, counts);
      return rendered;
    }
    const SourceFile& source = *outcome.source.file;
    if (source.encoding != "utf-8" || source.invalid_utf8_at) {
      rendered.failed = true;
      rendered.err =
          fmt::format("docent: {}: not rewritten: only valid UTF-8 files are\n", outcome.path);
      return rendered;
    }
    const std::string text =
        (source.had_bom ? "\xEF\xBB\xBF" : "") +
        with_edits(std::string(outcome.analysis->snapshot->text()), found.edits);
    std::ofstream out(outcome.path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
      rendered.failed = true;
      rendered.err = fmt::format("docent: {}: cannot write\n", outcome.path);
      return rendered;
    }
    std::string done = fmt::format("inserted {}, updated {}", found.inserted, found.updated);
    if (convert)
      done += fmt::format(", converted {}", found.converted);
    rendered.out = fmt::format("{}: {}\n", outcome.path, done);
    return rendered;
  };
  analyze_files(files, options.jobs, render, [&](const RenderedFile& rendered) {
    changed_files += rendered.findings;
    had_error |= emit_rendered(rendered);
  });
  if (had_error)
    return kExitError;
  // Like a formatter's --check: without --write, files that would change are findings.
  return changed_files > 0 && !write ? kExitFindings : kExitClean;
}

// `docent learn`: what the server recorded of the user's feedback, read from the store directly
// (the CLI has no message thread to keep free).
struct LearnCommand {
  bool stats = false, reset = false, replay = false;
  std::string data_directory; // Empty: the default.
};

// Batches in which --replay reads the events, so that a large store is not read at once.
constexpr size_t kReplayBatch = 1000;

int run_learn(const LearnCommand& learn) {
  if (learn.stats + learn.reset + learn.replay != 1) {
    std::cerr << "docent learn: give one of --stats, --reset or --replay\n";
    return kExitError;
  }
  const std::optional<std::string> directory =
      learn.data_directory.empty() ? inference::default_data_directory() : learn.data_directory;
  if (!directory) {
    std::cerr << "docent learn: no data directory: give --data-directory, or set XDG_DATA_HOME "
                 "or HOME\n";
    return kExitError;
  }
  const std::string database =
      (std::filesystem::path(*directory) / inference::kFeedbackFileName).string();
  std::error_code ignored;
  if (!std::filesystem::exists(database, ignored)) {
    // Nothing was recorded; asking must not create the store.
    if (learn.stats)
      std::cout << stats_json(inference::LearningStats{{}, database}).dump(2) << "\n";
    if (learn.reset)
      std::cout << fmt::format("docent: no learning data in {}\n", *directory);
    return kExitClean;
  }
  inference::FeedbackStoreOpen opened = inference::FeedbackStore::open(*directory);
  if (!opened.warning.empty())
    std::cerr << opened.warning << "\n";
  if (!opened.store) {
    std::cerr << "docent learn: " << opened.error << "\n";
    return kExitError;
  }
  inference::FeedbackStore& store = *opened.store;
  if (learn.stats) {
    inference::Result<inference::FeedbackStats> stats = store.stats();
    if (!stats) {
      std::cerr << "docent learn: " << stats.error << "\n";
      return kExitError;
    }
    std::cout << stats_json(inference::LearningStats{std::move(*stats), store.path()}).dump(2)
              << "\n";
    return kExitClean;
  }
  if (learn.reset) {
    inference::Result<int64_t> deleted = store.reset();
    if (!deleted) {
      std::cerr << "docent learn: " << deleted.error << "\n";
      return kExitError;
    }
    std::cout << fmt::format("docent: deleted {} feedback event{} from {}\n", *deleted,
                             *deleted == 1 ? "" : "s", store.path());
    return kExitClean;
  }
  // --replay: every event, oldest first, one JSON object a line (training comes with the model).
  for (int64_t last = 0;;) {
    inference::Result<std::vector<inference::FeedbackEvent>> events =
        store.events_after(last, kReplayBatch);
    if (!events) {
      std::cerr << "docent learn: " << events.error << "\n";
      return kExitError;
    }
    if (events->empty())
      return kExitClean;
    for (const inference::FeedbackEvent& event : *events)
      std::cout << event_json(event).dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
    last = events->back().id;
  }
}

} // namespace

namespace {

struct ServerCommand {
  bool stdio = false;
  std::string listen; // HOST:PORT
  std::string log_file;
  std::string log_level = "info";
  size_t max_message_bytes = 64 * 1024 * 1024;
  ServerOptions options;
};

void add_server_options(CLI::App& app, ServerCommand& server) {
  app.add_flag("--stdio", server.stdio, "Serve LSP on stdin/stdout (the default)");
  app.add_option("--listen", server.listen,
                 "Serve LSP on one TCP connection at HOST:PORT (for debugging)");
  app.add_option("--log-file", server.log_file, "Write the server log here (default: stderr)");
  app.add_option("--log-level", server.log_level, "Log level")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_option("--max-message-bytes", server.max_message_bytes,
                 "Largest LSP message accepted (default 64 MiB)")
      ->check(CLI::PositiveNumber);
  app.add_option("--parse-budget-us", server.options.parse_budget_micros,
                 "Bound of one parse step of a document, in microseconds (default 5000)")
      ->check(CLI::PositiveNumber);
}

// Logs go to stderr or a file, never to stdout (the protocol's channel).
bool set_up_logging(const ServerCommand& server) {
  std::shared_ptr<spdlog::logger> logger;
  try {
    if (server.log_file.empty())
      logger = std::make_shared<spdlog::logger>("docent",
                                                std::make_shared<spdlog::sinks::stderr_sink_mt>());
    else
      logger = std::make_shared<spdlog::logger>(
          "docent", std::make_shared<spdlog::sinks::basic_file_sink_mt>(server.log_file));
  } catch (const spdlog::spdlog_ex& error) {
    std::cerr << "docent: cannot open the log file: " << error.what() << "\n";
    return false;
  }
  logger->set_level(spdlog::level::from_str(server.log_level));
  // Warnings reach the file at once; so does every line when the user asked for a debug log,
  // which is read while the server runs.
  logger->flush_on(std::min(logger->level(), spdlog::level::warn));
  spdlog::set_default_logger(logger);
  return true;
}

int run_server_command(const ServerCommand& server) {
  if (!set_up_logging(server))
    return kExitError;
  std::unique_ptr<Transport> transport;
  if (server.listen.empty()) {
    transport = stdio_transport(server.max_message_bytes);
  } else {
    const size_t colon = server.listen.rfind(':');
    const std::string host =
        colon == std::string::npos ? "127.0.0.1" : server.listen.substr(0, colon);
    const std::string port =
        colon == std::string::npos ? server.listen : server.listen.substr(colon + 1);
    int number = 0;
    try {
      number = std::stoi(port);
    } catch (const std::exception&) {
      number = -1;
    }
    if (number <= 0 || number > 65535) {
      std::cerr << "docent: --listen needs HOST:PORT, got '" << server.listen << "'\n";
      return kExitError;
    }
    std::string error;
    spdlog::info("listening on {}:{}", host, number);
    transport = tcp_transport(host, static_cast<uint16_t>(number), server.max_message_bytes, error);
    if (!transport) {
      std::cerr << "docent: " << error << "\n";
      return kExitError;
    }
  }
  spdlog::info("docent {} serving LSP", "0.1.0");
  const int status = run_server(*transport, server.options);
  spdlog::shutdown();
  return status;
}

} // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"docent: complexity metrics and docstrings for Python.\n"
               "Without a command, serves the Language Server Protocol on stdin/stdout."};
  app.set_version_flag("--version", "docent 0.1.0");
  app.require_subcommand(0, 1);
  ServerCommand server;
  add_server_options(app, server);

  CommonOptions metrics_options;
  CLI::App* metrics = app.add_subcommand(
      "metrics", "Print JSON Lines: one object per definition and one per module");
  add_common_options(*metrics, metrics_options);

  CommonOptions check_options;
  std::string format = "text";
  CLI::App* check_command =
      app.add_subcommand("check", "Report complexity findings as path:line:col: CODE message");
  add_common_options(*check_command, check_options);
  check_command->add_option("--format", format, "Output format (text or json)")
      ->check(CLI::IsMember({"text", "json"}));

  CommonOptions docstring_options;
  bool write = false;
  CLI::App* docstrings = app.add_subcommand(
      "docstrings", "Insert missing docstrings and update outdated ones (--write), or list the "
                    "files that need it");
  add_common_options(*docstrings, docstring_options);
  docstrings->add_flag("--write", write, "Rewrite the files in place");
  bool convert = false;
  docstrings->add_flag("--convert", convert,
                       "Also convert docstrings in another style to --docstring-style");

  LearnCommand learn_options;
  CLI::App* learn = app.add_subcommand(
      "learn",
      "Show (--stats), delete (--reset) or print (--replay) the feedback docent learns from");
  learn->add_flag("--stats", learn_options.stats, "Print counts of the recorded feedback as JSON");
  learn->add_flag("--reset", learn_options.reset, "Delete every recorded feedback event");
  learn->add_flag("--replay", learn_options.replay, "Print every event as a line of JSON");
  learn->add_option("--data-directory", learn_options.data_directory,
                    "Where the learning data is (default: $XDG_DATA_HOME/docent)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? kExitClean : kExitError;
  }
  if (metrics->parsed())
    return run_metrics(metrics_options);
  if (check_command->parsed())
    return run_check(check_options, format);
  if (docstrings->parsed())
    return run_docstrings(docstring_options, write, convert);
  if (learn->parsed())
    return run_learn(learn_options);
  return run_server_command(server);
}

} // namespace docent::lsp
