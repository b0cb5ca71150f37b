"""What streaming costs: the same fit epoch from numpy arrays, from a Python generator and from a PyDataset.

Each round fits one epoch per source (arrays, generator, PyDataset) on the same model and batches (shuffle off),
the three back to back and in an order that rotates from round to round, so a busy machine slows all three
alike and no source always runs first. For each stream the table gives its overhead against arrays three ways:
the median of the rounds' own ratios (each stream against the arrays epoch of its round: the figure least moved
by other processes), and the ratios of the medians and of the fastest epochs. Times are the process's CPU seconds
(time.process_time: minikeras keeps BLAS to one thread, so this is the work done). Two workloads: "tagger"
(Embedding -> LSTM(32) -> TimeDistributed(Dense), sequences of 50 steps: a realistic step) and "mlp" (two small
Dense layers: tiny steps, where the per-batch reading and checking weighs the most).

    python benchmarks/streaming.py --rounds 15
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import numpy as np  # noqa: E402

import minikeras as K  # noqa: E402
from _runner import table  # noqa: E402

BATCH = 32


def tagger(rng, samples):
    x = rng.integers(1, 1000, size=(samples, 50))
    y = K.utils.to_categorical(rng.integers(0, 10, size=(samples, 50)), 10)
    model = K.Sequential([K.Input((50,), dtype="int32"), K.layers.Embedding(1000, 32, mask_zero=True),
                          K.layers.LSTM(32, return_sequences=True),
                          K.layers.TimeDistributed(K.layers.Dense(10, activation="softmax"))])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    return model, x, y


def mlp(rng, samples):
    x = rng.normal(size=(samples * 8, 20)).astype("float32")
    y = rng.normal(size=(samples * 8, 1)).astype("float32")
    model = K.Sequential([K.Input((20,)), K.layers.Dense(32, activation="relu"), K.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model, x, y


class Batches(K.utils.PyDataset):
    def __init__(self, x, y):
        super().__init__()
        self.x, self.y = x, y

    def __len__(self):
        return -(-len(self.x) // BATCH)

    def __getitem__(self, index):
        part = slice(index * BATCH, (index + 1) * BATCH)
        return self.x[part], self.y[part]


def generator(x, y):
    while True:
        for start in range(0, len(x), BATCH):
            yield x[start:start + BATCH], y[start:start + BATCH]


def epoch_seconds(model, source, x, y):
    steps = -(-len(x) // BATCH)
    start = time.process_time()
    if source == "arrays":
        model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    elif source == "generator":
        model.fit(generator(x, y), steps_per_epoch=steps, epochs=1, verbose=0)
    else:
        model.fit(Batches(x, y), epochs=1, shuffle=False, verbose=0)
    return time.process_time() - start


SOURCES = ("arrays", "generator", "PyDataset")


def measure(workload, rounds, samples):
    """{source: [CPU seconds of each round's epoch]}, the sources' order rotating from round to round."""
    model, x, y = workload(np.random.default_rng(0), samples)
    epoch_seconds(model, "arrays", x, y)          # warm up: first-call costs are not streaming's
    times = {source: [] for source in SOURCES}
    for round_index in range(rounds):
        shift = round_index % len(SOURCES)
        for source in SOURCES[shift:] + SOURCES[:shift]:
            times[source].append(epoch_seconds(model, source, x, y))
    return times


def overheads(times, stream):
    """The stream's overhead against arrays: median of the per-round ratios, ratio of medians, of the fastest."""
    per_round = statistics.median(t / a for t, a in zip(times[stream], times["arrays"]))
    of_medians = statistics.median(times[stream]) / statistics.median(times["arrays"])
    of_fastest = min(times[stream]) / min(times["arrays"])
    return [f"{100 * (ratio - 1):+.1f}%" for ratio in (per_round, of_medians, of_fastest)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--samples", type=int, default=1024, help="tagger sequences (the mlp takes 8x as many rows)")
    parser.add_argument("--workloads", nargs="+", default=["tagger", "mlp"], choices=["tagger", "mlp"])
    args = parser.parse_args()
    rows = []
    for name in args.workloads:
        times = measure({"tagger": tagger, "mlp": mlp}[name], args.rounds, args.samples)
        medians = [f"{statistics.median(times[source]):.4f}" for source in SOURCES]
        for stream in ("generator", "PyDataset"):
            rows.append([name, stream] + medians + overheads(times, stream))
    print(table(["workload", "stream", "arrays CPU s/epoch", "generator CPU s/epoch", "PyDataset CPU s/epoch",
                 "vs arrays: median of rounds", "ratio of medians", "ratio of fastest"], rows))


if __name__ == "__main__":
    main()
