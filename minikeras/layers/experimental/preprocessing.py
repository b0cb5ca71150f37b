"""Keras 2.2-2.5's keras.layers.experimental.preprocessing: the same preprocessing layers as minikeras.layers
(TextVectorization, StringLookup, IntegerLookup, Hashing, CategoryEncoding, Normalization)."""
from ..preprocessing import (TextVectorization, StringLookup, IntegerLookup, Hashing, CategoryEncoding,
                             Normalization)

__all__ = ["TextVectorization", "StringLookup", "IntegerLookup", "Hashing", "CategoryEncoding", "Normalization"]
