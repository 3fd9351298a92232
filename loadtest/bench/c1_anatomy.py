#!/usr/bin/env python3
"""Where one closed-loop c=1 unary request's time goes, from the scheduler's wake-ups alone.

Reads `perf sched timehist -w` output recorded on the whole machine while the load tester
(`--scenario closed --concurrency 1 --transport unary`) drives the server, and follows each
request through the five thread hand-offs every request makes:

  client sender  --wakes-->  client event loop   (the load tester starts the call: "send")
  server event loop  --wakes-->  batch worker     (request read, parsed, validated, queued: "queued")
  batch worker  --wakes-->  ONNX Runtime's pool thread  (input copied, run started: "run start")
  batch worker  --wakes-->  server event loop     (run over, scores ranked, answer handed over: "run end")
  server event loop  --wakes-->  client event loop  (answer written: "answered")
  ... --wakes-->  client sender                   (the client saw the answer: "next")

and prints the median (and p10 / p90) of each segment between them. No instrumentation: the
server and the load tester run unchanged. The run segment includes what the batch worker does
between the run's first parallel operator and handing the answers over (the rest of the run,
reading and ranking the scores); the first segment includes the client's own serialization.

Usage:
  perf sched record -a -o sched.data -- sleep 4      # while the c=1 load runs
  perf sched timehist -i sched.data -w > timehist.txt
  python3 loadtest/bench/c1_anatomy.py timehist.txt MODEL     # or timehist.txt.gz

Thread names as Linux keeps them (15 characters): the batch worker is "<model>-worker-N", ONNX
Runtime's intra-op thread inherits "java", the server's and the client's Netty event loops are
"multiThreadIoEv..." and "grpc-default-wo...", the load tester's sender "closed-loop-sen...".
A request that does not follow this path (a narrow run, which has no pool thread; a wake-up missed
by the recording) is skipped and counted.
"""
import gzip
import re
import statistics
import sys

LINE = re.compile(r"\s*([\d.]+)\s+\[(\d+)\]\s+(.+?)\[(\d+)/\d+\]\s+awakened: (.+?)\[(\d+)")
SEGMENTS = [
    ("send -> queued", "send", "queued"),
    ("queued -> run start", "queued", "run0"),
    ("run (+ ranking, hand-over)", "run0", "run1"),
    ("run end -> answered", "run1", "answered"),
    ("answered -> next", "answered", "next"),
    ("whole cycle", "send", "next"),
]


def lines(path):
    """The timehist's lines; a .gz file (as the results folders keep them) is read as is."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", errors="replace") as f:
        yield from f


def events(path):
    for line in lines(path):
        m = LINE.match(line)
        if m:
            yield float(m.group(1)) * 1e3, m.group(3).strip(), m.group(5).strip()


def cycles(path, model):
    worker = (model + "-worker-")[:15]
    stage, state, skipped = None, {}, 0
    for t, waker, wakee in events(path):
        if waker.startswith("closed-loop") and wakee.startswith("grpc-default-wo"):
            if stage not in (None, "send"):
                skipped += 1
            if stage != "send":
                state, stage = {"send": t}, "send"
        elif stage == "send" and waker.startswith("multiThreadIoEv") and wakee.startswith(worker):
            state["queued"], stage = t, "queued"
        elif stage == "queued" and waker.startswith(worker) and wakee == "java":
            state["run0"], stage = t, "run0"
        elif stage == "run0" and waker.startswith(worker) and wakee.startswith("multiThreadIoEv"):
            state["run1"], stage = t, "run1"
        elif stage == "run1" and waker.startswith("multiThreadIoEv") and wakee.startswith(
                "grpc-default-wo"):
            state["answered"], stage = t, "answered"
        elif stage == "answered" and wakee.startswith("closed-loop"):
            state["next"] = t
            yield state
            state, stage = {}, None
    if skipped:
        print(f"skipped {skipped} requests that left the usual path", file=sys.stderr)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    done = list(cycles(sys.argv[1], sys.argv[2]))
    if not done:
        sys.exit("no complete request found: wrong model name, or not a c=1 unary closed loop")
    print(f"{len(done)} requests; milliseconds")
    print("| segment | p10 | p50 | p90 | mean |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, a, b in SEGMENTS:
        v = sorted(c[b] - c[a] for c in done)
        p = lambda q: v[min(len(v) - 1, int(q * len(v)))]
        print(f"| {label} | {p(0.1):.3f} | {statistics.median(v):.3f} | {p(0.9):.3f} "
              f"| {statistics.mean(v):.3f} |")


if __name__ == "__main__":
    main()
