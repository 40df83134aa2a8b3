"""Matplotlib figures for the notebooks, kept apart from the math so ``import rnn_helpers``
stays fast and the math is testable without matplotlib.

Every figure takes its size and resolution from ``FIGURE_STYLE`` below (the one place they are
set), so the notebooks' figures look the same on every machine and nbval sees the same output.
"""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from ._checks import as_float_array, check_number, check_positive_int, describe_value, expect_shape
from .core import project_2d

FIGURE_STYLE = {"figure.figsize": (9.0, 3.2), "figure.dpi": 80, "axes.grid": True, "grid.alpha": 0.3}

SATURATION = 0.95  # |h| above this sits on tanh's flat part, where its slope is below 0.1
MAX_PANELS = 10  # rows or columns of panels in one figure; more would be unreadable


def new_figure(nrows=1, ncols=1, **kwargs):
    """``plt.subplots`` in the collection's style (``FIGURE_STYLE``): returns (figure, axes).

    Notebooks make their own figures with this, so every figure's size comes from one place.
    """
    check_positive_int("nrows", nrows, maximum=MAX_PANELS)
    check_positive_int("ncols", ncols, maximum=MAX_PANELS)
    with matplotlib.rc_context(FIGURE_STYLE):
        return plt.subplots(nrows, ncols, **kwargs)


def _axes(ax):
    return new_figure()[1] if ax is None else ax


def _check_axes_and_title(ax, title, title_may_be_none=False):
    """Raise unless ``ax`` is None or matplotlib Axes, and ``title`` a string (or None, if allowed)."""
    if ax is not None and not isinstance(ax, matplotlib.axes.Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {describe_value(ax)}")
    if not (isinstance(title, str) or (title is None and title_may_be_none)):
        raise TypeError(f"title must be a string{' or None' if title_may_be_none else ''}, got "
                        f"{describe_value(title)}")


def plot_hidden_units(hidden_states, ax=None, title="Hidden units over time"):
    """One line per hidden unit against the time step, with tanh's saturated bands shaded.

    - hidden_states: shape (T, H)

    Returns the matplotlib Axes.
    """
    hidden_states = as_float_array("hidden_states", hidden_states, 2)
    _check_axes_and_title(ax, title)
    ax = _axes(ax)
    steps = np.arange(1, hidden_states.shape[0] + 1)
    for unit in range(hidden_states.shape[1]):
        ax.plot(steps, hidden_states[:, unit], marker="o" if len(steps) <= 20 else None, ms=4, label=f"h[{unit}]")
    for edge in (SATURATION, -SATURATION):
        ax.axhspan(edge, np.sign(edge) * 1.05, color="grey", alpha=0.15, lw=0)
    ax.set(xlabel="time step t", ylabel="$h_t$", ylim=(-1.05, 1.05), title=title)
    if hidden_states.shape[1] <= 8:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    return ax


def plot_hidden_heatmap(hidden_states, ax=None, title="Hidden units x time"):
    """Heatmap of the hidden state: rows are units, columns are time steps, colour in [-1, 1].

    - hidden_states: shape (T, H)

    Returns the matplotlib Axes.
    """
    hidden_states = as_float_array("hidden_states", hidden_states, 2)
    _check_axes_and_title(ax, title)
    ax = _axes(ax)
    sequence_length, hidden_size = hidden_states.shape
    image = ax.imshow(
        hidden_states.T,
        aspect="auto",
        cmap="RdBu_r",
        vmin=-1,
        vmax=1,
        interpolation="nearest",
        extent=(0.5, sequence_length + 0.5, hidden_size - 0.5, -0.5),
    )
    ax.figure.colorbar(image, ax=ax, label="$h$")
    ax.set(xlabel="time step t", ylabel="hidden unit", title=title)
    ax.grid(False)
    return ax


def plot_trajectory_2d(hidden_states, ax=None, title="Trajectory in 2-D (PCA)"):
    """The hidden-state trajectory projected on its two principal components, coloured by time.

    - hidden_states: shape (T, H)

    Returns the matplotlib Axes.
    """
    _check_axes_and_title(ax, title)
    coordinates, explained = project_2d(hidden_states)
    ax = _axes(ax)
    steps = np.arange(1, len(coordinates) + 1)
    ax.plot(coordinates[:, 0], coordinates[:, 1], color="lightgrey", zorder=1)
    points = ax.scatter(coordinates[:, 0], coordinates[:, 1], c=steps, cmap="viridis", zorder=2, s=25)
    ax.annotate("start", coordinates[0], textcoords="offset points", xytext=(5, 5))
    ax.figure.colorbar(points, ax=ax, label="time step t")
    ax.set(
        xlabel=f"PC 1 ({explained[0]:.0%} of variance)",
        ylabel=f"PC 2 ({explained[1]:.0%})",
        title=title,
    )
    return ax


def plot_hidden_overview(hidden_states, title=None):
    """The three views side by side: units over time, heatmap, 2-D trajectory.

    - hidden_states: shape (T, H)

    Returns the matplotlib Figure.
    """
    as_float_array("hidden_states", hidden_states, 2)
    _check_axes_and_title(None, title, title_may_be_none=True)
    figure, axes = new_figure(1, 3, figsize=(FIGURE_STYLE["figure.figsize"][0] * 1.5, 3.4))
    plot_hidden_units(hidden_states, ax=axes[0])
    plot_hidden_heatmap(hidden_states, ax=axes[1])
    plot_trajectory_2d(hidden_states, ax=axes[2])
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_accuracy_histogram(accuracies, chance, ax=None, title="Accuracy of untrained RNNs"):
    """Histogram of accuracies with the chance level marked.

    - accuracies: shape (S,), one accuracy in [0, 1] per trial
    - chance: the accuracy of guessing, e.g. 1 / number of classes

    Returns the matplotlib Axes.
    """
    accuracies = as_float_array("accuracies", accuracies, 1)
    if accuracies.min() < 0 or accuracies.max() > 1:
        raise ValueError(f"accuracies must lie in [0, 1], got values from {accuracies.min()} to {accuracies.max()}")
    check_number("chance", chance, 0, 1)
    _check_axes_and_title(ax, title)
    ax = _axes(ax)
    ax.hist(accuracies, bins=np.linspace(0, 1, 21), color="tab:blue", alpha=0.7, edgecolor="white")
    ax.axvline(chance, color="black", ls="--", label=f"chance = {chance:.0%}")
    ax.axvline(accuracies.mean(), color="tab:red", label=f"mean = {accuracies.mean():.1%}")
    ax.set(xlabel="accuracy", ylabel="number of trials", title=title)
    ax.legend()
    return ax


def plot_training_curves(history, title="Training"):
    """Loss and accuracy per epoch, side by side.

    - history: dict from ``rnn_helpers.training.train`` with lists 'loss', 'train_accuracy' and
      optionally 'test_accuracy', one entry per epoch

    Returns the matplotlib Figure.
    """
    if not isinstance(history, dict):
        raise TypeError(f"history must be the dict from train(), got {describe_value(history)}")
    if "loss" not in history or "train_accuracy" not in history:
        raise ValueError(f"history must have the keys 'loss' and 'train_accuracy', got {list(history)}")
    test_accuracy = history.get("test_accuracy", [])
    keys = ["loss", "train_accuracy"] + ([] if isinstance(test_accuracy, list) and not test_accuracy else
                                         ["test_accuracy"])
    curves = {key: as_float_array(f"history[{key!r}]", history[key], 1) for key in keys}
    for key in keys:
        expect_shape(f"history[{key!r}]", curves[key], curves["loss"].shape)
    _check_axes_and_title(None, title)
    history = {key: curve.tolist() for key, curve in curves.items()}  # lists, as train() returns them
    figure, (loss_ax, accuracy_ax) = new_figure(1, 2)
    epochs = np.arange(1, len(history["loss"]) + 1)
    loss_ax.plot(epochs, history["loss"], marker="o", ms=3)
    loss_ax.set(xlabel="epoch", ylabel="mean cross-entropy", title="training loss")
    accuracy_ax.plot(epochs, history["train_accuracy"], marker="o", ms=3, label="train")
    if history.get("test_accuracy"):
        accuracy_ax.plot(epochs, history["test_accuracy"], marker="s", ms=3, label="test")
    accuracy_ax.axhline(0.5, color="grey", ls="--", lw=1, label="chance")
    accuracy_ax.set(xlabel="epoch", ylabel="accuracy", ylim=(0.4, 1.02), title="accuracy")
    accuracy_ax.legend()
    figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_gradient_decay(norms_by_label, ax=None, title="Gradient reaching back k steps"):
    """Gradient norm against the number of steps back, one line per setting, log scale.

    - norms_by_label: dict mapping a legend label to norms of shape (T,), e.g. from
      ``rnn_helpers.backprop.gradient_through_time``

    Returns the matplotlib Axes.
    """
    if not isinstance(norms_by_label, dict) or not norms_by_label:
        raise TypeError(f"norms_by_label must be a non-empty dict of label -> norms, got "
                        f"{describe_value(norms_by_label)}")
    checked = {}
    for label, norms in norms_by_label.items():
        checked[label] = as_float_array(f"norms_by_label[{label!r}]", norms, 1)
        if checked[label].min() < 0:
            raise ValueError(f"norms_by_label[{label!r}] must hold norms (>= 0), got {checked[label].min()}")
    _check_axes_and_title(ax, title)
    ax = _axes(ax)
    for label, norms in checked.items():
        ax.semilogy(np.arange(len(norms)), norms, label=label)
    ax.set(xlabel="steps back k", ylabel=r"$\|\partial L_T / \partial h_{T-k}\|$", title=title)
    ax.legend(fontsize="small")
    return ax
