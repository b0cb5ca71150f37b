"""Keras 2's keras.preprocessing: `sequence` (pad_sequences, TimeseriesGenerator, skipgrams, make_sampling_table)
and `text` (Tokenizer, text_to_word_sequence, one_hot, hashing_trick). Keras 3's preprocessing layers are in
minikeras.layers (TextVectorization, StringLookup, ...)."""
from . import sequence, text
