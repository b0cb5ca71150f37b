"""The benchmark workloads (seed echo, tagger), one task in one process, printing one JSON line of timings.

usage: python benchmarks/workloads.py minikeras|keras seed|tagger|big [--seq-len T] [--batch-size B] [--epochs E]

The same model source runs on both frameworks (`keras` needs KERAS_BACKEND, jax by default), so the
drivers (tasks.py, compare_with_keras.py, scaling.py) start this file in a fresh process for every
run: import time and peak memory are then those of a user's fresh notebook kernel.
"""
import argparse
import json
import os
import resource
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def seed_task(K):
    """LSTM(5) + TimeDistributed(Dense(1)) learning to echo one length-5 sequence: 1000 epochs of batch 1."""
    length = 5
    seq = np.array([i / float(length) for i in range(length)])
    X, y = seq.reshape(1, length, 1), seq.reshape(1, length, 1)
    model = K.Sequential([K.Input((length, 1)), K.layers.LSTM(length, return_sequences=True),
                          K.layers.TimeDistributed(K.layers.Dense(1))])
    model.compile(loss="mean_squared_error", optimizer="adam")
    start = time.perf_counter()
    model.fit(X, y, epochs=1000, batch_size=1, verbose=0)
    fit_s = time.perf_counter() - start
    mse = float(np.mean((np.asarray(model.predict(X, verbose=0)) - y) ** 2))
    return {"fit_s": fit_s, "mse": mse}


def tagger_data(seq_len=50, n=2048, vocabulary=1000, classes=10):
    """Padded int sequences (lengths uniform in [seq_len/5, seq_len]) and one-hot tags (token mod classes)."""
    rng = np.random.default_rng(0)
    X = rng.integers(1, vocabulary, size=(n, seq_len))
    for i, length in enumerate(rng.integers(max(1, seq_len // 5), seq_len + 1, size=n)):
        X[i, length:] = 0
    y = np.eye(classes, dtype="float32")[X % classes]
    return X, y


def tagger_model(K, seq_len=50, vocabulary=1000, classes=10):
    """Embedding(1000, 32, mask_zero) -> Bidirectional(LSTM(32, seq)) -> TimeDistributed(Dense(10, softmax))."""
    inputs = K.Input((seq_len,), dtype="int32")
    x = K.layers.Embedding(vocabulary, 32, mask_zero=True)(inputs)
    x = K.layers.Bidirectional(K.layers.LSTM(32, return_sequences=True))(x)
    outputs = K.layers.TimeDistributed(K.layers.Dense(classes, activation="softmax"))(x)
    model = K.Model(inputs, outputs)
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop")
    return model


def tagger_task(K, seq_len=50, batch_size=32, epochs=2):
    """First epoch (Keras compiles in it), steady epoch (mean of `epochs` more), predict on all rows."""
    X, y = tagger_data(seq_len)
    model = tagger_model(K, seq_len)
    start = time.perf_counter()
    model.fit(X, y, epochs=1, batch_size=batch_size, verbose=0)
    first = time.perf_counter() - start
    start = time.perf_counter()
    history = model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0)
    steady = (time.perf_counter() - start) / epochs
    start = time.perf_counter()
    model.predict(X, batch_size=256, verbose=0)
    predict = time.perf_counter() - start
    return {"first_epoch_s": first, "steady_epoch_s": steady, "predict_s": predict,
            "loss": float(history.history["loss"][-1])}


def big_task(K):
    """Bidirectional LSTM(128) and GRU(128) taggers on 1024 padded sequences of 100 steps, batch 64: one steady
    epoch of each (after one epoch that Keras compiles in)."""
    X, y = tagger_data(100, n=1024)
    result = {}
    for cell in ("LSTM", "GRU"):
        inputs = K.Input((100,), dtype="int32")
        x = K.layers.Embedding(1000, 64, mask_zero=True)(inputs)
        x = K.layers.Bidirectional(getattr(K.layers, cell)(128, return_sequences=True))(x)
        outputs = K.layers.TimeDistributed(K.layers.Dense(10, activation="softmax"))(x)
        model = K.Model(inputs, outputs)
        model.compile(loss="categorical_crossentropy", optimizer="rmsprop")
        model.fit(X, y, epochs=1, batch_size=64, verbose=0)
        start = time.perf_counter()
        model.fit(X, y, epochs=1, batch_size=64, verbose=0)
        result[cell.lower() + "128_epoch_s"] = time.perf_counter() - start
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("framework", choices=["minikeras", "keras"])
    parser.add_argument("task", choices=["seed", "tagger", "big"])
    parser.add_argument("--seq-len", type=int, default=50, help="tagger only")
    parser.add_argument("--batch-size", type=int, default=32, help="tagger only")
    parser.add_argument("--epochs", type=int, default=2, help="tagger only: steady epochs averaged")
    args = parser.parse_args(argv)
    if args.framework == "minikeras":
        sys.path.insert(0, ROOT)      # benchmark this checkout, installed or not
    start = time.perf_counter()
    K = __import__(args.framework)
    import_s = time.perf_counter() - start
    if args.task == "seed":
        result = seed_task(K)
    elif args.task == "big":
        result = big_task(K)
    else:
        result = tagger_task(K, args.seq_len, args.batch_size, args.epochs)
        # what a notebook user waits for: import, build, ten epochs
        result["ten_epochs_s"] = import_s + result["first_epoch_s"] + 9 * result["steady_epoch_s"]
    result.update(framework=args.framework, task=args.task, import_s=import_s,
                  peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
