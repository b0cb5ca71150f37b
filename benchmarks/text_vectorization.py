"""How long TextVectorization takes on a realistic corpus: adapt on 100,000 short texts (8 to 20 words from a
Zipf-like vocabulary of 20,000 words), then vectorizing them in each output mode. Wall-clock seconds of one
run in this process, best of --rounds.

    python benchmarks/text_vectorization.py --rounds 3 --texts 100000
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import numpy as np  # noqa: E402

from minikeras.layers import TextVectorization  # noqa: E402


def corpus(count, seed=0, vocabulary=20000):
    """`count` short texts with punctuation and capitals, words drawn with Zipf-like frequencies."""
    rng = np.random.default_rng(seed)
    words = np.array([f"word{i}" for i in range(vocabulary)])
    weights = 1.0 / np.arange(1, vocabulary + 1)
    weights /= weights.sum()
    lengths = rng.integers(8, 21, size=count)
    drawn = rng.choice(vocabulary, size=int(lengths.sum()), p=weights)
    texts, at = [], 0
    for length in lengths:
        texts.append(" ".join(words[drawn[at:at + length]]).capitalize() + ".")
        at += length
    return np.array(texts, dtype=object)


def best_of(rounds, work):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=100000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = corpus(args.texts)
    print(f"{len(texts)} texts, {sum(len(t.split()) for t in texts)} words")
    rows = []
    for mode, kwargs in (("int", dict(max_tokens=20000, output_sequence_length=20)),
                         ("multi_hot", dict(max_tokens=2000, output_mode="multi_hot")),
                         ("tf_idf", dict(max_tokens=2000, output_mode="tf_idf"))):
        layer = TextVectorization(**kwargs)
        adapt = best_of(args.rounds, lambda: layer.adapt(texts))
        call = best_of(args.rounds, lambda: layer(texts[:10000]))
        rows.append((mode, adapt, call))
    print(f"{'output_mode':<12}{'adapt (s)':>12}{'call on 10k texts (s)':>24}")
    for mode, adapt, call in rows:
        print(f"{mode:<12}{adapt:>12.2f}{call:>24.2f}")


if __name__ == "__main__":
    main()
