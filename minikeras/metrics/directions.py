"""Which way each built-in metric improves ("up" or "down"), as Keras 3 records it: what the monitoring callbacks
(EarlyStopping, ReduceLROnPlateau, ModelCheckpoint) go by in mode="auto"."""

_UP = {"Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy", "TopKCategoricalAccuracy",
       "SparseTopKCategoricalAccuracy", "AUC", "Precision", "Recall", "SensitivityAtSpecificity",
       "SpecificityAtSensitivity", "PrecisionAtRecall", "RecallAtPrecision", "FBetaScore", "F1Score", "R2Score",
       "CosineSimilarity"}
_DOWN = {"MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError",
         "RootMeanSquaredError", "LogCoshError", "Hinge", "SquaredHinge", "CategoricalHinge", "KLDivergence",
         "Poisson", "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy"}


def direction(metric):
    """"up", "down", or None when unknown (Mean, Sum, a metric made from the user's function). A metric of the
    user's may say its own with a `direction` (or Keras's `_direction`) attribute."""
    own = getattr(metric, "direction", None) or getattr(metric, "_direction", None)
    if own in ("up", "down"):
        return own
    for cls in type(metric).__mro__:
        if cls.__module__.startswith("minikeras.") and cls.__name__ in _UP:
            return "up"
        if cls.__module__.startswith("minikeras.") and cls.__name__ in _DOWN:
            return "down"
    return None
