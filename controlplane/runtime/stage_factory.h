// The pipeline's stages as the configuration chains them: built-in stages by name, the
// others from their shared objects. Each pipeline (inline, or one per worker) gets its own
// instances; slot i's instances signal with stage id i, which is how the journal names them.
// Everything that can fail (a plugin that does not load, parameters it refuses) fails in
// init(), before anything runs.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "controlplane/config/app_config.h"
#include "controlplane/runtime/stage_plugin.h"
#include "dataplane/stages/stage.h"

namespace tickwire::runtime {

class StageFactory {
 public:
  [[nodiscard]] bool init(const config::AppConfig& config, std::string& error);

  [[nodiscard]] std::size_t size() const noexcept { return specs_.size(); }
  [[nodiscard]] const config::StageSpec& spec(std::size_t slot) const noexcept { return specs_[slot]; }
  // Slot names, by stage id (the journal's).
  [[nodiscard]] const std::vector<std::string_view>& names() const noexcept { return names_; }
  // A new instance for `slot`; null with `error` set when it cannot be built.
  [[nodiscard]] std::unique_ptr<stages::Stage> make(std::size_t slot, std::string& error) const;

 private:
  std::vector<config::StageSpec> specs_;
  std::vector<std::string_view> names_;
  std::vector<std::unique_ptr<StagePlugin>> plugins_;  // by slot; null for built-ins
  stages::PriceMoveConfig price_move_;
  std::uint32_t max_instruments_ = 0;
};

}  // namespace tickwire::runtime
