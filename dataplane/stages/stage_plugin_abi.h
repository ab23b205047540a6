// What a stage in a shared object exports, for the control plane to load it with dlopen and
// hot-swap it in. Both functions have C linkage:
//
//   std::uint32_t tickwire_stage_abi();  // must return kStagePluginAbi
//   tickwire::stages::Stage* tickwire_stage_create(const tickwire::stages::StagePluginArgs*,
//                                                  char* error, std::size_t error_size);
//
// create returns a new instance (deleted through Stage's virtual destructor, so the object
// stays loaded for the life of the process), or null with a reason in `error`.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dataplane/stages/stage.h"

namespace tickwire::stages {

// Raised whenever Event, Signal, Stage or the arguments below change layout.
inline constexpr std::uint32_t kStagePluginAbi = 2;

struct StagePluginArgs {
  const char* params;             // the user's parameter string, e.g. "min_shares=10000"
  std::uint32_t max_instruments;  // instrument ids run from 1 to this
  std::uint16_t stage_id;         // to stamp on signals
};

using StagePluginAbiFn = std::uint32_t (*)();
using StagePluginCreateFn = Stage* (*)(const StagePluginArgs*, char*, std::size_t);

inline constexpr const char* kStagePluginAbiSymbol = "tickwire_stage_abi";
inline constexpr const char* kStagePluginCreateSymbol = "tickwire_stage_create";

}  // namespace tickwire::stages
