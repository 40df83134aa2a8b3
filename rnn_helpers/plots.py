"""Matplotlib figures for the notebooks, kept apart from the math so ``import rnn_helpers``
stays fast and the math is testable without matplotlib.

Every figure takes its look from ``FIGURE_STYLE``, set in one place: ``rnn_helpers._style`` (sizes
for a projector, colours for colour-blind readers; see there).
"""

import functools
import itertools

import matplotlib
import matplotlib.collections
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np

from ._checks import as_float_array, check_number, check_positive_int, describe_value, expect_shape
from ._style import COLORS, FIGURE_STYLE, MINIMUM_FONT_SIZE, StyledFigure  # noqa: F401 (exported from here)
from .core import project_2d

SATURATION = 0.95  # |h| above this sits on tanh's flat part, where its slope is below 0.1
MAX_PANELS = 10  # rows or columns of panels in one figure; more would be unreadable
LINE_STYLES = ["-", "--", "-.", ":", (0, (6, 2, 1, 2, 1, 2))]  # for figures with several lines
MARKERS = ["o", "s", "^", "D", "v", "P"]


def new_figure(nrows=1, ncols=1, **kwargs):
    """``plt.subplots`` in the collection's style (``FIGURE_STYLE``): returns (figure, axes).

    Notebooks make their own figures with this, so every figure's look comes from one place.
    """
    check_positive_int("nrows", nrows, maximum=MAX_PANELS)
    check_positive_int("ncols", ncols, maximum=MAX_PANELS)
    with matplotlib.rc_context(FIGURE_STYLE):
        return plt.subplots(nrows, ncols, FigureClass=StyledFigure, **kwargs)


def styled(plot_function):
    """Run a plotting function inside FIGURE_STYLE, so the legends and titles it adds to a
    figure made elsewhere get the collection's sizes and colours too."""
    if not callable(plot_function):
        raise TypeError(f"plot_function must be a function, got {describe_value(plot_function)}")

    @functools.wraps(plot_function)
    def in_style(*args, **kwargs):
        with matplotlib.rc_context(FIGURE_STYLE):
            return plot_function(*args, **kwargs)

    return in_style


def legend_outside(ax, **kwargs):
    """A legend to the right of the axes, where it cannot cover the data."""
    if not isinstance(ax, matplotlib.axes.Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {describe_value(ax)}")
    return ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, **kwargs)


def _axes(ax):
    return new_figure()[1] if ax is None else ax


def _check_axes_and_title(ax, title, title_may_be_none=False):
    """Raise unless ``ax`` is None or matplotlib Axes, and ``title`` a string (or None, if allowed)."""
    if ax is not None and not isinstance(ax, matplotlib.axes.Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {describe_value(ax)}")
    if not (isinstance(title, str) or (title is None and title_may_be_none)):
        raise TypeError(f"title must be a string{' or None' if title_may_be_none else ''}, got "
                        f"{describe_value(title)}")


@styled
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
        ax.plot(steps, hidden_states[:, unit], marker="o" if len(steps) <= 20 else None, ms=5, label=f"h[{unit}]")
    for edge in (SATURATION, -SATURATION):
        ax.axhspan(edge, np.sign(edge) * 1.05, color="grey", alpha=0.15, lw=0)
    ax.set(xlabel="time step t", ylabel="$h_t$ (tanh units)", ylim=(-1.05, 1.05), title=title)
    if hidden_states.shape[1] <= 8:
        legend_outside(ax)
    return ax


@styled
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
        cmap="RdBu_r",  # diverging red-blue: readable with red-green colour blindness
        vmin=-1,
        vmax=1,
        interpolation="nearest",
        extent=(0.5, sequence_length + 0.5, hidden_size - 0.5, -0.5),
    )
    ax.figure.colorbar(image, ax=ax, label="$h$ (tanh units)")
    ax.set(xlabel="time step t", ylabel="hidden unit", title=title)
    if hidden_size <= 8:
        ax.set_yticks(range(hidden_size))
    ax.grid(False)
    return ax


@styled
def plot_trajectory_2d(hidden_states, ax=None, title="Trajectory in 2-D (PCA)"):
    """The hidden-state trajectory projected on its two principal components, coloured by time.

    - hidden_states: shape (T, H)

    Returns the matplotlib Axes.
    """
    _check_axes_and_title(ax, title)
    coordinates, explained = project_2d(hidden_states)
    ax = _axes(ax)
    steps = np.arange(1, len(coordinates) + 1)
    # Each segment takes the colour of the step it leads to, so the path's direction reads off the colour bar.
    segments = np.stack([coordinates[:-1], coordinates[1:]], axis=1)
    path = matplotlib.collections.LineCollection(segments, cmap="viridis", norm=plt.Normalize(1, max(len(steps), 2)),
                                                 lw=1.5, alpha=0.7, zorder=1)
    path.set_array(steps[1:])
    ax.add_collection(path)
    points = ax.scatter(coordinates[:, 0], coordinates[:, 1], c=steps, cmap="viridis", zorder=2, s=36,
                        vmin=1, vmax=max(len(steps), 2))
    ax.plot(*coordinates[0], ls="none", marker="s", ms=13, mfc="none", mec=COLORS["black"], mew=2.5, zorder=3,
            label="start, t = 1")
    ax.plot(*coordinates[-1], ls="none", marker="*", ms=18, mfc=COLORS["vermillion"], mec=COLORS["black"], zorder=3,
            label=f"end, t = {len(steps)}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, borderaxespad=0.0)
    colorbar = ax.figure.colorbar(points, ax=ax, label="time step t")
    colorbar.locator = matplotlib.ticker.MaxNLocator(integer=True)  # steps are whole numbers
    colorbar.update_ticks()
    ax.set(
        xlabel=f"PC 1 ({explained[0]:.0%} of variance)",
        ylabel=f"PC 2 ({explained[1]:.0%})",
        title=title,
    )
    return ax


@styled
def plot_hidden_overview(hidden_states, title=None):
    """The three views: units over time above the heatmap (sharing the time axis), the 2-D
    trajectory beside them, large enough to read each on a projector.

    - hidden_states: shape (T, H)

    Returns the matplotlib Figure.
    """
    as_float_array("hidden_states", hidden_states, 2)
    _check_axes_and_title(None, title, title_may_be_none=True)
    figure = plt.figure(FigureClass=StyledFigure, figsize=(12.0, 6.5))
    grid = figure.add_gridspec(2, 2, width_ratios=(1.6, 1.0))
    units_ax = figure.add_subplot(grid[0, 0])
    heatmap_ax = figure.add_subplot(grid[1, 0], sharex=units_ax)
    trajectory_ax = figure.add_subplot(grid[:, 1])
    plot_hidden_units(hidden_states, ax=units_ax)
    plot_hidden_heatmap(hidden_states, ax=heatmap_ax)
    plot_trajectory_2d(hidden_states, ax=trajectory_ax)
    if title:
        figure.suptitle(title)
    return figure


@styled
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
    # Bins of width 0.05 centred on 0, 0.05, ..., 1. An accuracy over T steps is a multiple of 1/T: for T = 5
    # each bar then sits on the value it counts, and no multiple of 1/100 falls on a bin edge.
    bin_edges = (np.arange(22) - 0.5) / 20
    counts, _, _ = ax.hist(accuracies, bins=bin_edges, color=COLORS["sky blue"], edgecolor="white")
    # The marks stop at the tallest bar: the band above it is left free for the legend.
    ax.vlines(chance, 0, counts.max(), color=COLORS["black"], ls="--", label=f"chance = {chance:.0%}")
    ax.vlines(accuracies.mean(), 0, counts.max(), color=COLORS["vermillion"], label=f"mean = {accuracies.mean():.1%}")
    ax.set(xlabel="accuracy (fraction of steps right)", ylabel="number of trials", title=title)
    ax.set_ylim(0, counts.max() * 1.5)
    ax.legend(loc="upper left")
    return ax


@styled
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
    loss_ax.plot(epochs, history["loss"], marker="o", ms=4)
    loss_ax.set(xlabel="epoch", ylabel="mean cross-entropy (nats)", title="training loss")
    accuracy_ax.plot(epochs, history["train_accuracy"], marker="o", ms=4, label="train")
    if history.get("test_accuracy"):
        accuracy_ax.plot(epochs, history["test_accuracy"], marker="s", ms=4, label="test")
    accuracy_ax.axhline(0.5, color="grey", ls="--", lw=1.5, label="chance")
    accuracy_ax.set(xlabel="epoch", ylabel="accuracy (fraction)", ylim=(0.4, 1.02), title="accuracy")
    accuracy_ax.legend(loc="center right")
    figure.suptitle(title)
    return figure


@styled
def plot_gradient_decay(norms_by_label, ax=None, title="Gradient reaching back k steps"):
    """Gradient norm against the number of steps back, one line per setting, log scale.

    - norms_by_label: dict mapping a legend label to norms of shape (T,), e.g. from
      ``rnn_helpers.bptt.gradient_through_time``

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
        if checked[label].max() == 0:
            raise ValueError(f"norms_by_label[{label!r}] must hold at least one norm above 0 to draw on the log "
                             f"axis (zeros cannot be drawn there), got only zeros: no gradient reaches back at all")
    _check_axes_and_title(ax, title)
    ax = _axes(ax)
    # Colour, line style and marker all differ from line to line: told apart in grey print and by
    # colour-blind readers, even where two colours of the palette are close (blue and sky blue).
    for (label, norms), line_style, marker in zip(checked.items(), itertools.cycle(LINE_STYLES),
                                                   itertools.cycle(MARKERS)):
        ax.semilogy(np.arange(len(norms)), norms, ls=line_style, marker=marker, ms=6,
                    markevery=max(1, len(norms) // 8), label=label)
    ax.set(xlabel="steps back k", ylabel=r"$\|\partial L_T / \partial h_{T-k}\|$", title=title)
    legend_outside(ax)
    return ax
