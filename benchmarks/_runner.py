"""Shared by the benchmark drivers: run a workload in a fresh process, take medians, print a table."""
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORKLOADS = os.path.join(HERE, "workloads.py")

# the figures a task reports, in table order (seconds and megabytes; the losses are quality, not speed)
FIGURES = {"seed": ["fit_s", "import_s", "peak_rss_mb", "mse"],
           "tagger": ["first_epoch_s", "steady_epoch_s", "predict_s", "ten_epochs_s", "import_s", "peak_rss_mb",
                      "loss"],
           "big": ["lstm128_epoch_s", "gru128_epoch_s", "import_s", "peak_rss_mb"]}


def run_workload(python, framework, task, *extra, timeout=1800):
    """One run of workloads.py in its own process; returns its JSON result."""
    env = dict(os.environ)
    env.setdefault("KERAS_BACKEND", "jax")
    done = subprocess.run([python, WORKLOADS, framework, task, *extra], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=ROOT)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{framework} {task} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(lines[-1])


def medians(runs, keys):
    """{key: median over runs} for the keys every run reported."""
    return {k: statistics.median(r[k] for r in runs) for k in keys if all(k in r for r in runs)}


def table(header, rows):
    """A markdown table (also readable in a terminal)."""
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [line(r) for r in rows])


def fmt(value, key):
    if key in ("mse", "loss"):
        return f"{value:.5f}"
    if key.endswith("_mb"):
        return f"{value:.0f}"
    return f"{value:.3f}"


def say(*parts):
    """Progress on stderr, so stdout stays the result."""
    print(*parts, file=sys.stderr, flush=True)
