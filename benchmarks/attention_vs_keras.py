"""Small attention models, minikeras against Keras 3 (JAX) side by side: medians of per-repetition ratios mk/keras.

usage: python benchmarks/attention_vs_keras.py --keras-python /tmp/kvenv/bin/python [--runs 3] [--tasks ...]

Two tasks, the same model source run by both frameworks (`K` is keras or minikeras):
  classifier  Embedding(mask_zero) -> MultiHeadAttention self-attention (padding masked) -> Attention over the
              embeddings -> pooling -> softmax; 2048 sequences of 40 tokens, batch 32.
  seq2seq     the encoder-decoder LSTM with Attention of notebook 7 (digit reversal, 8 steps); 4096 rows, batch 64.
For each: the first epoch (Keras compiles here), a steady epoch, predict on all rows, the whole run from the import
on, peak memory. Every run is a
fresh process; within a repetition the frameworks run back to back, alternating which goes first, as in
compare_with_keras.py. Run with `--run keras|minikeras TASK` it is the workload itself and prints one JSON line.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

from _runner import fmt, medians, say, table

HERE = os.path.abspath(__file__)
ROOT = os.path.dirname(os.path.dirname(HERE))
FIGURES = ["first_epoch_s", "steady_epoch_s", "steady_epoch_cpu_s", "predict_s", "total_s", "peak_rss_mb", "loss"]
LABELS = {"first_epoch_s": "first epoch (s)", "steady_epoch_s": "steady epoch (s)",
          "steady_epoch_cpu_s": "steady epoch, CPU time of all threads (s)", "predict_s": "predict (s)",
          "total_s": "import + build + 2 epochs + predict (s)", "peak_rss_mb": "peak RSS (MB)",
          "loss": "loss after 2 epochs"}
TARGET = 1.0      # minikeras no slower than Keras on every time figure


# ---- the workloads --------------------------------------------------------------------------------------------
def classifier(K, np):
    rng = np.random.default_rng(0)
    n, steps, vocabulary, classes = 2048, 40, 500, 5
    ids = rng.integers(1, vocabulary, size=(n, steps))
    lengths = rng.integers(steps // 4, steps + 1, size=n)
    ids[np.arange(steps)[None, :] >= lengths[:, None]] = 0
    labels = ids[:, 0] % classes
    tokens = K.Input((steps,), dtype="int32")
    x = K.layers.Embedding(vocabulary, 32, mask_zero=True)(tokens)
    h = K.layers.MultiHeadAttention(num_heads=2, key_dim=16)(x, x)
    h = K.layers.Attention(use_scale=True)([h, x])
    out = K.layers.Dense(classes, activation="softmax")(K.layers.GlobalAveragePooling1D()(h))
    model = K.Model(tokens, out)
    model.compile(optimizer=K.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    return model, ids, labels, 32


def seq2seq(K, np):
    rng = np.random.default_rng(0)
    n, steps, digits = 4096, 8, 8
    source = rng.integers(1, digits + 1, size=(n, steps))
    target = source[:, ::-1]
    decoder_in = np.concatenate([np.full((n, 1), digits + 1), target[:, :-1]], axis=1)
    src, dec = K.Input((steps,), dtype="int32"), K.Input((steps,), dtype="int32")
    encoder_steps, h, c = K.layers.LSTM(32, return_sequences=True, return_state=True)(
        K.layers.Embedding(digits + 2, 16)(src))
    decoder_steps = K.layers.LSTM(32, return_sequences=True)(K.layers.Embedding(digits + 2, 16)(dec),
                                                              initial_state=[h, c])
    context = K.layers.Attention()([decoder_steps, encoder_steps])
    out = K.layers.Dense(digits + 2, activation="softmax")(K.layers.Concatenate()([decoder_steps, context]))
    model = K.Model([src, dec], out)
    model.compile(optimizer=K.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    return model, [source, decoder_in], target, 64


TASKS = {"classifier": classifier, "seq2seq": seq2seq}


def run(framework, task):
    """Time one task in this process and print its figures as one JSON line."""
    started = time.perf_counter()
    if framework == "keras":
        os.environ.setdefault("KERAS_BACKEND", "jax")
        import keras as K
    else:
        sys.path.insert(0, ROOT)
        import minikeras as K
    import numpy as np
    K.utils.set_random_seed(0)
    model, x, y, batch = TASKS[task](K, np)
    times = []
    for _ in range(2):
        start, cpu_start = time.perf_counter(), time.process_time()
        history = model.fit(x, y, epochs=1, batch_size=batch, verbose=0, shuffle=False)
        times.append(time.perf_counter() - start)
    steady_cpu = time.process_time() - cpu_start
    start = time.perf_counter()
    model.predict(x, batch_size=batch, verbose=0)
    predict = time.perf_counter() - start
    print(json.dumps({"first_epoch_s": times[0], "steady_epoch_s": times[1], "steady_epoch_cpu_s": steady_cpu,
                      "predict_s": predict,
                      "total_s": time.perf_counter() - started,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "loss": float(history.history["loss"][-1])}))


# ---- the driver -----------------------------------------------------------------------------------------------
def run_in_process(python, framework, task):
    env = dict(os.environ, KERAS_BACKEND="jax")
    done = subprocess.run([python, HERE, "--run", framework, task], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=1800)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{framework} {task} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(lines[-1])


def compare(task, pairs):
    keras_mid = medians([k for k, _ in pairs], FIGURES)
    mk_mid = medians([m for _, m in pairs], FIGURES)
    rows = []
    for key in FIGURES:
        if key == "loss":
            rows.append((task, LABELS[key], fmt(keras_mid[key], key), fmt(mk_mid[key], key), "", "", ""))
            continue
        ratio = statistics.median(m[key] / k[key] for k, m in pairs)
        timed = key.endswith("_s") and "cpu" not in key          # the CPU time is shown, not judged
        verdict = "met" if ratio <= TARGET else "NOT met"
        rows.append((task, LABELS[key], fmt(keras_mid[key], key), fmt(mk_mid[key], key), f"{ratio:.3f}",
                     f"<= {TARGET}" if timed else "", verdict if timed else ""))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", nargs=2, metavar=("FRAMEWORK", "TASK"), help=argparse.SUPPRESS)
    parser.add_argument("--keras-python", help="interpreter of a venv with keras and jax")
    parser.add_argument("--minikeras-python", default=sys.executable, help="interpreter for minikeras")
    parser.add_argument("--runs", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    args = parser.parse_args(argv)
    if args.run:
        return run(*args.run)
    if not args.keras_python:
        parser.error("--keras-python is required")
    rows = []
    for task in args.tasks:
        pairs = []
        for n in range(args.runs):
            say(f"{task}: repetition {n + 1}/{args.runs}")
            order = ("keras", "minikeras") if n % 2 == 0 else ("minikeras", "keras")
            result = {fw: run_in_process(args.keras_python if fw == "keras" else args.minikeras_python, fw, task)
                      for fw in order}
            pairs.append((result["keras"], result["minikeras"]))
        rows += compare(task, pairs)
    print(f"medians of {args.runs} repetitions; ratio = median over repetitions of minikeras/keras\n")
    print(table(["task", "figure", "Keras 3 JAX", "minikeras", "ratio", "target", "verdict"], rows))


if __name__ == "__main__":
    sys.exit(main())
