"""plot_history: the training curve a notebook user wants to see (matplotlib, an optional extra)."""


def _require_matplotlib():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("plot_history needs matplotlib, an optional extra: pip install 'minikeras[plot]' "
                          "(or pip install matplotlib).") from None
    return plt


def plot_history(history, metrics=None, ax=None, title=None):
    """Plot each metric of a fit History (or its .history dict) per epoch, with its val_ twin dashed.

    Returns the matplotlib Axes, so a notebook shows it and a script can save it.
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise ValueError(f"plot_history: expected the History returned by fit (or its .history dict), got {history!r}.")
    names = metrics or [k for k in logs if not k.startswith("val_")]
    unknown = [n for n in names if n not in logs]
    if unknown:
        raise ValueError(f"plot_history: no metric {unknown} in this history; it has {sorted(logs)}.")
    plt = _require_matplotlib()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for name in names:
        line, = ax.plot(range(1, len(logs[name]) + 1), logs[name], label=name)
        if "val_" + name in logs:
            ax.plot(range(1, len(logs["val_" + name]) + 1), logs["val_" + name], "--", color=line.get_color(),
                    label="val_" + name)
    ax.set_xlabel("epoch")
    ax.set_title(title or "training history")
    ax.legend()
    return ax
