#include "controlplane/cli/audit_command.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "controlplane/cli/arg_parser.h"
#include "controlplane/cli/feed_options.h"
#include "controlplane/format/text_buffer.h"

namespace tickwire::cli {

namespace {

constexpr std::string_view kSynopsis = "[options] INPUT...   (pcap or pcapng, .gz too; A and B lines may share a file)";

struct Gap {
  feed::SessionId session;
  feed::SequenceRange range;
};

struct CountingSink {
  template <class Message>
  void operator()(const feed::MessageContext&, const Message&) noexcept {}
};

void print_gap(format::TextBuffer& out, const Gap& g) {
  out.put("{\"session\":\"");
  out.put_json_escaped(g.session.text());
  out.put("\",\"first\":");
  out.put_uint(g.range.first);
  out.put(",\"last\":");
  out.put_uint(g.range.last);
  out.put(",\"count\":");
  out.put_uint(g.range.size());
  out.put("}\n");
}

}  // namespace

int run_audit_command(int argc, char** argv) {
  ArgParser args = feed_command_parser("audit", {});
  session::FeedInputOptions input;
  if (auto code = parse_feed_command(
          args, argc, argv, kSynopsis, input,
          "\nPrints one JSON line per sequence gap (messages no line delivered, per MoldUDP64 session),\n"
          "then a summary line. A gap the other line or a retransmission filled later is not a gap.\n")) {
    return *code;
  }
  session::install_stop_handlers();
  auto counters = std::make_unique<metrics::FeedCounters>();
  auto audit = std::make_unique<feed::SequenceAudit>();
  std::vector<Gap> gaps;
  audit->set_eviction_listener(
      [](void* context, const feed::SessionId& session, const feed::SequenceRange& hole) {
        static_cast<std::vector<Gap>*>(context)->push_back({session, hole});
      },
      &gaps);
  CountingSink sink;
  const session::FeedRunResult result = session::run_feed_inputs(input, sink, *counters, *audit, stderr);
  audit->for_each_gap([&](const feed::SessionId& s, const feed::SequenceRange& r) { gaps.push_back({s, r}); });
  std::sort(gaps.begin(), gaps.end(), [](const Gap& a, const Gap& b) {
    const auto at = a.session.text();
    const auto bt = b.session.text();
    return at != bt ? at < bt : a.range.first < b.range.first;
  });

  format::TextBuffer out(stdout);
  std::uint64_t missing = 0;
  for (const Gap& g : gaps) {
    print_gap(out, g);
    missing += g.range.size();
    out.maybe_flush();
  }
  std::uint64_t dropped = 0;
  for (const std::uint64_t d : counters->drops) dropped += d;
  const feed::SequenceTotals& t = audit->totals();
  char summary[512];
  std::snprintf(summary, sizeof summary,
                "{\"summary\":true,\"sessions\":%zu,\"packets\":%" PRIu64 ",\"messages\":%" PRIu64
                ",\"gaps\":%zu,\"missing\":%" PRIu64 ",\"duplicates\":%" PRIu64 ",\"late\":%" PRIu64
                ",\"drops\":%" PRIu64 ",\"complete\":%s}\n",
                audit->session_count(), counters->packets, t.new_messages + t.late_messages, gaps.size(), missing,
                t.duplicate_messages, t.late_messages, dropped, gaps.empty() && dropped == 0 ? "true" : "false");
  out.put(summary);
  out.flush();
  return result.all_inputs_usable ? 0 : 1;
}

}  // namespace tickwire::cli
