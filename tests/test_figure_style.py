"""Figures are readable on a projector: the style of rnn_helpers.plots, checked on the figures themselves.

Every helper figure and diagram is drawn and inspected: resolution, the size of every piece of
text, axis labels, the colour cycle, and legends that do not cover data. The last test reads the
PNG images stored in the notebooks, the ones a reader actually sees.
"""

import base64
import io
import json
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display in tests

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from PIL import Image  # noqa: E402

import rnn_helpers as rnn  # noqa: E402
from rnn_helpers import diagrams, plots  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# RNN_NOTEBOOK_DIR checks another folder of notebooks, e.g. a re-executed copy before it is committed.
NOTEBOOK_DIR = Path(os.environ.get("RNN_NOTEBOOK_DIR", ROOT / "notebooks"))
MINIMUM_DPI = 120
MAXIMUM_ASPECT = 2.5  # width / height: wider figures shrink to a strip on a slide or a page


def drawn_texts(figure):
    """Every visible, non-empty text of a figure after drawing it (ticks, labels, legends, notes)."""
    figure.canvas.draw()
    return [text for text in figure.findobj(Text) if text.get_visible() and text.get_text().strip()]


def small_texts(figure):
    return [(text.get_text(), text.get_fontsize()) for text in drawn_texts(figure)
            if text.get_fontsize() < plots.MINIMUM_FONT_SIZE]


def legend_covers_data(ax):
    """True if the axes' legend box touches a plotted line, bar or point (in pixels)."""
    legend = ax.get_legend()
    if legend is None:
        return False
    ax.figure.canvas.draw()
    box = legend.get_window_extent()
    for line in ax.get_lines():
        path = line.get_transform().transform_path(line.get_path())
        if len(path.vertices) and path.intersects_bbox(box, filled=False):
            return True
    for patch in ax.patches:
        if isinstance(patch, Rectangle) and patch.get_height() > 0 and patch.get_window_extent().overlaps(box):
            return True
    for collection in ax.collections:
        if isinstance(collection, LineCollection):  # vlines, hlines
            for path in collection.get_paths():
                if collection.get_transform().transform_path(path).intersects_bbox(box, filled=False):
                    return True
        else:  # scatter points
            points = collection.get_offset_transform().transform(collection.get_offsets())
            if len(points) and box.count_contains(points) > 0:
                return True
    return False


@pytest.fixture(scope="module")
def example_states():
    example = rnn.original_example(seed=0)
    short, _ = rnn.rnn_forward(example["inputs"], example["params"])
    long, _ = rnn.rnn_forward(np.random.RandomState(1).randn(60, 3), example["params"])
    return short, long


def training_history(epochs=25):
    """A history shaped like notebook 07's: loss falls, accuracies rise from about 0.87 to 0.98."""
    steps = np.arange(epochs)
    return {"loss": list(0.5 * np.exp(-steps / 5) + 0.08), "train_accuracy": list(0.98 - 0.11 * np.exp(-steps / 4)),
            "test_accuracy": list(0.975 - 0.11 * np.exp(-steps / 4))}


def helper_figures(example_states):
    """name -> Figure for every helper plot, with data like the notebooks'."""
    short, long = example_states
    rng = np.random.RandomState(0)
    figure, axes = plots.new_figure(1, 2, sharey=True)
    plots.plot_accuracy_histogram(rng.binomial(5, 0.5, 2000) / 5, chance=0.5, ax=axes[0], title="T = 5")
    plots.plot_accuracy_histogram(rng.binomial(100, 0.5, 2000) / 100, chance=0.5, ax=axes[1], title="T = 100")
    decay = {f"rho = {radius}": 0.1 * radius ** np.arange(60.0) for radius in (0.5, 0.9, 1.2, 2.0)}
    return {
        "hidden units": plots.plot_hidden_units(short).figure,
        "heatmap": plots.plot_hidden_heatmap(long).figure,
        "trajectory": plots.plot_trajectory_2d(long).figure,
        "overview, 5 steps": plots.plot_hidden_overview(short, title="5 steps"),
        "overview, 60 steps": plots.plot_hidden_overview(long, title="60 steps"),
        "accuracy histograms": figure,
        "training curves": plots.plot_training_curves(training_history()),
        "gradient decay": plots.plot_gradient_decay(decay).figure,
    }


DIAGRAMS = {
    "RNN cell": (diagrams.rnn_cell_diagram, ["$h_{t-1}$", "$x_t$", "$b_x$", "$a_t$", "tanh", "$h_t$", "$y_t$"]),
    "unrolled": (lambda: diagrams.unrolled_diagram(steps=3), ["$h_0$", "$x_1$", "$x_3$", "$y_2$", "$h_3$"]),
    "unrolled, backward": (lambda: diagrams.unrolled_diagram(steps=3, backward=True),
                           ["$L_1$", "$L_3$", "$h_0$", "$y_3$"]),
    "LSTM cell": (diagrams.lstm_cell_diagram, ["$c_{t-1}$", "$c_t$", "$h_{t-1}$", "$h_t$", "$x_t$", "$i_t$",
                                               "$f_t$", "$g_t$", "$o_t$", "⊙", "+"]),
    "GRU cell": (diagrams.gru_cell_diagram, ["$h_{t-1}$", "$h_t$", "$x_t$", "$r_t$", "$z_t$", "$n_t$", "1−"]),
    "truncated BPTT": (diagrams.truncated_bptt_diagram, ["$h_0$", "$x_1$", "$y_4$", "$L_6$", "$h_3$", "gradient cut"]),
}


def test_every_helper_figure_is_projector_ready(example_states):
    for name, figure in helper_figures(example_states).items():
        assert figure.dpi >= MINIMUM_DPI, f"{name}: {figure.dpi} dpi"
        assert small_texts(figure) == [], f"{name}: text below {plots.MINIMUM_FONT_SIZE} pt"
        width, height = figure.get_size_inches()
        assert width / height <= MAXIMUM_ASPECT, f"{name}: {width} x {height} inches is a strip"
        for ax in figure.axes:
            if ax.get_label() == "<colorbar>":
                continue
            assert ax.get_xlabel() and ax.get_ylabel(), f"{name}: axes '{ax.get_title()}' lack a label"
            assert not legend_covers_data(ax), f"{name}: the legend of '{ax.get_title()}' covers data"
    plt.close("all")


def test_text_added_after_new_figure_is_in_style_too():
    """A legend or title a notebook adds after new_figure (outside the style) still ends up >= 12 pt."""
    figure, ax = plots.new_figure()
    ax.plot([1, 2, 3], [0, 1, 0], label="a line")
    ax.set(xlabel="x (units)", ylabel="y (units)", title="a title")
    ax.legend(fontsize="small")
    ax.annotate("a note", (2, 1), fontsize=8)
    assert small_texts(figure) == []
    assert figure.dpi >= MINIMUM_DPI
    plt.close(figure)


def test_the_checks_catch_an_unstyled_figure():
    """The same figure made with plain plt.subplots fails the checks: they can fail."""
    figure, ax = plt.subplots(dpi=80)
    ax.plot([1, 2, 3], [0.5, 0.5, 0.5], label="a line")
    ax.legend(loc="center", fontsize="small")
    assert small_texts(figure) != []
    assert figure.dpi < MINIMUM_DPI
    assert legend_covers_data(ax)
    plt.close(figure)


def test_the_colour_cycle_is_colour_blind_safe():
    figure, ax = plots.new_figure()
    colours = [ax.plot([0, 1], [0, index])[0].get_color() for index in range(4)]
    assert [matplotlib.colors.to_hex(colour).upper() for colour in colours] == list(plots.COLORS.values())[:4]
    plt.close(figure)


@pytest.mark.parametrize("name", sorted(DIAGRAMS))
def test_diagrams_draw_their_labels_readably(name):
    draw, labels = DIAGRAMS[name]
    figure = draw()
    texts = [text.get_text() for text in drawn_texts(figure)]
    for label in labels:
        assert label in texts, f"{name}: no label {label!r} in {texts}"
    assert figure.dpi >= MINIMUM_DPI
    assert small_texts(figure) == []
    plt.close(figure)


def test_unrolled_diagram_draws_backward_arrows_only_when_asked():
    def dashed_arrows(figure):
        return sum(1 for patch in figure.axes[0].patches if patch.get_linestyle() not in ("-", "solid"))

    forward, backward = diagrams.unrolled_diagram(steps=3), diagrams.unrolled_diagram(steps=3, backward=True)
    assert dashed_arrows(forward) == 0
    assert dashed_arrows(backward) == 2 * 3  # one from each loss, one back out of each cell
    with pytest.raises(ValueError, match="steps must be at least 1, got 0"):
        diagrams.unrolled_diagram(steps=0)
    plt.close("all")


def stored_pngs():
    """(notebook name, cell index, PNG bytes) for every image stored in the notebooks."""
    for path in sorted(NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb")):
        for index, cell in enumerate(json.loads(path.read_text())["cells"]):
            for output in cell.get("outputs", []):
                if "image/png" in output.get("data", {}):
                    yield path.name, index, base64.b64decode(output["data"]["image/png"])


def test_stored_notebook_figures_are_projector_ready():
    """The PNGs readers see: at least 120 dpi (PNG metadata) and not a thin strip.

    Passes once the notebooks are re-executed with the current style (make execute).
    """
    problems = []
    images = list(stored_pngs())
    assert images, "no figures stored in the notebooks"
    for notebook, index, data in images:
        image = Image.open(io.BytesIO(data))
        dpi = image.info.get("dpi", (0, 0))[0]
        width, height = image.size
        if round(dpi) < MINIMUM_DPI:
            problems.append(f"{notebook} cell {index}: {dpi:.0f} dpi")
        if width / height > MAXIMUM_ASPECT:
            problems.append(f"{notebook} cell {index}: {width} x {height} pixels")
    assert problems == [], "figures stored below the projector style (re-run make execute):\n" + "\n".join(problems)


def test_tight_layout_on_a_styled_figure_keeps_constrained_layout_quietly():
    import warnings

    figure, ax = plots.new_figure(1, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure.tight_layout()
        figure.canvas.draw()
    assert type(figure.get_layout_engine()).__name__ == "ConstrainedLayoutEngine"
    plt.close(figure)
