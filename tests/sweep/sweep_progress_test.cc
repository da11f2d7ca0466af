// The sweep's progress: the line's counts and ETA, the live redraw on a terminal and the
// plain lines elsewhere (hnn/host/sweep_progress.h).
#include <doctest/doctest.h>

#include <sstream>

#include "hnn/host/sweep_progress.h"

TEST_CASE("the progress line: done, running, failed, elapsed and the ETA from ended runs") {
  hnn::SweepCounts counts;
  counts.total = 12;
  counts.done = 7;
  counts.running = 2;
  counts.failed = 1;
  counts.waiting = 2;
  counts.workers = 2;
  // No run ended in this invocation yet (the 7 were skipped): no ETA.
  CHECK(hnn::SweepProgress::line(counts, 30.0) == "7/12 done, 2 running, 1 failed  30.0 s");
  // 4 ended, 30 s of runs: 7.5 s each. Left: 4 runs of 7.5 s less the 5 s the running two
  // have run, on 2 workers: 12.5 s.
  counts.completed = 4;
  counts.ended_seconds = 30.0;
  counts.running_seconds = 5.0;
  CHECK(hnn::SweepProgress::line(counts, 40.0) ==
        "7/12 done, 2 running, 1 failed  40.0 s, 12.5 s left");
  counts.waiting = 10;  // (12 x 7.5 - 5) / 2
  CHECK(hnn::SweepProgress::line(counts, 40.0) ==
        "7/12 done, 2 running, 1 failed  40.0 s, 42.5 s left");
  // One run left: one worker works on it.
  counts.waiting = 0;
  counts.running = 1;
  counts.running_seconds = 2.5;
  CHECK(hnn::SweepProgress::line(counts, 40.0) ==
        "7/12 done, 1 running, 1 failed  40.0 s, 5.0 s left");
  // 0 workers counts as 1.
  counts.workers = 0;
  CHECK(hnn::SweepProgress::line(counts, 40.0) ==
        "7/12 done, 1 running, 1 failed  40.0 s, 5.0 s left");
}

TEST_CASE("the progress: redrawn in place on a terminal, plain lines elsewhere") {
  hnn::SweepCounts counts;
  counts.total = 2;
  counts.waiting = 2;
  std::ostringstream live_out;
  hnn::SweepProgress live(live_out, "s", true, 10.0);
  live.update(counts, true);
  live.message("run s0 failed");
  live.finish("s: 0 of 2 runs succeeded");
  const std::string live_text = live_out.str();
  CHECK(live_text.rfind("\rs  0/2 done, 0 running, 0 failed  ", 0) == 0);
  CHECK(live_text.find("\n") != std::string::npos);
  CHECK(live_text.find("run s0 failed\n") != std::string::npos);
  CHECK(live_text.find("s: 0 of 2 runs succeeded\n") != std::string::npos);

  std::ostringstream plain_out;
  hnn::SweepProgress plain(plain_out, "s", false, 3600.0);
  plain.update(counts);  // not due for an hour: nothing
  CHECK(plain_out.str().empty());
  plain.update(counts, true);
  CHECK(plain_out.str().rfind("s  0/2 done, 0 running, 0 failed  ", 0) == 0);
  CHECK(plain_out.str().find('\r') == std::string::npos);
}
