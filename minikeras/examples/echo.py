"""The echo task from the founding documents: an LSTM learns to repeat the sequence 0.0 0.2 0.4 0.6 0.8."""
import numpy as np

from minikeras import Sequential
from minikeras.layers import LSTM, TimeDistributed, Dense
from minikeras.utils import set_random_seed


def main(epochs=1000):
    set_random_seed(7)
    length = 5
    seq = np.array([i / float(length) for i in range(length)])
    X = seq.reshape(1, length, 1)
    y = seq.reshape(1, length, 1)

    model = Sequential()
    model.add(LSTM(length, input_shape=(length, 1), return_sequences=True))
    model.add(TimeDistributed(Dense(1)))
    model.compile(loss="mean_squared_error", optimizer="adam")
    model.summary()
    history = model.fit(X, y, epochs=epochs, batch_size=1, verbose=0)
    print(f"trained {epochs} epochs; final loss {history.history['loss'][-1]:.5f}")

    result = model.predict(X, batch_size=1, verbose=0)
    print("target:   ", " ".join(f"{v:.1f}" for v in seq))
    print("predicted:", " ".join(f"{v:.1f}" for v in result[0, :, 0]))
    return result


if __name__ == "__main__":
    main()
