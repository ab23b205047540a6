#include "controlplane/runtime/stage_plugin.h"

#include <dlfcn.h>

#include <array>

namespace tickwire::runtime {

std::unique_ptr<StagePlugin> StagePlugin::load(const std::string& path, std::string& error) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    error = "cannot load stage " + path + ": " + (why != nullptr ? why : "unknown error");
    return nullptr;
  }
  auto abi = reinterpret_cast<stages::StagePluginAbiFn>(dlsym(handle, stages::kStagePluginAbiSymbol));
  auto create = reinterpret_cast<stages::StagePluginCreateFn>(dlsym(handle, stages::kStagePluginCreateSymbol));
  if (abi == nullptr || create == nullptr) {
    error = "cannot load stage " + path + ": it does not export " + stages::kStagePluginAbiSymbol + " and " +
            stages::kStagePluginCreateSymbol;
    dlclose(handle);
    return nullptr;
  }
  if (abi() != stages::kStagePluginAbi) {
    error = "cannot load stage " + path + ": built for stage ABI " + std::to_string(abi()) + ", this is " +
            std::to_string(stages::kStagePluginAbi);
    dlclose(handle);
    return nullptr;
  }
  return std::unique_ptr<StagePlugin>(new StagePlugin(path, create));
}

std::unique_ptr<stages::Stage> StagePlugin::create(const std::string& params, std::uint32_t max_instruments,
                                                   std::uint16_t stage_id, std::string& error) const {
  const stages::StagePluginArgs args{params.c_str(), max_instruments, stage_id};
  std::array<char, 256> reason{};
  std::unique_ptr<stages::Stage> stage(create_(&args, reason.data(), reason.size()));
  if (!stage) error = path_ + ": " + (reason[0] != '\0' ? std::string(reason.data()) : "could not create the stage");
  return stage;
}

}  // namespace tickwire::runtime
