"""Writes docs/api/*.md: every public name with its signature and docstring, as plain markdown.

Plain markdown reads well on GitHub and needs no mkdocs plugin. Run it after adding or documenting a public
name (tests/docs/test_code_blocks.py fails when a public layer, optimizer, loss, metric or callback is missing):

    python docs/gen_api.py
"""
import inspect
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import minikeras  # noqa: E402  (after the path, so a checkout works without installing)

API = ROOT / "docs" / "api"

MODEL_METHODS = ("compile", "fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch",
                 "apply", "forward", "summary", "get_layer", "get_weights", "set_weights", "count_params",
                 "reset_states", "get_states", "set_states", "with_batch_size", "save", "save_weights",
                 "load_weights", "to_json", "get_config")
INTERNAL = {"ConfigObject", "Family", "Layer", "Wrapper", "InputLayer", "Optimizer", "LearningRateSchedule", "Loss", "LossFunctionWrapper",
            "CrossentropyByShape", "Metric", "MeanMetricWrapper", "Callback", "CallbackList", "Progbar",
            "RandomInitializer", "Initializer", "Regularizer", "Constraint"}


def public_classes(module, include_base=()):
    """The classes a user imports from `module`, by name (aliases such as MaxPool2D listed once, as aliases)."""
    names = []
    for name in sorted(dir(module)):
        obj = getattr(module, name)
        if name.startswith("_") or not inspect.isclass(obj) or not obj.__module__.startswith("minikeras"):
            continue
        if name in INTERNAL and name not in include_base:
            continue
        names.append(name)
    return names


def public_functions(module):
    return [n for n in sorted(dir(module)) if not n.startswith("_") and inspect.isfunction(getattr(module, n))
            and getattr(module, n).__module__.startswith("minikeras")]


def signature(obj, name):
    try:
        text = str(inspect.signature(obj))
    except (TypeError, ValueError):
        return name
    return f"{name}{text}"


def own_doc(obj):
    """The object's own docstring (not one inherited from a base class), dedented."""
    doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__
    return inspect.cleandoc(doc) if doc else ""


def entry(module_path, name, obj, heading="###"):
    lines = [f"{heading} `{module_path}.{name}`", "", "```text", signature(obj, name), "```", ""]
    doc = own_doc(obj)
    if doc:
        lines += [doc, ""]
    return lines


def aliases(module, names):
    """{canonical name: [other names bound to the same object]}."""
    seen, result = {}, {}
    for name in names:
        obj = getattr(module, name)
        if id(obj) in seen:
            result[seen[id(obj)]].append(name)
        else:
            seen[id(obj)] = name
            result[name] = []
    return result


def section(module, module_path, names, title=None):
    lines = [f"## {title}", ""] if title else []
    for name, others in aliases(module, names).items():
        obj = getattr(module, name)
        lines += entry(module_path, name, obj)
        if others:
            lines += ["Also available as " + ", ".join(f"`{o}`" for o in others) + ".", ""]
    return lines


def page(title, intro, body):
    return "\n".join([f"# {title}", "", intro, ""] + body).rstrip() + "\n"


def models_page():
    mk, models = minikeras, minikeras.models
    body = section(mk, "minikeras", ["Sequential", "Model", "Input", "InputLayer"], "Models and inputs")
    body += section(models, "minikeras.models", ["load_model", "model_from_json", "clone_model"], "Functions")
    body += ["## Model methods", ""]
    for name in MODEL_METHODS:
        if hasattr(mk.Model, name):
            body += entry("minikeras.Model", name, getattr(mk.Model, name), heading="####")
    return page("Models", "`Sequential` and the Functional `Model` share one engine; see "
                "[the pure core](../guides/pure-core.md) for `apply` and `params`.", body)


def layers_page():
    layers = minikeras.layers
    classes = public_classes(layers, include_base=("Layer", "Wrapper", "InputLayer"))
    functions = public_functions(layers)
    body = section(layers, "minikeras.layers", classes, "Layer classes")
    body += section(layers, "minikeras.layers", functions, "Merge functions")
    return page("Layers", "Every layer by its Keras name. Guides: [recurrent layers](../guides/recurrent.md), "
                "[masking](../guides/masking.md), [TimeDistributed](../guides/time-distributed.md), "
                "[Bidirectional](../guides/bidirectional.md).", body)


def training_page():
    mk = minikeras
    body = section(mk.optimizers, "minikeras.optimizers", public_classes(mk.optimizers), "Optimizers")
    body += section(mk.optimizers.schedules, "minikeras.optimizers.schedules",
                    public_classes(mk.optimizers.schedules), "Learning-rate schedules")
    body += section(mk.losses, "minikeras.losses", public_classes(mk.losses), "Losses")
    body += ["Loss functions by name: " + ", ".join(f"`{n}`" for n in public_functions(mk.losses)
                                                    if n[0].islower() and n not in _HELPERS) + ".", ""]
    body += section(mk.metrics, "minikeras.metrics", public_classes(mk.metrics), "Metrics")
    body += section(mk.callbacks, "minikeras.callbacks", public_classes(mk.callbacks), "Callbacks")
    return page("Training", "Optimizers, schedules, losses, metrics and callbacks, with Keras 3's names and "
                "defaults. Pass them to `compile` and `fit` by object or by name (`optimizer=\"adam\"`).", body)


_HELPERS = {"broadcast_weights", "crossentropy_kind", "deserialize", "function_config", "get", "keras_object_config",
            "mask_to_weights", "object_from_config", "reduce_values", "reduce_weighted_values", "serialize",
            "snake_case", "squeeze_or_expand_to_same_rank", "standardize_reduction", "per_sample_values"}


def utils_page():
    mk = minikeras
    body = section(mk.utils, "minikeras.utils", public_functions(mk.utils) + ["Progbar"], "minikeras.utils")
    body += section(mk.backend, "minikeras.backend", ["floatx", "set_floatx", "epsilon", "set_seed"],
                    "minikeras.backend")
    body += section(mk.legacy, "minikeras.legacy", ["silence_legacy_warnings", "LegacyArgumentWarning"],
                    "minikeras.legacy")
    for module, path in ((mk.activations, "minikeras.activations"), (mk.initializers, "minikeras.initializers"),
                         (mk.regularizers, "minikeras.regularizers"), (mk.constraints, "minikeras.constraints")):
        names = [n for n in public_functions(module) + public_classes(module) if n not in _HELPERS]
        body += [f"## {path}", "", "By name (as a string) or as objects: " + ", ".join(f"`{n}`" for n in names) + ".",
                 ""]
    return page("Utilities", "Data helpers, plotting, mask viewers, numeric settings, and the Keras 1/2 switch.", body)


def index_page():
    return page("API reference", "Generated from the docstrings by `python docs/gen_api.py`; each page lists "
                "the public names with their signatures.", [
                    "- [Models](models.md): `Sequential`, `Model`, `Input`, loading, and the methods of a model.",
                    "- [Layers](layers.md): every layer by its Keras name, and the merge functions.",
                    "- [Training](training.md): optimizers, learning-rate schedules, losses, metrics, callbacks.",
                    "- [Utilities](utils.md): `pad_sequences`, `to_categorical`, `plot_history`, mask viewers, "
                    "`set_random_seed`, backend settings, the legacy-warning switch.", ""])


PAGES = {"index.md": index_page, "models.md": models_page, "layers.md": layers_page, "training.md": training_page,
         "utils.md": utils_page}


def main():
    API.mkdir(parents=True, exist_ok=True)
    for filename, make in PAGES.items():
        (API / filename).write_text(make(), encoding="utf-8")
        print(f"wrote {API / filename}")


if __name__ == "__main__":
    main()
