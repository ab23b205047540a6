// The market-scope breakers of a feed, run by its RX core on exchange time after the security
// breakers (so a replay moves them at the same messages on every layout):
//   open_share  percent of the feed's named instruments whose enforcing security breaker is
//               open or half-open: a market in turmoil rather than one stock;
//   mwcb        the level ITCH W says the market-wide circuit breaker breached (1, 2 or 3),
//               while its halt lasts: from the W to the first H saying T after it (trading
//               resumes), or to the next day's start of messages (S O).
// Per feed: across feeds (the pattern layer's merged stream) is not built yet.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dataplane/breakers/breaker.h"
#include "dataplane/breakers/breaker_alert.h"
#include "dataplane/breakers/breaker_request.h"
#include "dataplane/events/event.h"
#include "dataplane/feed/feed_alert.h"

namespace tickwire::breakers {

class MarketBreakers {
 public:
  explicit MarketBreakers(const std::vector<BreakerSpec>& specs) : specs_(specs) {
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      if (specs_[i].scope == Scope::kMarket && runs_in(specs_[i].trigger, Scope::kMarket)) {
        slots_.push_back({static_cast<std::uint16_t>(i), Breaker(&specs_[i]), 0});
      }
    }
  }
  MarketBreakers(const MarketBreakers&) = delete;
  MarketBreakers& operator=(const MarketBreakers&) = delete;
  [[nodiscard]] bool empty() const noexcept { return slots_.empty(); }

  // One message at the feed's clock `t`, keyed `key` (its journal lines go after it).
  template <class Post>
  void message(std::span<const events::Event> m, double open_share, std::uint64_t t, std::uint64_t key, Post&& post) {
    for (const events::Event& e : m) note(e);
    for (Slot& s : slots_) {
      const double value = s.breaker.spec().trigger == Trigger::kMwcb ? mwcb_value() : open_share;
      s.last_value = value;
      if (const auto tr = s.breaker.observe(t, value)) [[unlikely]] post(alert(s, *tr, m.front().sequence, key));
    }
  }

  template <class Post>
  void serve(const BreakerRequest& r, std::uint64_t t, std::uint64_t sequence, std::uint64_t key, Post&& post) {
    for (Slot& s : slots_) {
      if (s.index != r.index) continue;
      std::optional<Transition> tr;
      if (r.kind == BreakerRequest::Kind::kSet) {
        apply(r.settings, specs_[r.index]);
        tr = unmoved(s.breaker.state(), Cause::kSet, t, specs_[r.index]);
      } else {
        tr = s.breaker.force(r.override, t, s.last_value);
        if (!tr) tr = unmoved(s.breaker.state(), cause_of(r.override), t, specs_[r.index]);
      }
      post(alert(s, *tr, sequence, key));
    }
  }

  [[nodiscard]] const Breaker* breaker(std::size_t config_index) const noexcept {
    for (const Slot& s : slots_) {
      if (s.index == config_index) return &s.breaker;
    }
    return nullptr;
  }

 private:
  struct Slot {
    std::uint16_t index;
    Breaker breaker;
    double last_value;  // what an override reports
  };

  void note(const events::Event& e) noexcept {
    if (e.kind == events::EventKind::kMarketState) {
      if (e.code == 'W' && e.code2 >= '1' && e.code2 <= '3') {
        mwcb_level_ = static_cast<std::uint8_t>(e.code2 - '0');
        mwcb_halted_ = true;
      } else if (e.code == 'O') {  // a new day's start of messages
        mwcb_level_ = 0;
        mwcb_halted_ = false;
      }
    } else if (e.kind == events::EventKind::kTradingState && e.source_type == 'H' && e.code == 'T') {
      mwcb_halted_ = false;  // trading resumes
    }
  }
  [[nodiscard]] double mwcb_value() const noexcept { return mwcb_halted_ ? mwcb_level_ : 0; }

  static feed::FeedAlert alert(const Slot& s, const Transition& t, std::uint64_t sequence, std::uint64_t key) noexcept {
    return breaker_alert(s.index, t, sequence, key);
  }

  std::vector<BreakerSpec> specs_;  // never resized: the breakers point into it
  std::vector<Slot> slots_;
  std::uint8_t mwcb_level_ = 0;
  bool mwcb_halted_ = false;
};

}  // namespace tickwire::breakers
