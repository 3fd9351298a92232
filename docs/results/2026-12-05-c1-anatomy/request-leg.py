"""Which threads ran during the request leg of each c=1 request (the load tester's sender waking
its event loop -> the server's event loop waking the batch worker; the "send -> queued" segment of
loadtest/bench/c1_anatomy.py, whose request tracking this reuses): sums, per thread name, the run
time of every thread switched out inside the leg, and the CPUs' idle time, then prints the median
and mean over the requests. Approximate: a thread still running when the leg ends (the server's
event loop, which ends the leg by waking the worker) is not counted for that leg.

usage (from the repository root):
  python3 docs/results/2026-12-05-c1-anatomy/request-leg.py DIR/timehist.txt.gz MODEL
"""
import bisect
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../loadtest/bench"))
import c1_anatomy  # noqa: E402

# a switch-out line: time [cpu] task[tid/pid] wait-time sch-delay run-time (ms)
SWITCH = re.compile(r"\s*([\d.]+)\s+\[\d+\]\s+(.+?)(?:\[\d+(?:/\d+)?\])?\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s*$")


def switches(path):
    out = []
    for line in c1_anatomy.lines(path):
        m = SWITCH.match(line)
        if m and "awakened:" not in line:
            out.append((float(m.group(1)) * 1e3, re.sub(r"\d+$", "", m.group(2).strip())[:15],
                        float(m.group(3))))
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path, model = sys.argv[1], sys.argv[2]
    legs = [(c["send"], c["queued"]) for c in c1_anatomy.cycles(path, model)]
    sw = switches(path)
    times = [t for t, _, _ in sw]
    per_thread = {}
    for i, (a, b) in enumerate(legs):
        for t, name, ran in sw[bisect.bisect_right(times, a):bisect.bisect_right(times, b)]:
            per_thread.setdefault(name, [0.0] * len(legs))[i] += ran
    print(len(legs), "requests; median leg",
          round(statistics.median(b - a for a, b in legs), 3), "ms")
    for name, v in sorted(per_thread.items(), key=lambda x: -sum(x[1])):
        print(f"  {name:16s} median {statistics.median(v):.3f} mean {statistics.mean(v):.3f} ms")


if __name__ == "__main__":
    main()
