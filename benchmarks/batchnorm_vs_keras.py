"""Small BatchNormalization models, minikeras against Keras 3 (JAX) side by side, with attention_vs_keras.py's driver.

usage: python benchmarks/batchnorm_vs_keras.py --keras-python /tmp/kvenv/bin/python [--runs 3] [--tasks ...]

Two tasks, the same model source run by both frameworks (`K` is keras or minikeras):
  conv1d_bn  the time-series classifier of Keras's examples: three Conv1D -> BatchNormalization -> ReLU blocks,
             global average pooling, softmax; 1024 series of 128 steps, batch 32.
  dense_bn   an MLP with two Dense -> BatchNormalization -> ReLU blocks on 32 features; 4096 rows, batch 64.
The figures, the repetitions and the table are attention_vs_keras.py's (first epoch, steady epoch, predict, the
whole run, peak memory; fresh processes, alternating which framework goes first).
"""
import os
import sys

import attention_vs_keras as driver


def conv1d_bn(K, np):
    rng = np.random.default_rng(0)
    n, steps = 1024, 128
    series = rng.normal(size=(n, steps, 1)).astype("float32")
    labels = (series[:, : steps // 2, 0].mean(axis=1) > 0).astype("int32")
    inputs = K.Input((steps, 1))
    h = inputs
    for _ in range(3):
        h = K.layers.ReLU()(K.layers.BatchNormalization()(K.layers.Conv1D(32, 3, padding="same")(h)))
    out = K.layers.Dense(2, activation="softmax")(K.layers.GlobalAveragePooling1D()(h))
    model = K.Model(inputs, out)
    model.compile(optimizer=K.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    return model, series, labels, 32


def dense_bn(K, np):
    rng = np.random.default_rng(0)
    features = rng.normal(3.0, 2.0, size=(4096, 32)).astype("float32")
    target = np.sin(features[:, :4]).sum(axis=1, keepdims=True).astype("float32")
    inputs = K.Input((32,))
    h = inputs
    for _ in range(2):
        h = K.layers.ReLU()(K.layers.BatchNormalization()(K.layers.Dense(64)(h)))
    model = K.Model(inputs, K.layers.Dense(1)(h))
    model.compile(optimizer=K.optimizers.Adam(1e-3), loss="mse")
    return model, features, target, 64


# the driver runs these workloads, and starts this file (not its own) for each measured process
driver.TASKS = {"conv1d_bn": conv1d_bn, "dense_bn": dense_bn}
driver.HERE = os.path.abspath(__file__)

if __name__ == "__main__":
    sys.exit(driver.main())
