"""How a tagger epoch's time grows with sequence length and batch size (minikeras; plots + JSON).

usage: python benchmarks/scaling.py [--runs 3] [--out docs/img]

The tagger of tasks.py (Embedding(1000, 32, mask_zero) -> Bidirectional(LSTM(32)) -> TD(Dense(10))),
2048 rows whose lengths are uniform in [T/5, T], so the share of padding is the same at every T.
Sequence length 50, 100, 200 at batch 32; batch 16, 32, 64, 128 at length 50. Each point is the
median over --runs fresh processes of the steady epoch (mean of two epochs after the first).
Writes scaling_seq_len.png, scaling_batch.png and scaling.json into --out.
"""
import argparse
import json
import os
import statistics
import sys

from _runner import ROOT, run_workload, say, table

SEQ_LENS = [50, 100, 200]
BATCH_SIZES = [16, 32, 64, 128]
BASE_SEQ_LEN, BASE_BATCH = 50, 32


def measure(python, seq_len, batch_size, runs):
    results = []
    for n in range(runs):
        say(f"seq_len={seq_len} batch={batch_size}: run {n + 1}/{runs}")
        results.append(run_workload(python, "minikeras", "tagger", "--seq-len", str(seq_len),
                                    "--batch-size", str(batch_size)))
    return {"seq_len": seq_len, "batch_size": batch_size,
            "steady_epoch_s": statistics.median(r["steady_epoch_s"] for r in results),
            "first_epoch_s": statistics.median(r["first_epoch_s"] for r in results),
            "predict_s": statistics.median(r["predict_s"] for r in results),
            "runs": [r["steady_epoch_s"] for r in results]}


def linear_fit(points):
    """Least-squares epoch = fixed + per_step * T over the measured lengths: (fixed s, per-step s, worst relative miss)."""
    import numpy as np
    lengths = np.array([p["seq_len"] for p in points], dtype=float)
    times = np.array([p["steady_epoch_s"] for p in points])
    per_step, fixed = np.polyfit(lengths, times, 1)
    worst = float(np.max(np.abs(fixed + per_step * lengths - times) / times))
    return float(fixed), float(per_step), worst


def plot_seq_len(points, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    lengths = [p["seq_len"] for p in points]
    times = [p["steady_epoch_s"] for p in points]
    fixed, per_step, _ = linear_fit(points)
    fig, ax = plt.subplots(figsize=(5, 3.4), dpi=100)
    for p in points:
        ax.plot([p["seq_len"]] * len(p["runs"]), p["runs"], ".", color="lightgray")
    ax.plot(lengths, times, "o", label="minikeras, median")
    ends = [0, max(lengths)]
    ax.plot(ends, [fixed + per_step * t for t in ends], "--", color="gray",
            label=f"fit: {fixed:.2f} s + {1000 * per_step:.1f} ms x T")
    ax.set_xlabel("sequence length T (batch 32, 2048 rows)")
    ax.set_ylabel("steady epoch (s)")
    ax.set_xticks([0] + lengths)
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.set_title("Tagger epoch time against sequence length")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def plot_batch(points, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    sizes = [p["batch_size"] for p in points]
    times = [p["steady_epoch_s"] for p in points]
    fig, ax = plt.subplots(figsize=(5, 3.4), dpi=100)
    for p in points:
        ax.plot([p["batch_size"]] * len(p["runs"]), p["runs"], ".", color="lightgray")
    ax.plot(sizes, times, "o-", label="minikeras, median")
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes)
    ax.set_xticklabels([str(s) for s in sizes])
    ax.set_xlabel("batch size (sequence length 50, 2048 rows)")
    ax.set_ylabel("steady epoch (s)")
    ax.set_ylim(bottom=0)
    ax.set_title("Tagger epoch time against batch size")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per point (default 3)")
    parser.add_argument("--python", default=sys.executable, help="interpreter to run minikeras with")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "img"), help="where plots and JSON go")
    parser.add_argument("--replot", action="store_true", help="redraw the plots from the JSON in --out; measure nothing")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    if args.replot:
        with open(os.path.join(args.out, "scaling.json")) as f:
            saved = json.load(f)
        return report(saved["by_seq_len"], saved["by_batch_size"], saved["runs_per_point"], args.out)
    measured = {}
    for seq_len, batch in [(t, BASE_BATCH) for t in SEQ_LENS] + [(BASE_SEQ_LEN, b) for b in BATCH_SIZES]:
        if (seq_len, batch) not in measured:
            measured[seq_len, batch] = measure(args.python, seq_len, batch, args.runs)
    by_len = [measured[t, BASE_BATCH] for t in SEQ_LENS]
    by_batch = [measured[BASE_SEQ_LEN, b] for b in BATCH_SIZES]
    fixed, per_step, worst = linear_fit(by_len)
    with open(os.path.join(args.out, "scaling.json"), "w") as f:
        json.dump({"runs_per_point": args.runs, "by_seq_len": by_len, "by_batch_size": by_batch,
                   "linear_fit": {"fixed_s": fixed, "per_step_s": per_step, "worst_relative_miss": worst}},
                  f, indent=1)
    return report(by_len, by_batch, args.runs, args.out)


def report(by_len, by_batch, runs, out):
    """Draw both plots into `out` and print the table."""
    plot_seq_len(by_len, os.path.join(out, "scaling_seq_len.png"))
    plot_batch(by_batch, os.path.join(out, "scaling_batch.png"))
    base = by_len[0]["steady_epoch_s"]
    rows = [(p["seq_len"], p["batch_size"], f"{p['steady_epoch_s']:.3f}", f"{p['steady_epoch_s'] / base:.2f}",
             f"{p['seq_len'] / BASE_SEQ_LEN:.2f}", f"{p['predict_s']:.3f}") for p in by_len]
    rows += [(p["seq_len"], p["batch_size"], f"{p['steady_epoch_s']:.3f}", f"{p['steady_epoch_s'] / base:.2f}",
              "", f"{p['predict_s']:.3f}") for p in by_batch if p["batch_size"] != BASE_BATCH]
    fixed, per_step, worst = linear_fit(by_len)
    print(f"tagger steady epoch, median of {runs} fresh processes\n")
    print(table(["seq_len", "batch", "epoch s", "x T=50", "length x", "predict s"], rows))
    print(f"\nlinear fit over T: {fixed:.3f} s + {1000 * per_step:.2f} ms x T (worst miss {100 * worst:.1f} %)")


if __name__ == "__main__":
    sys.exit(main())
