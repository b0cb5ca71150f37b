"""The TensorBoard callback writes event files TensorBoard reads: byte for byte the Events and TFRecord framing
TensorFlow writes (tests/fixtures/event_file.json, made by make_event_file_fixtures.py), in Keras's folders and
under Keras's tags."""
import glob
import json
import os
import struct

import numpy as np
import pytest

import minikeras
from minikeras.callbacks import TensorBoard, event_file

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
with open(os.path.join(FIXTURES, "event_file.json")) as f:
    FACTS = json.load(f)


def test_crc32c_of_the_standard_check_string():
    assert event_file.crc32c(b"123456789") == 0xE3069283


def test_events_and_records_are_tensorflow_s_bytes():
    wall_time = FACTS["wall_time"]
    version = event_file._event(wall_time, file_version="brain.Event:2")
    assert version.hex() == FACTS["version_event"]
    assert event_file._record(version).hex() == FACTS["version_record"]
    for case in FACTS["scalars"]:
        event = event_file._event(wall_time, step=case["step"],
                                  summary=event_file._scalar_summary(case["tag"], case["value"]))
        assert event.hex() == case["event"]
        assert event_file._record(event).hex() == case["record"]


def _scalars_in(path):
    """(tag, value, step) of every scalar in an event file, read back by the framing's own rules."""
    data, found, position = open(path, "rb").read(), [], 0
    while position < len(data):
        (length,) = struct.unpack_from("<Q", data, position)
        payload = data[position + 12: position + 12 + length]
        (checksum,) = struct.unpack_from("<I", data, position + 12 + length)
        assert checksum == event_file._masked(event_file.crc32c(payload))
        position += 16 + length
        found.extend(_scalar_of(payload))
    return found


def _varint(buffer, i):
    value, shift = 0, 0
    while True:
        value |= (buffer[i] & 0x7F) << shift
        shift += 7
        i += 1
        if not buffer[i - 1] & 0x80:
            return value, i


def _fields(buffer):
    """(field number, value) of a protobuf message: ints for varints, bytes for the others."""
    i, sizes = 0, {1: 8, 5: 4}
    while i < len(buffer):
        key, i = _varint(buffer, i)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, i = _varint(buffer, i)
        elif wire_type == 2:
            length, i = _varint(buffer, i)
            value, i = buffer[i: i + length], i + length
        else:
            value, i = buffer[i: i + sizes[wire_type]], i + sizes[wire_type]
        yield number, value


def _scalar_of(event):
    fields = dict(_fields(event))
    if 5 not in fields:
        return []
    value = dict(_fields(dict(_fields(fields[5]))[1]))
    return [(value[1].decode(), struct.unpack("<f", value[2])[0], fields.get(2, 0))]


def test_fit_writes_keras_s_runs_and_tags(tmp_path):
    model = minikeras.Sequential([minikeras.Input((3,)), minikeras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x, y = rng.random((20, 3)).astype("float32"), rng.integers(0, 2, 20)
    history = model.fit(x, y, epochs=2, batch_size=4, verbose=0, validation_split=0.2,
                        callbacks=[TensorBoard(log_dir=str(tmp_path), update_freq=2)])
    (train,), (validation,) = (glob.glob(str(tmp_path / run / "events.out.tfevents.*")) for run in
                               ("train", "validation"))
    train_scalars, validation_scalars = _scalars_in(train), _scalars_in(validation)
    epoch_losses = [value for tag, value, _ in train_scalars if tag == "epoch_loss"]
    np.testing.assert_allclose(epoch_losses, history.history["loss"], rtol=1e-6)
    assert [step for tag, _, step in train_scalars if tag == "batch_loss"] == [2, 4, 6, 8]
    assert [(tag, step) for tag, _, step in validation_scalars if tag.startswith("evaluation_loss")] == \
        [("evaluation_loss_vs_iterations", 4), ("evaluation_loss_vs_iterations", 8)]
    np.testing.assert_allclose([v for tag, v, _ in validation_scalars if tag == "epoch_accuracy"],
                               history.history["val_accuracy"], rtol=1e-6)


def test_what_needs_tensorflow_is_skipped_with_a_warning_and_bad_options_refused(tmp_path):
    with pytest.warns(UserWarning, match="histogram_freq"):
        TensorBoard(log_dir=str(tmp_path), histogram_freq=1)
    with pytest.raises(ValueError, match="update_freq"):
        TensorBoard(update_freq="sometimes")
