"""TensorBoard's event files, written by hand: scalars only, with nothing but the standard library.

An event file is a sequence of records (TFRecord framing: the length, its checksum, the bytes, their checksum),
each an `Event` protocol buffer: first the file version, then one `Summary` of scalar values a record. The few
protobuf fields needed are encoded here directly (tag and wire type, varints, little-endian numbers), so TensorBoard
reads the files without TensorFlow or protobuf being installed. tests/callbacks/test_tensorboard.py checks the
bytes against TensorFlow's own (tests/fixtures/event_file.json).
"""
import os
import socket
import struct
import time

_file_counter = [0]


def _crc32c_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data):
    """The CRC-32C (Castagnoli) checksum TFRecord framing uses."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _varint(value):
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        out.append(low | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number, wire_type):
    return _varint((number << 3) | wire_type)


def _length_delimited(number, payload):
    return _field(number, 2) + _varint(len(payload)) + payload


def _event(wall_time, step=0, file_version=None, summary=None):
    """An Event message: wall_time (1, double), step (2, int64), file_version (3, string), summary (5)."""
    message = _field(1, 1) + struct.pack("<d", wall_time)
    if step:                    # proto3 leaves a field at its default (0) out
        message += _field(2, 0) + _varint(step)
    if file_version is not None:
        message += _length_delimited(3, file_version.encode())
    if summary is not None:
        message += _length_delimited(5, summary)
    return message


def _scalar_summary(tag, value):
    """A Summary holding one Value: tag (1, string), simple_value (2, float)."""
    value_message = _length_delimited(1, tag.encode()) + _field(2, 5) + struct.pack("<f", float(value))
    return _length_delimited(1, value_message)


def _record(data):
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", _masked(crc32c(header))) + data + struct.pack("<I", _masked(crc32c(data)))


class EventFile:
    """One event file in `directory` (made if missing), named as TensorFlow names them; `scalar(tag, value, step)`
    appends a record and flushes, so TensorBoard sees it while training runs."""

    def __init__(self, directory):
        os.makedirs(directory, exist_ok=True)
        _file_counter[0] += 1
        name = f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}.{os.getpid()}.{_file_counter[0]}.v2"
        self.path = os.path.join(directory, name)
        self._file = open(self.path, "wb")
        self._write(_event(time.time(), file_version="brain.Event:2"))

    def scalar(self, tag, value, step):
        self._write(_event(time.time(), step=int(step), summary=_scalar_summary(tag, value)))

    def _write(self, event):
        self._file.write(_record(event))
        self._file.flush()

    def close(self):
        self._file.close()
