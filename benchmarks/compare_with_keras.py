"""minikeras against Keras 3 (JAX) side by side: N repetitions, medians of the per-repetition ratios mk/keras.

usage: KERAS_BACKEND=jax python benchmarks/compare_with_keras.py --keras-python /tmp/kvenv/bin/python \
           [--runs 5] [--tasks seed tagger big] [--json out.json]

Keras is never a minikeras dependency: it lives in its own venv (benchmarks/README.md says how to make
one), given by --keras-python. minikeras runs with the same interpreter unless
--minikeras-python says otherwise, so both see the same numpy. Each run is a fresh process; within a
repetition the two frameworks run back to back (alternating which goes first) so they share the
machine's mood, and the ratio of that pair is the figure. Noisy machines move absolute seconds; the
median ratio over repetitions moves much less.
"""
import argparse
import json
import statistics
import sys

from _runner import FIGURES, fmt, medians, run_workload, say, table

# the targets: ratio minikeras / Keras-3-JAX must be at most this
TARGETS = {("seed", "fit_s"): 0.4, ("tagger", "first_epoch_s"): 0.2, ("tagger", "steady_epoch_s"): 0.7,
           ("tagger", "ten_epochs_s"): 0.4, ("tagger", "predict_s"): 0.3,
           ("seed", "peak_rss_mb"): 0.5, ("tagger", "peak_rss_mb"): 0.5,
           ("big", "lstm128_epoch_s"): 0.4, ("big", "gru128_epoch_s"): 0.4, ("big", "peak_rss_mb"): 0.5}
QUALITY = {"seed": "mse", "tagger": "loss", "big": None}
LOSS_TOLERANCE = 1.05     # "no worse than Keras's beyond noise": within 5 % of Keras's median or its worst run


def compare(task, pairs):
    """Table rows for one task from [(keras result, minikeras result)] of each repetition."""
    keras_runs, mk_runs = [p[0] for p in pairs], [p[1] for p in pairs]
    keras_mid, mk_mid = medians(keras_runs, FIGURES[task]), medians(mk_runs, FIGURES[task])
    rows, summary = [], {}
    for key in FIGURES[task]:
        if key == QUALITY[task]:
            limit = max(LOSS_TOLERANCE * keras_mid[key], max(r[key] for r in keras_runs))
            met = mk_mid[key] <= limit
            rows.append((task, key, fmt(keras_mid[key], key), fmt(mk_mid[key], key), "",
                         "no worse", "met" if met else "NOT met"))
            summary[key] = {"keras": keras_mid[key], "minikeras": mk_mid[key], "met": met}
            continue
        ratio = statistics.median(m[key] / k[key] for k, m in pairs)
        target = TARGETS.get((task, key))
        verdict = "" if target is None else ("met" if ratio <= target else "NOT met")
        rows.append((task, key, fmt(keras_mid[key], key), fmt(mk_mid[key], key), f"{ratio:.3f}",
                     "" if target is None else f"<= {target}", verdict))
        summary[key] = {"keras": keras_mid[key], "minikeras": mk_mid[key], "median_ratio": ratio,
                        "target": target, "met": None if target is None else ratio <= target}
    return rows, summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keras-python", required=True, help="interpreter of a venv with keras and jax")
    parser.add_argument("--minikeras-python", help="interpreter for minikeras (default: --keras-python)")
    parser.add_argument("--runs", type=int, default=5, help="repetitions (default 5)")
    parser.add_argument("--tasks", nargs="+", default=["seed", "tagger"],
                        choices=["seed", "tagger", "big"])
    parser.add_argument("--json", help="also write every run and the summary to this file")
    args = parser.parse_args(argv)
    mk_python = args.minikeras_python or args.keras_python
    all_rows, record = [], {}
    for task in args.tasks:
        pairs = []
        for n in range(args.runs):
            say(f"{task}: repetition {n + 1}/{args.runs}")
            if n % 2 == 0:
                k = run_workload(args.keras_python, "keras", task)
                m = run_workload(mk_python, "minikeras", task)
            else:
                m = run_workload(mk_python, "minikeras", task)
                k = run_workload(args.keras_python, "keras", task)
            pairs.append((k, m))
        rows, summary = compare(task, pairs)
        all_rows += rows
        record[task] = {"summary": summary, "runs": [{"keras": k, "minikeras": m} for k, m in pairs]}
    print(f"medians of {args.runs} repetitions; ratio = median over repetitions of minikeras/keras\n")
    print(table(["task", "figure", "Keras 3 JAX", "minikeras", "ratio", "target", "verdict"], all_rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(record, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
