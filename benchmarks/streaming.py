"""What streaming costs: the same fit epoch from numpy arrays, from a Python generator and from a PyDataset.

Each round fits one epoch per source, in turn (arrays, generator, PyDataset), on the same model and batches
(shuffle off), so a busy machine slows all three alike; the table gives, for each source, the fastest round
(the least disturbed by other processes) and the median, and each stream's overhead against arrays by both. Times are the process's CPU seconds (time.process_time: minikeras keeps BLAS
to one thread, so this is the work done, and other processes on a shared machine barely move it). Two workloads: "tagger" (Embedding -> LSTM(32) -> TimeDistributed(Dense),
sequences of 50 steps: a realistic step) and "mlp" (two small Dense layers: tiny steps, where the per-batch
reading and checking weighs the most).

    python benchmarks/streaming.py --rounds 5
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


def measure(workload, rounds, samples):
    model, x, y = workload(np.random.default_rng(0), samples)
    epoch_seconds(model, "arrays", x, y)          # warm up: first-call costs are not streaming's
    times = {"arrays": [], "generator": [], "PyDataset": []}
    for _ in range(rounds):
        for source in times:
            times[source].append(epoch_seconds(model, source, x, y))
    return {source: (min(values), statistics.median(values)) for source, values in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--samples", type=int, default=1024, help="tagger sequences (the mlp takes 8x as many rows)")
    args = parser.parse_args()
    rows = []
    for name, workload in (("tagger", tagger), ("mlp", mlp)):
        result = measure(workload, args.rounds, args.samples)
        for which, label in ((0, "fastest"), (1, "median")):
            base = result["arrays"][which]
            rows.append([name, label] + [f"{result[s][which]:.3f}" for s in result] +
                        [f"{100 * (result[s][which] / base - 1):+.1f}%" for s in ("generator", "PyDataset")])
    print(table(["workload", "round", "arrays CPU s/epoch", "generator CPU s/epoch", "PyDataset CPU s/epoch",
                 "generator vs arrays", "PyDataset vs arrays"], rows))


if __name__ == "__main__":
    main()
