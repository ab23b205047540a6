// A stage implementation loaded from a shared object (dlopen), to hot-swap in. Loading
// checks the ABI version; any failure is an error with the file named, and whatever ran
// before keeps running. The object is never unloaded: instances may outlive this handle.
#pragma once

#include <memory>
#include <string>

#include "dataplane/stages/stage_plugin_abi.h"

namespace tickwire::runtime {

class StagePlugin {
 public:
  [[nodiscard]] static std::unique_ptr<StagePlugin> load(const std::string& path, std::string& error);

  // A new instance, or null with `error` set (bad parameters, out of memory).
  [[nodiscard]] std::unique_ptr<stages::Stage> create(const std::string& params, std::uint32_t max_instruments,
                                                      std::uint16_t stage_id, std::string& error) const;
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  StagePlugin(std::string path, stages::StagePluginCreateFn create) : path_(std::move(path)), create_(create) {}
  std::string path_;
  stages::StagePluginCreateFn create_;
};

}  // namespace tickwire::runtime
