"""minikeras alone on the benchmark tasks (no Keras needed): medians of N runs, each in a fresh process.

usage: python benchmarks/tasks.py [--runs 5] [--tasks seed tagger big] [--json out.json]

Figures: seed echo fit seconds and final MSE; tagger first epoch, steady epoch, predict on all 2048
rows, import + build + ten epochs, final loss; big (Bidirectional LSTM(128) / GRU(128), 100 steps, batch 64)
one steady epoch each; import time and peak RSS of each process.
"""
import argparse
import json
import sys

from _runner import FIGURES, fmt, medians, run_workload, say, table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per task (default 5)")
    parser.add_argument("--tasks", nargs="+", default=["seed", "tagger"], choices=["seed", "tagger", "big"])
    parser.add_argument("--python", default=sys.executable, help="interpreter to run minikeras with")
    parser.add_argument("--json", help="also write every run and the medians to this file")
    args = parser.parse_args(argv)
    rows, everything = [], {}
    for task in args.tasks:
        runs = []
        for n in range(args.runs):
            say(f"{task}: run {n + 1}/{args.runs}")
            runs.append(run_workload(args.python, "minikeras", task))
        middle = medians(runs, FIGURES[task])
        everything[task] = {"runs": runs, "median": middle}
        rows += [(task, key, fmt(middle[key], key), fmt(min(r[key] for r in runs), key),
                  fmt(max(r[key] for r in runs), key)) for key in FIGURES[task]]
    print(f"minikeras, medians of {args.runs} runs (each a fresh process)\n")
    print(table(["task", "figure", "median", "min", "max"], rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(everything, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
