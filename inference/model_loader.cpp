// Finding and dlopen()ing the learning model's module (see model_api.h). No torch here: the
// module brings libtorch in when, and only if, it is loaded.
#include "inference/model_api.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace docent::inference {
namespace {

constexpr const char* kModuleFileName = "libdocent_model.so";

std::string dl_error_text() {
  const char* error = dlerror();
  return error ? error : "unknown dynamic loader error";
}

std::filesystem::path executable_folder() {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path() : self.parent_path();
}

} // namespace

ModelModule::ModelModule(std::string path, ModelFactoryFunction factory)
    : path_(std::move(path)), factory_(factory) {}

std::unique_ptr<LearningModel> ModelModule::create(const ModelOptions& options) const {
  return std::unique_ptr<LearningModel>(factory_(kModelAbiVersion, &options));
}

ModuleLoad load_model_module(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error))
    return {std::nullopt, path + ": no such file"};
  // RTLD_LOCAL: torch's symbols stay inside the module. The handle is never closed (libtorch
  // registers global state that does not survive dlclose), so a module loaded twice is
  // the same module.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    return {std::nullopt, path + ": " + dl_error_text()};
  dlerror();
  void* symbol = dlsym(handle, kModelFactorySymbol);
  if (!symbol)
    return {std::nullopt, path + ": not a docent model module (" + dl_error_text() + ")"};
  auto factory = reinterpret_cast<ModelFactoryFunction>(symbol);
  // Probe the ABI version: the factory refuses to build a model for another one.
  const ModelOptions probe_options;
  std::unique_ptr<LearningModel> probe(factory(kModelAbiVersion, &probe_options));
  if (!probe)
    return {std::nullopt, path + ": model module of another docent version"};
  return {ModelModule(path, factory), ""};
}

std::vector<std::string> model_module_candidates() {
  std::vector<std::string> candidates;
  if (const char* configured = std::getenv("DOCENT_MODEL_MODULE"); configured && *configured)
    candidates.emplace_back(configured);
  const std::filesystem::path folder = executable_folder();
  if (!folder.empty()) {
    candidates.push_back((folder / kModuleFileName).string());
    candidates.push_back(
        (folder.parent_path() / "lib" / "docent" / kModuleFileName).lexically_normal().string());
  }
  return candidates;
}

ModuleLoad find_and_load_model_module() {
  std::string errors;
  for (const std::string& candidate : model_module_candidates()) {
    ModuleLoad load = load_model_module(candidate);
    if (load.module)
      return load;
    errors += (errors.empty() ? "" : "; ") + load.error;
  }
  return {std::nullopt, errors.empty() ? "no place to look for the model module" : errors};
}

} // namespace docent::inference
