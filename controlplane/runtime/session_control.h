// What a running session does with a control command (`tickwire ctl`), on the control-plane
// thread: it builds new tables and stage instances there (allocation is allowed on this
// thread), publishes tables through RCU and hands stages to the hot-swap path, so the data
// cores never wait on it. A command that cannot be carried out changes nothing and says why.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "controlplane/config/app_config.h"
#include "controlplane/runtime/stage_swapper.h"
#include "dataplane/book/book_store.h"
#include "dataplane/core/qsbr.h"
#include "dataplane/events/classification.h"
#include "dataplane/sched/worker.h"

namespace tickwire::runtime {

struct SessionControl {
  config::AppConfig& live;  // the settings running now; commands change it
  const book::BookStore& books;
  Published<events::ClassificationTable>& table;
  StageSwapper& swapper;
  std::span<sched::Worker* const> workers;
  std::function<std::string()> more_stats;  // "key value" lines the session adds to `stats`
  // `breaker ...` (the words of the command); empty: this session runs no breaker
  std::function<std::string(const std::vector<std::string>&)> breaker_command;

  // Returns the reply: "ok..." or "error: ...", one or more lines.
  std::string handle(const std::string& command);

 private:
  std::string promote(const std::string& symbol, const std::string& class_name);
  std::string set(const std::string& assignment);
  std::string stats() const;
};

}  // namespace tickwire::runtime
