#include "controlplane/runtime/stage_factory.h"

#include "dataplane/stages/price_move_detector.h"

namespace tickwire::runtime {

bool StageFactory::init(const config::AppConfig& config, std::string& error) {
  specs_ = config.stages;
  price_move_ = config.price_move;
  max_instruments_ = static_cast<std::uint32_t>(config.book.max_instruments);
  price_move_.max_instruments = max_instruments_;
  names_.clear();
  plugins_.clear();
  for (const config::StageSpec& spec : specs_) {
    names_.push_back(spec.name);
    if (spec.name == config::kBuiltInStage) {
      plugins_.push_back(nullptr);
      continue;
    }
    auto plugin = StagePlugin::load(spec.plugin, error);
    if (!plugin) {
      error = "stage." + spec.name + ": " + error;
      return false;
    }
    plugins_.push_back(std::move(plugin));
  }
  // One trial instance of each: bad parameters are an error now, not a surprise mid-run.
  for (std::size_t slot = 0; slot < specs_.size(); ++slot) {
    if (!make(slot, error)) return false;
  }
  return true;
}

std::unique_ptr<stages::Stage> StageFactory::make(std::size_t slot, std::string& error) const {
  const auto stage_id = static_cast<std::uint16_t>(slot);
  if (plugins_[slot] == nullptr) {
    stages::PriceMoveConfig c = price_move_;
    c.stage_id = stage_id;
    auto detector = std::make_unique<stages::PriceMoveDetector>(c);
    if (!detector->ok()) {
      error = "stage." + specs_[slot].name + ": cannot reserve its per-instrument state";
      return nullptr;
    }
    return detector;
  }
  auto stage = plugins_[slot]->create(specs_[slot].params, max_instruments_, stage_id, error);
  if (!stage) error = "stage." + specs_[slot].name + ": " + error;
  return stage;
}

}  // namespace tickwire::runtime
