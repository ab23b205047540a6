// SessionAlerts as the merge thread runs it: a storm of security transitions stays readable
// (ten told a second, the rest summed up in one line per breaker and second, all counted and
// tallied per stock),
// system transitions are tallied as episodes, and new settings (`ctl breaker set`) are told
// but not counted as transitions.
#include "controlplane/session/session_alerts.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace tickwire::session {
namespace {

constexpr std::uint64_t kMs = 1'000'000;

breakers::BreakerSpec spec(const char* name, breakers::Scope scope) {
  breakers::BreakerSpec s;
  s.name = name;
  s.scope = scope;
  s.trigger = scope == breakers::Scope::kSecurity ? breakers::Trigger::kHalt : breakers::Trigger::kMessageRate;
  s.trip = 1;
  s.clear = 0;
  return s;
}

feed::FeedAlert moved(std::uint16_t breaker, std::uint32_t instrument, breakers::State from, breakers::State to,
                      std::uint64_t t, breakers::Cause cause = breakers::Cause::kTripped) {
  feed::FeedAlert a;
  a.kind = feed::FeedAlertKind::kBreaker;
  a.breaker = breaker;
  a.instrument = instrument;
  std::memcpy(a.stock, "STK     ", sizeof a.stock);
  a.from_state = static_cast<std::uint8_t>(from);
  a.to_state = static_cast<std::uint8_t>(to);
  a.breaker_cause = static_cast<std::uint8_t>(cause);
  a.exchange_ns = t;
  a.sequence = instrument;
  a.stream_key = instrument;
  return a;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(SessionAlerts, AStormOfSecurityTransitionsIsToldTenAndSummedUpAndTalliedPerStock) {
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  ASSERT_NE(out, nullptr);
  {
    SessionAlerts alerts("t", nullptr, /*wait_when_full=*/true, out);
    ASSERT_TRUE(alerts.ok());
    alerts.set_breakers({spec("halt", breakers::Scope::kSecurity), spec("storm", breakers::Scope::kSystem)});
    using breakers::State;
    for (std::uint32_t i = 1; i <= 100; ++i) alerts.post(moved(0, i, State::kClosed, State::kOpen, i * kMs));
    alerts.pull();
    for (std::uint32_t i = 1; i <= 40; ++i) alerts.post(moved(0, i, State::kOpen, State::kClosed, 1'000 * kMs + i * kMs));
    alerts.post(moved(1, 0, State::kClosed, State::kOpen, 5 * kMs));
    alerts.post(moved(1, 0, State::kOpen, State::kClosed, 65 * kMs));
    alerts.post(moved(1, 0, State::kClosed, State::kClosed, 70 * kMs, breakers::Cause::kSet));
    alerts.finish();

    EXPECT_EQ(alerts.breaker_transitions(), 142u) << "the set line is not a transition";
    const SessionAlerts::BreakerTally& halt = alerts.breaker_tallies()[0];
    EXPECT_EQ(halt.opened, 100u);
    EXPECT_EQ(halt.securities, 100u);
    EXPECT_EQ(halt.open_now, 60u);
    EXPECT_EQ(halt.longest_ns, 1'000 * kMs) << "each closed 1 s after it opened";
    EXPECT_EQ(halt.open_ns, 40 * 1'000 * kMs);
    const SessionAlerts::BreakerTally& storm = alerts.breaker_tallies()[1];
    EXPECT_EQ(storm.opened, 1u);
    EXPECT_EQ(storm.longest_ns, 60 * kMs);
    EXPECT_FALSE(storm.open);
  }
  std::fclose(out);
  const std::string said(text, size);
  std::free(text);
  // Ten told a second, the rest summed up once a second and at the end: whatever seconds
  // the test straddles, every transition is told or counted in a summary, exactly once.
  const std::size_t told = occurrences(said, "alert: breaker halt open for STK (tripped") +
                           occurrences(said, "alert: breaker halt closed for STK (tripped");
  std::size_t summed = 0, summaries = 0;
  for (std::size_t at = said.find("alert: breaker halt: "); at != std::string::npos;
       at = said.find("alert: breaker halt: ", at + 1)) {
    summed += std::strtoull(said.c_str() + at + std::strlen("alert: breaker halt: "), nullptr, 10);
    ++summaries;
  }
  EXPECT_EQ(told + summed, 140u) << said;
  EXPECT_GE(told, 10u);
  EXPECT_LE(told, 10u * summaries) << said;
  EXPECT_NE(said.rfind("securities open now"), std::string::npos);
  EXPECT_NE(said.find("; 60 securities open now\n", said.rfind("alert: breaker halt: ")), std::string::npos) << said;
  EXPECT_EQ(occurrences(said, "alert: breaker storm "), 3u) << said;
}

}  // namespace
}  // namespace tickwire::session
