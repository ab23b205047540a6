// Runs the inputs a command names (capture files, BinaryFILEs, or DPDK ports through EAL)
// through one decoder into a sink, counting everything in one set of counters.
#pragma once

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "controlplane/session/stop_signal.h"
#include "controlplane/config/app_config.h"
#include "controlplane/recovery/recovery_policy.h"
#include "dataplane/book/prefetch_window.h"
#include "dataplane/core/cache.h"
#include "dataplane/feed/mold_feed_decoder.h"
#include "dataplane/itch/decoder.h"
#include "drivers/binary_file_reader.h"
#include "drivers/capture_file_reader.h"
#include "dataplane/metrics/tsc_clock.h"
#include "drivers/dpdk_port.h"

namespace tickwire::session {

// How far a run through its inputs has come, for the progress line on a terminal: stored now
// and then by the RX thread (relaxed, on a line it alone writes), read by the control thread.
struct alignas(kCacheLine) InputProgress {
  std::atomic<std::uint64_t> messages{0};
  std::atomic<std::uint64_t> bytes_done{0};  // of the input files as stored (gzip: compressed)
  std::atomic<std::uint64_t> bytes_total{0};  // 0: unknown (ports)
};

struct FeedInputOptions {
  std::vector<std::string> inputs;  // files; empty when `eal` is set
  std::string eal;                  // EAL arguments: read every port they create, or `ports`
  std::vector<std::string> ports;   // with EAL: only these ports (DPDK names); empty: every port
  // With EAL started and these ports opened by the caller (several feed sessions share one
  // EAL): poll exactly them, and leave them and EAL to the caller.
  std::vector<drivers::DpdkPort*> opened_ports;
  std::string who = "tickwire";  // heads the input's messages (a feed session names its feed)
  std::uint64_t idle_exit_ms = 1000;  // with EAL: stop after this long without a packet (0: never)
  net::UdpFilter filter;
  // With EAL: receive times on this clock (the one latency is measured with); else DPDK's.
  std::optional<metrics::TscClock> clock;
  InputProgress* progress = nullptr;  // null: not told
};

// How recovery waits for re-request answers: a replay stops for them, a live RX loop never.
inline recovery::AnswerWait answer_wait(const FeedInputOptions& options) {
  return options.eal.empty() ? recovery::AnswerWait::kBlock : recovery::AnswerWait::kPoll;
}

// The sequencer as the input needs it: live, reorder windows are judged at the end of each
// burst and on empty polls (see SequencerConfig::judge_window_per_packet).
inline feed::SequencerConfig sequencing_for(feed::SequencerConfig sequencer, bool live) {
  sequencer.judge_window_per_packet = !live;
  return sequencer;
}

// The filters of input.filter. False with `error` naming the bad entry.
bool filter_from_config(const config::AppConfig& config, net::UdpFilter& filter, std::string& error);

struct FeedRunResult {
  bool all_inputs_usable = true;
  bool started = true;  // false: DPDK ports could not be started (the error is printed)
  std::vector<std::pair<std::string, drivers::PortCounters>> ports;
  // DPDK input: TSC cycles of rx bursts that brought packets, and of empty polls.
  std::uint64_t rx_busy_cycles = 0;
  std::uint64_t rx_idle_cycles = 0;
  // DPDK input: packets received, and the time from the first burst to the end of the last:
  // the rate while there was traffic (the I/O ceiling's measure, as testpmd reports it).
  std::uint64_t rx_packets = 0;
  std::uint64_t rx_active_ns = 0;
};

enum class InputKind { kCapture, kBinaryFile, kUnusable };

// Looks at the first (decompressed) bytes. kUnusable comes with `error` naming the file.
InputKind probe_input(const std::string& path, std::string& error);

// The EAL path lives in a .cc that sees DPDK's headers; it takes a frame callback.
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual void on_frame(const std::uint8_t* data, std::uint32_t length, std::uint64_t receive_time_ns) = 0;
  [[nodiscard]] virtual bool done() const = 0;
  virtual void end_of_burst() {}
  virtual void idle(std::uint64_t /*now_ns*/) {}  // a poll that received nothing, on the receive clock
  // A burst's frames before they come one by one (SequencedFeed::look_ahead); the frames stay
  // valid until end_look_ahead().
  virtual void begin_look_ahead() {}
  virtual void look_ahead(const std::uint8_t* /*data*/, std::uint32_t /*length*/) {}
  virtual void end_look_ahead() {}
};
bool read_dpdk_ports(const FeedInputOptions& options, FrameSink& sink, metrics::FeedCounters& counters,
                     FeedRunResult& result, std::FILE* err);
// EAL once per process, with --no-huge added (and said) when no hugepages are usable.
bool start_eal(const std::string& arguments, std::FILE* err);
// Opens and starts the ports named in `wanted` (every port when empty). Empty, with the
// reason printed, when a port cannot be opened or a wanted one does not exist.
std::vector<std::unique_ptr<drivers::DpdkPort>> open_dpdk_ports(const std::string& eal,
                                                                const std::vector<std::string>& wanted,
                                                                std::FILE* err);

// A sink that batches what it hands on (the RX core's router) offers `end_of_burst()`:
// called after each received burst, and after each frame of a capture.
template <class Sink>
void end_of_burst(Sink& sink) {
  if constexpr (requires { sink.end_of_burst(); }) sink.end_of_burst();
}

// A sink may end the run early by offering `bool done() const` (e.g. `book --at SEQ`).
template <class Sink>
bool should_stop(const Sink& sink) {
  if constexpr (requires { sink.done(); }) {
    if (sink.done()) return true;
  }
  return stop_requested();
}

// A BinaryFILE is read in runs of messages that stay in place together, so that a sink that
// builds books can prefetch for the messages ahead (book::apply_prefetched).
inline constexpr std::size_t kBinaryFileRun = 256;

template <class Sink>
bool prefetching(const Sink& sink) {
  if constexpr (requires { sink.prefetching(); }) {
    return sink.prefetching();
  } else {
    return false;
  }
}
template <class Sink>
void prefetch_message(Sink& sink, unsigned stage, book::MessageRef& m) {
  if constexpr (requires { sink.prefetching(); }) {
    sink.prefetch_encoded(stage, m);
  }
}

// Every input through `feed` (frames: feed.on_frame) or, for BinaryFILE, straight to
// `sink`; at the end feed.finish(last receive time) when the feed has one (what a sequencer
// still waits for is then lost).
template <class Feed, class Sink>
FeedRunResult run_feed_inputs(const FeedInputOptions& options, Feed& feed, Sink& sink,
                              metrics::FeedCounters& counters, std::FILE* err) {
  FeedRunResult result;
  std::uint64_t last_receive_ns = 0;
  auto finish = [&] {
    if constexpr (requires { feed.finish(std::uint64_t{}); }) feed.finish(last_receive_ns);
  };

  if (!options.eal.empty()) {
    struct Adapter final : FrameSink {
      Feed& f;
      Sink& s;
      std::uint64_t& last;
      Adapter(Feed& feed_in, Sink& sink_in, std::uint64_t& last_in) : f(feed_in), s(sink_in), last(last_in) {}
      void end_of_burst() override {
        // Reorder windows are judged here live, once the whole burst is seen (its packets share
        // one stamp: see SequencerConfig::judge_window_per_packet).
        if constexpr (requires { f.poll(last); }) f.poll(last);
        tickwire::session::end_of_burst(s);
      }
      void idle(std::uint64_t now_ns) override {
        // Time passes without packets: a hole's window expires, a silent line goes stale and
        // live recovery takes its answers even when the feed is quiet.
        if constexpr (requires { f.poll(now_ns); }) {
          f.poll(now_ns);
          tickwire::session::end_of_burst(s);  // what the poll released reaches the workers now
        }
        if constexpr (requires { s.idle(); }) s.idle();
      }
      void on_frame(const std::uint8_t* data, std::uint32_t length, std::uint64_t t) override {
        last = t;
        f.on_frame(data, length, net::LinkType::kEthernet, t);
      }
      void begin_look_ahead() override {
        if constexpr (requires { f.begin_look_ahead(); }) f.begin_look_ahead();
      }
      void look_ahead(const std::uint8_t* data, std::uint32_t length) override {
        if constexpr (requires { f.begin_look_ahead(); }) f.look_ahead(data, length, net::LinkType::kEthernet);
      }
      void end_look_ahead() override {
        if constexpr (requires { f.begin_look_ahead(); }) f.end_look_ahead();
      }
      [[nodiscard]] bool done() const override { return should_stop(s); }
    } adapter(feed, sink, last_receive_ns);
    result.started = result.all_inputs_usable = read_dpdk_ports(options, adapter, counters, result, err);
    finish();
    return result;
  }

  std::uint64_t binary_messages = 0;
  // Progress is told every so many frames (or runs of a BinaryFILE) and at each input's end.
  constexpr std::uint32_t kProgressEvery = 1024;
  std::uint64_t bytes_before = 0;  // of the inputs already read
  if (options.progress != nullptr) {
    std::uint64_t total = 0;
    for (const std::string& path : options.inputs) {
      std::error_code ec;
      const std::uintmax_t size = std::filesystem::file_size(path, ec);
      if (!ec) total += size;
    }
    options.progress->bytes_total.store(total, std::memory_order_relaxed);
  }
  auto tell_progress = [&](std::uint64_t offset) {
    if (options.progress == nullptr) return;
    options.progress->messages.store(counters.messages, std::memory_order_relaxed);
    options.progress->bytes_done.store(bytes_before + offset, std::memory_order_relaxed);
  };
  for (const std::string& path : options.inputs) {
    if (should_stop(sink)) break;
    std::string error;
    const InputKind kind = probe_input(path, error);
    if (kind == InputKind::kUnusable) {
      std::fprintf(err, "tickwire: %s\n", error.c_str());
      result.all_inputs_usable = false;
      continue;
    }
    drivers::ReadStatus status = drivers::ReadStatus::kEnd;
    std::string detail;
    if (kind == InputKind::kCapture) {
      auto reader = drivers::CaptureFileReader::open(path, error);
      if (!reader) {
        std::fprintf(err, "tickwire: %s\n", error.c_str());
        result.all_inputs_usable = false;
        continue;
      }
      drivers::Frame frame;
      std::uint32_t frames = 0;
      while (!should_stop(sink) && (status = reader->next(frame)) == drivers::ReadStatus::kFrame) {
        if (++frames % kProgressEvery == 0) tell_progress(reader->source_offset());
        last_receive_ns = frame.receive_time_ns;
        // No look-ahead: libpcap hands over one frame at a time, and a look-ahead over one
        // packet's messages measured no gain for its second parse of the frame.
        feed.on_frame(frame.data, frame.captured_length, frame.link, frame.receive_time_ns);
        end_of_burst(sink);
      }
      detail = reader->error();
    } else {
      auto reader = drivers::BinaryFileReader::open(path, error);
      if (!reader) {
        std::fprintf(err, "tickwire: %s\n", error.c_str());
        result.all_inputs_usable = false;
        continue;
      }
      // A BinaryFILE is one trading day, as NASDAQ publishes them, with neither sequence
      // numbers nor a session: its messages are numbered from 1, and a file after one that
      // had messages is the next day (as a new MoldUDP64 session is).
      if (binary_messages != 0) {
        binary_messages = 0;
        if constexpr (requires { sink.on_new_session(feed::SessionId{}); }) sink.on_new_session(feed::SessionId{});
      }
      feed::MessageContext ctx{};
      std::array<book::MessageRef, kBinaryFileRun> run;
      std::size_t count = 0;
      const bool hints = prefetching(sink);
      std::uint32_t runs = 0;
      while (!should_stop(sink) && (status = reader->next_run(run.data(), run.size(), count)) == drivers::ReadStatus::kFrame) {
        if (++runs % kProgressEvery == 0) tell_progress(reader->source_offset());
        auto apply = [&](std::size_t i) {
          ctx.sequence = ++binary_messages;
          feed::deliver_message(run[i].data, run[i].length, ctx, sink, counters);
          return !should_stop(sink);
        };
        if (hints) {
          (void)book::apply_prefetched(count, [&](unsigned stage, std::size_t i) { prefetch_message(sink, stage, run[i]); },
                                       apply);
        } else {
          for (std::size_t i = 0; i < count && apply(i); ++i) {
          }
        }
        end_of_burst(sink);
      }
      counters.bytes += reader->bytes_read();
      detail = reader->error();
    }
    {
      std::error_code ec;
      const std::uintmax_t size = std::filesystem::file_size(path, ec);
      bytes_before += ec ? 0 : size;
      tell_progress(0);
    }
    if (status == drivers::ReadStatus::kTruncated) {
      counters.drop(kind == InputKind::kCapture ? metrics::DropReason::kCaptureTruncated
                                                : metrics::DropReason::kBinaryFileTruncated);
      std::fprintf(err, "tickwire: %s: truncated, decoded up to the cut (%s)\n", path.c_str(), detail.c_str());
    } else if (status == drivers::ReadStatus::kGzipError) {
      counters.drop(metrics::DropReason::kGzipTruncated);
      std::fprintf(err, "tickwire: %s: gzip stream truncated or corrupt, decoded up to the fault (%s)\n",
                   path.c_str(), detail.c_str());
    }
  }
  finish();
  return result;
}

// The decode-side feed: every message as the capture holds it, each one classified by the
// sequence audit (new, late, duplicate).
template <class Sink>
FeedRunResult run_feed_inputs(const FeedInputOptions& options, Sink& sink, metrics::FeedCounters& counters,
                              feed::SequenceAudit& audit, std::FILE* err) {
  feed::MoldFeedDecoder<Sink> decoder(sink, options.filter, counters, audit);
  return run_feed_inputs(options, decoder, sink, counters, err);
}

}  // namespace tickwire::session
