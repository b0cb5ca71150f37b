"""Legacy import path (Keras 1/2: keras.layers.embeddings). Re-exports only."""
from .embedding import Embedding
