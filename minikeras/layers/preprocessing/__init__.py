"""Keras 3's preprocessing layers, in numpy (Keras 3 needs TensorFlow for most of them): TextVectorization,
StringLookup, IntegerLookup, Normalization, CategoryEncoding, Hashing."""
from .text_vectorization import TextVectorization
from .string_lookup import StringLookup
from .integer_lookup import IntegerLookup
from .category_encoding import CategoryEncoding
from .hashing import Hashing
from .normalization import Normalization
