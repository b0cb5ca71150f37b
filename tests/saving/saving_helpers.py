"""Where the Keras-written fixture files for the saving tests live, and how to read their recorded numbers."""
import os

import numpy as np

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "saving")


def fixture_path(name):
    return os.path.join(FIXTURES, name)


def fixture_inputs(name):
    data = np.load(fixture_path(name + ".npz"))
    inputs = [data[k] for k in sorted(data.files) if k.startswith("x")]
    return (inputs if len(inputs) > 1 else inputs[0]), data["y0"]
