"""keras.datasets: imdb, reuters, mnist, fashion_mnist, cifar10, boston_housing with Keras's load_data. The files
are Keras's own, from the same addresses, checked against the same hashes and cached where Keras caches them
($KERAS_HOME or ~/.keras/datasets), so a machine that has run Keras already has them."""
from . import imdb, reuters, mnist, fashion_mnist, cifar10, boston_housing
