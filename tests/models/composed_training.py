"""One model trained twice from the same seed, with composed steps on and then off: what the composed-step tests
compare (tests/models/test_composed_*.py)."""
import minikeras as K
from minikeras.models import composed_step


def trained_both_ways(build_and_fit):
    """[(weights, losses) with composed steps, (weights, losses) traced]; `build_and_fit()` -> (model, history)."""
    results = []
    for enabled in (True, False):
        composed_step.set_composed_steps(enabled)
        K.utils.set_random_seed(0)
        model, history = build_and_fit()
        results.append((model.get_weights(), history.history["loss"]))
    composed_step.set_composed_steps(True)
    return results


def prepared_batch(model, x, y):
    """(inputs, targets, sample weights) as fit hands one batch of x, y to the training step."""
    prepared = model._prepare(x, y, None, None, "fit")
    return prepared["x"], prepared["y"], prepared["sample_weight"] or [None]
