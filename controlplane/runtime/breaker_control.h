// `tickwire ctl breaker ...` on the control thread: new settings for a running breaker, or an
// override of its state, checked here and handed to the feed's RX core on a ring (the RX core
// applies and journals them at its next safe point; nothing on it waits for this thread).
//
//   breaker list                       the breakers and their settings now
//   breaker set NAME.KEY=VALUE         a setting (not scope, trigger or actions)
//   breaker open|close|auto NAME [STOCK]   force open, force closed, or back to automatic;
//                                      a security breaker's names its stock
#pragma once

#include <string>
#include <vector>

#include "controlplane/config/app_config.h"
#include "dataplane/book/book_store.h"
#include "dataplane/breakers/breaker_request.h"
#include "dataplane/sched/spsc_ring.h"

namespace tickwire::runtime {

struct BreakerControl {
  config::AppConfig& live;  // `set` changes its [breaker.NAME] tables as the RX core will
  const book::BookStore& books;
  sched::SpscRing<breakers::BreakerRequest>& requests;

  // `words` begins with "breaker". Returns "ok..." or "error: ...".
  std::string handle(const std::vector<std::string>& words);

 private:
  std::string set(const std::string& assignment);
  std::string override(breakers::Override o, const std::vector<std::string>& words);
  std::string list() const;
  bool send(const breakers::BreakerRequest& r);
};

}  // namespace tickwire::runtime
