"""Keras 2's keras.preprocessing: `sequence` (pad_sequences, TimeseriesGenerator, skipgrams, make_sampling_table)
and `text` (Tokenizer, text_to_word_sequence, one_hot, hashing_trick). Keras 3's preprocessing layers are in
minikeras.layers (TextVectorization, StringLookup, ...); the dataset functions Keras 3 also exports here
(`keras.preprocessing.timeseries_dataset_from_array`, as keras.io's weather example calls it) are minikeras.utils's."""
from . import sequence, text
from ..utils.text_dataset import text_dataset_from_directory
from ..utils.timeseries import timeseries_dataset_from_array

__all__ = ["sequence", "text", "text_dataset_from_directory", "timeseries_dataset_from_array"]
