"""Profile two tagger epochs in minikeras: "profile before optimising" as one command.

usage: python benchmarks/profile_tagger.py [--top 25] [--epochs 2] [--seq-len 50] [--batch-size 32]
                                           [--save tagger.prof] [--pyinstrument] [--helper]

Uses cProfile (always there) and prints: the top functions by own time, the top by cumulative time,
and own time summed by file, which answers "how much is the recurrence, how much is autograd, how
much is the optimizer". With --pyinstrument (when it is installed) prints its call tree instead.
One warm-up epoch runs first, unprofiled, so imports and first-call costs do not blur the picture.
"""
import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from collections import defaultdict

from _runner import ROOT
from workloads import tagger_data, tagger_model

sys.path.insert(0, ROOT)


def where(filename):
    """A short name for the file a function lives in: the package-relative path, or the library."""
    for marker in ("/minikeras/", "/autograd/", "/numpy/"):
        if marker in filename:
            return marker.strip("/") + "/" + filename.split(marker, 1)[1]
    return "<builtin>" if filename.startswith("~") or filename.startswith("<") else os.path.basename(filename)


def by_file(stats):
    """[(own seconds, calls, file)] largest first."""
    totals = defaultdict(lambda: [0.0, 0])
    for (filename, _, name), (_, calls, own, _, _) in stats.stats.items():
        key = where(filename) if not filename.startswith("~") else name
        totals[key][0] += own
        totals[key][1] += calls
    return sorted(((t, c, k) for k, (t, c) in totals.items()), reverse=True)


# coarse groups for a one-glance summary; the first matching prefix wins
GROUPS = [("minikeras/layers/rnn/fused_", "fused recurrent kernels (forward, BPTT, weight gradients)"),
          ("minikeras/layers/rnn/_fused_", "fused recurrent kernels (forward, BPTT, weight gradients)"),
          ("minikeras/layers/composed", "composed step: embedding, dense, loss gradient, the chain"),
          ("minikeras/models/composed_step", "composed step: embedding, dense, loss gradient, the chain"),
          ("minikeras/models/loss_gradients", "composed step: embedding, dense, loss gradient, the chain"),
          ("minikeras/layers/rnn/kernel_", "messages to and from the helper process (--helper)"),
          ("<built-in method posix.read>", "waiting for the helper process (--helper)"),
          ("minikeras/optimizers/", "optimizer updates"),
          ("minikeras/models/", "training loop and graph walk"),
          ("minikeras/", "other minikeras (embedding, dense, losses, params)"),
          ("autograd/", "autograd (tracing, backward pass bookkeeping)"),
          ("", "numpy and builtins called outside the kernels")]


def by_group(files):
    totals = defaultdict(float)
    for own, _, key in files:
        totals[next(label for prefix, label in GROUPS if key.startswith(prefix))] += own
    return sorted(((t, label) for label, t in totals.items()), reverse=True)


def profile_with_cprofile(fit, top):
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    fit()
    profiler.disable()
    wall = time.perf_counter() - start
    stats = pstats.Stats(profiler)
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        print(f"\n==== top {top} functions by {order} ====")
        print(out.getvalue().split("\n", 4)[-1].strip("\n"))    # drop pstats's preamble lines
    total = sum(t for t, _, _ in by_file(stats))
    print(f"\n==== own time by file (profiled wall {wall:.2f} s, profiled total {total:.2f} s) ====")
    for own, calls, key in by_file(stats)[:top]:
        print(f"{own:8.3f} s  {100 * own / total:5.1f} %  {calls:9d} calls  {key}")
    print("\n==== own time by group ====")
    for own, label in by_group(by_file(stats)):
        print(f"{own:8.3f} s  {100 * own / total:5.1f} %  {label}")
    return profiler


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--seq-len", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--save", help="write the cProfile data here (open with snakeviz or pstats)")
    parser.add_argument("--pyinstrument", action="store_true", help="use pyinstrument's call tree instead")
    parser.add_argument("--helper", action="store_true",
                        help="keep Bidirectional's helper process on (the default in training): profiles this "
                             "process's side, the backward direction's kernel running in the helper")
    args = parser.parse_args(argv)
    if args.pyinstrument:
        try:
            from pyinstrument import Profiler
        except ImportError:
            raise SystemExit("pyinstrument is not installed: pip install pyinstrument, or drop --pyinstrument")
    import minikeras
    from minikeras.layers.rnn import fused_pair
    # cProfile sees one thread only: both directions on this thread, so every kernel call is counted, unless
    # --helper asks to see what this process does while the helper process runs the other direction
    fused_pair.set_concurrent_directions("process" if args.helper else False)
    X, y = tagger_data(args.seq_len)
    model = tagger_model(minikeras, args.seq_len)
    model.fit(X, y, epochs=1, batch_size=args.batch_size, verbose=0)         # warm-up, not profiled

    def fit():
        model.fit(X, y, epochs=args.epochs, batch_size=args.batch_size, verbose=0)

    if args.pyinstrument:
        with Profiler(interval=0.0005) as profiler:
            fit()
        print(profiler.output_text(unicode=True, color=False))
        return
    profiler = profile_with_cprofile(fit, args.top)
    if args.save:
        profiler.dump_stats(args.save)


if __name__ == "__main__":
    sys.exit(main())
