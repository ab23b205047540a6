// `tickwire ctl securities reload`: the securities file read again on the control thread,
// checked whole (a file that does not parse, or that leaves an instance without what it needs,
// changes nothing), and handed to every pattern thread to take at one merge key
// (dataplane/patterns/reference_swap.h). The pattern threads never parse, allocate or lock.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "controlplane/patterns/pattern_catalog.h"
#include "controlplane/patterns/securities_file.h"
#include "controlplane/session/pattern_layer.h"

namespace tickwire::session {

namespace {

// How long the threads have to stop at a batch's start (several threads) or take the reload
// (one) before the command answers.
constexpr auto kReloadWait = std::chrono::milliseconds(2000);

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;  // a path with control characters: dropped
    out += c;
  }
  return out + "\"";
}

// What a reload changes in the securities themselves: "N securities (A added, R removed, C changed)".
std::string securities_changed(const patterns::ReferenceData& before, const patterns::ReferenceData& after) {
  std::size_t added = 0, changed = 0, removed = 0;
  for (const patterns::SecurityReference& s : after.securities) {
    const patterns::SecurityReference* was = before.find(s.symbol);
    if (was == nullptr) {
      ++added;
    } else if (!(*was == s)) {
      ++changed;
    }
  }
  for (const patterns::SecurityReference& s : before.securities) removed += after.find(s.symbol) == nullptr;
  return std::to_string(after.securities.size()) + " securities (" + std::to_string(added) + " added, " +
         std::to_string(removed) + " removed, " + std::to_string(changed) + " changed)";
}

}  // namespace

std::string PatternLayer::reload_securities(const std::function<void()>& keep_io) {
  free_retired();
  const std::string& path = config_.patterns.securities_file;
  if (path.empty()) {
    return "error: securities reload: patterns.securities_file is not set, so there is no file to reload "
           "(set it in the configuration and restart)";
  }
  for (const auto& e : engines_) {
    if (e->reloads_done() != reloads_sent_ && !e->output_finished()) {
      return "error: securities reload: a pattern thread has not yet taken the last reload; try again";
    }
  }
  const std::uint32_t version = reference_version_ + 1;
  if (version >= names_.reloads.size()) {
    return "error: securities reload: this session has taken its " + std::to_string(names_.reloads.size() - 2) +
           " reloads; restart it";
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return "error: patterns.securities_file: " + path + ": cannot be read (the securities in force are unchanged)";
  std::ostringstream read;
  read << in.rdbuf();
  const std::string text = read.str();
  patterns::ReferenceData next;
  std::string error;
  if (!patterns::parse_securities(text, path, next, error)) {
    return "error: patterns.securities_file: " + error + " (the securities in force are unchanged)";
  }

  // Every instance whose parameters come from the reference data and change with it, built
  // anew here at its next version; one it cannot be built for refuses the whole file.
  struct Rebuilt {
    std::uint32_t id;
    std::unique_ptr<patterns::PatternInstance> instance;
  };
  std::vector<Rebuilt> rebuilt;
  for (std::size_t id = 0; id < entries_.size(); ++id) {
    const Entry& e = entries_[id];
    if (!e.active || !patterns::reference_changed(e.spec, reference_, next)) continue;
    auto instance = patterns::make_pattern(e.spec, next, static_cast<std::uint32_t>(id), e.version + 1,
                                           config_.patterns.max_securities, error);
    if (!instance) return "error: " + error + " (with the reloaded file; the securities in force are unchanged)";
    rebuilt.push_back({static_cast<std::uint32_t>(id), std::move(instance)});
  }
  auto symbols = std::make_unique<patterns::FeedSymbols>(next, feed_names_);

  // The journal line's fields, in place before any thread can word it.
  format::Sha256 hash;
  hash.update(text.data(), text.size());
  std::string fields = ",\"file\":" + json_string(path) + ",\"sha256\":\"" + hash.hex() +
                       "\",\"count\":" + std::to_string(next.securities.size()) +
                       ",\"feed_symbols\":" + std::to_string(symbols->size()) + ",\"rebuilt\":[";
  std::string rebuilt_text;
  for (std::size_t i = 0; i < rebuilt.size(); ++i) {
    const Entry& e = entries_[rebuilt[i].id];
    fields += std::string(i == 0 ? "" : ",") + "{\"pattern\":" + json_string(e.spec.name) +
              ",\"version\":" + std::to_string(e.version + 1) + "}";
    rebuilt_text += std::string(i == 0 ? "" : ", ") + e.spec.name + " (version " + std::to_string(e.version + 1) + ")";
  }
  names_.reloads[version] = fields + "]";

  // One swap per thread, each with that thread's rebuilt instances.
  const bool coordinated = engines_.size() > 1;
  std::vector<patterns::ReferenceSwap*> sent;
  for (std::size_t t = 0; t < engines_.size(); ++t) {
    auto swap = std::make_unique<patterns::ReferenceSwap>();
    swap->version = version;
    swap->symbols = symbols.get();
    swap->coordinated = coordinated;
    swap->journal = t == 0;
    for (Rebuilt& r : rebuilt) {
      if (entries_[r.id].engine == t) {
        swap->rebuilt.push_back({patterns::PatternChange::Kind::kReplace, r.id, r.instance.release()});
      }
    }
    // Room is certain: every earlier reload has been taken (checked above), and the ring holds several.
    (void)engines_[t]->request(swap.get());
    sent.push_back(swap.get());
    swaps_.push_back(std::move(swap));
  }
  ++reloads_sent_;

  const auto deadline = std::chrono::steady_clock::now() + kReloadWait;
  auto wait = [&](auto&& until) {
    while (!until() && std::chrono::steady_clock::now() < deadline) {
      keep_io();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return until();
  };
  bool cancelled = false;
  if (coordinated) {
    // Every running thread stopped at a batch's start: the latest of those places is where
    // all take it (the others run on to it).
    const bool stopped = wait([&] {
      for (std::size_t t = 0; t < engines_.size(); ++t) {
        if (!sent[t]->parked.load(std::memory_order_acquire) && !engines_[t]->output_finished()) return false;
      }
      return true;
    });
    const patterns::MarketUpdate* latest = nullptr;
    for (patterns::ReferenceSwap* s : sent) {
      if (s->parked.load(std::memory_order_acquire) && (latest == nullptr || patterns::merge_before(*latest, s->parked_at))) {
        latest = &s->parked_at;
      }
    }
    cancelled = !stopped;
    const patterns::MarketUpdate at = latest != nullptr ? *latest : patterns::MarketUpdate{};
    for (patterns::ReferenceSwap* s : sent) {
      s->at = at;
      s->cancel = cancelled;
      s->go.store(true, std::memory_order_release);
    }
  }
  if (cancelled) {
    return "error: securities reload: the pattern threads did not all reach a batch's start within " +
           std::to_string(std::chrono::milliseconds(kReloadWait).count()) +
           " ms (idle feeds?); nothing changed, try again";
  }
  const std::string changed = securities_changed(reference_, next);
  reference_ = std::move(next);
  reference_version_ = version;
  for (const Rebuilt& r : rebuilt) ++entries_[r.id].version;
  const std::size_t feed_symbol_count = symbols->size();
  feed_symbols_.push_back(std::move(symbols));
  const bool taken = wait([&] {
    for (const auto& e : engines_) {
      if (e->reloads_done() != reloads_sent_ && !e->output_finished()) return false;
    }
    return true;
  });
  bool finished = true;
  for (const auto& e : engines_) finished = finished && e->output_finished();
  free_retired();
  return "ok: securities reloaded (version " + std::to_string(version) + "): " + changed + ", " +
         std::to_string(feed_symbol_count) + " feed symbols; " +
         (rebuilt.empty() ? std::string("no instance rebuilt") : "rebuilt " + rebuilt_text) +
         (finished ? "; but the pattern threads have finished"
          : taken  ? "; in force (its journal line says from where)"
                   : "; in force from the next update");
}

}  // namespace tickwire::session
