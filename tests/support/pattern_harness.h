// The pattern layer under test without feeds: each feed's ring written by the test, then one
// engine (in the exact merge) runs the instances over them; the signals come back in order.
#pragma once

#include <memory>
#include <vector>

#include "dataplane/patterns/broadcast_ring.h"
#include "dataplane/patterns/pattern_engine.h"
#include "tests/support/market_updates.h"

namespace tickwire::test {

struct PatternHarness {
  std::vector<std::unique_ptr<patterns::BroadcastRing<patterns::MarketUpdate>>> rings;
  std::vector<UpdateMaker> makers;
  std::unique_ptr<patterns::PatternEngine> engine;
  patterns::EngineConfig config;

  explicit PatternHarness(std::size_t feeds, std::size_t ring = 1 << 18) {
    config.max_securities = 64;
    config.max_instruments = 64;
    config.feeds = feeds;
    for (std::size_t f = 0; f < feeds; ++f) {
      rings.push_back(std::make_unique<patterns::BroadcastRing<patterns::MarketUpdate>>(ring, 1));
      makers.push_back(UpdateMaker{static_cast<std::uint16_t>(f), 0});
    }
  }
  bool write(const patterns::MarketUpdate& u) { return rings[u.feed]->try_write(u); }
  // Names `symbol` as instrument `instrument` on every feed at time 1.
  void name_everywhere(std::uint32_t instrument, std::string_view symbol) {
    for (UpdateMaker& m : makers) (void)write(m.named(1, instrument, symbol));
  }
  // The engine over what was written, with these instances; every signal, in output order.
  std::vector<patterns::PatternSignal> run(std::vector<std::unique_ptr<patterns::PatternInstance>> instances) {
    std::vector<patterns::MergeSource> sources;
    for (auto& r : rings) {
      r->close();
      sources.push_back({r.get(), 0, nullptr});
    }
    engine = std::make_unique<patterns::PatternEngine>(config, std::move(sources), patterns::FeedMerge::Mode::kExact);
    for (auto& i : instances) engine->add(std::move(i));
    std::vector<patterns::PatternSignal> out;
    auto drain = [&] {
      while (const patterns::PatternSignal* s = engine->output().front()) {
        out.push_back(*s);
        engine->output().pop();
      }
    };
    while (!engine->finished()) {
      engine->poll(0);
      drain();
    }
    drain();
    return out;
  }
};

}  // namespace tickwire::test
