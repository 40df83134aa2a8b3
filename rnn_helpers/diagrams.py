"""Diagrams of the cells and of the unrolled network, drawn with matplotlib for the notebooks.

One function per diagram; each returns a matplotlib Figure in the collection's style (colours and
text sizes from ``rnn_helpers.plots``). Inputs are blue, hidden and cell states orange, outputs
green, gates purple and gradients vermillion, in every diagram. Import this module where a
diagram is shown (``from rnn_helpers.diagrams import rnn_cell_diagram``): ``import rnn_helpers``
does not load matplotlib.
"""

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.patheffects import withStroke

from ._checks import check_bool, check_positive_int
from .plots import COLORS, FIGURE_STYLE, StyledFigure

INPUT = COLORS["blue"]
STATE = COLORS["orange"]
OUTPUT = COLORS["green"]
GATE = COLORS["purple"]
GRADIENT = COLORS["vermillion"]
INK = "#333333"
TEXT_SIZE = 15  # points: larger than the figures' 13 pt, a diagram is read from across the room


def _canvas(width, height, title):
    """A figure with one axes in data units of inches (1 unit = 1 inch), no ticks or frame."""
    with matplotlib.rc_context(FIGURE_STYLE):
        figure = plt.figure(FigureClass=StyledFigure, figsize=(width, height), layout="none")
        ax = figure.add_axes((0, 0, 1, 1))
    ax.set(xlim=(0, width), ylim=(0, height), aspect="equal")
    ax.axis("off")
    if title:
        ax.text(width / 2, height - 0.3, title, ha="center", va="top", fontsize=TEXT_SIZE, color=INK)
    return figure, ax


def _box(ax, center, text, color, width=1.2, height=0.7):
    """A rounded box with centred text: an operation that has weights (or a gate)."""
    x, y = center
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.05",
                                facecolor=matplotlib.colors.to_rgba(color, 0.15), edgecolor=color, lw=2, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=TEXT_SIZE, color=INK, zorder=4)


def _node(ax, center, symbol, color=INK, radius=0.28):
    """A circle with a symbol: an element-wise operation without weights (+, ⊙, 1−)."""
    ax.add_patch(Circle(center, radius, facecolor="white", edgecolor=color, lw=2, zorder=3))
    ax.text(*center, symbol, ha="center", va="center", fontsize=TEXT_SIZE + 2, color=INK, zorder=4)


def _text_color(color):
    """The colour darkened by a third: light colours such as orange are faint as text on white."""
    return tuple(0.67 * channel for channel in matplotlib.colors.to_rgb(color))


def _label(ax, xy, text, color=INK, **kwargs):
    """A vector's name next to its wire (white halo, so it stays readable over lines)."""
    options = {"ha": "center", "va": "center", "fontsize": TEXT_SIZE, "color": _text_color(color), "zorder": 5}
    options.update(kwargs)
    ax.text(*xy, text, path_effects=[withStroke(linewidth=4, foreground="white")], **options)


def _wire(ax, points, color=INK, arrow=True, dashed=False):
    """A polyline from points[0] to points[-1], with an arrow head at the end."""
    style = (0, (5, 3)) if dashed else "solid"
    for start, end in zip(points[:-2], points[1:-1], strict=True):
        ax.plot(*zip(start, end, strict=True), color=color, lw=2, ls=style, solid_capstyle="round", zorder=2)
    ax.add_patch(FancyArrowPatch(points[-2], points[-1], arrowstyle="-|>" if arrow else "-", mutation_scale=18,
                                 color=color, lw=2, linestyle=style, shrinkA=0, shrinkB=0, zorder=2))


def rnn_cell_diagram():
    """The vanilla RNN cell: x_t and h_{t-1} -> a_t = W_x x_t + W_h h_{t-1} + b_x -> tanh -> h_t -> y_t.

    Returns the matplotlib Figure.
    """
    figure, ax = _canvas(10.0, 6.0, r"$a_t = W_x x_t + W_h h_{t-1} + b_x \qquad h_t = \tanh(a_t)"
                                    r"\qquad y_t = W_y h_t + b_y$")
    ax.add_patch(FancyBboxPatch((1.6, 0.95), 7.0, 3.85, boxstyle="round,pad=0.1", facecolor="none",
                                edgecolor="grey", lw=1.5, ls="--", zorder=1))
    ax.text(1.75, 4.65, "RNN cell", fontsize=TEXT_SIZE - 2, color="grey", va="top")
    _box(ax, (3.0, 2.4), r"$W_h$", STATE)
    _box(ax, (4.6, 1.5), r"$W_x$", INPUT)
    _node(ax, (4.6, 2.4), "+")
    _box(ax, (6.1, 2.4), "tanh", STATE)
    _box(ax, (7.6, 3.9), r"$W_y,\ b_y$", OUTPUT, width=1.3)
    # inputs
    _wire(ax, [(0.4, 2.4), (2.4, 2.4)], STATE)
    _label(ax, (0.75, 2.75), r"$h_{t-1}$", STATE)
    _wire(ax, [(4.6, 0.2), (4.6, 1.15)], INPUT)
    _label(ax, (4.95, 0.45), r"$x_t$", INPUT)
    _wire(ax, [(3.6, 2.4), (4.32, 2.4)])
    _wire(ax, [(4.6, 1.85), (4.6, 2.12)])
    _wire(ax, [(4.6, 3.5), (4.6, 2.68)])
    _label(ax, (4.6, 3.75), r"$b_x$")
    _wire(ax, [(4.88, 2.4), (5.5, 2.4)])
    _label(ax, (5.2, 2.75), r"$a_t$")
    # the new state leaves to the right (to the next step) and up (to the output)
    _wire(ax, [(6.7, 2.4), (9.6, 2.4)], STATE)
    _label(ax, (9.25, 2.75), r"$h_t$", STATE)
    _wire(ax, [(7.6, 2.4), (7.6, 3.55)], STATE)
    _wire(ax, [(7.6, 4.25), (7.6, 5.3)], OUTPUT)
    _label(ax, (7.95, 5.1), r"$y_t$", OUTPUT)
    return figure


def unrolled_diagram(steps=4, backward=False):
    """The RNN unrolled over ``steps`` time steps: one cell per step with the same weights, h_0 entering
    the first. With ``backward=True`` the gradients of backpropagation through time are drawn too
    (dashed): from each loss L_t down past y_t into its cell, and backwards along the chain of hidden
    states to h_0.

    Returns the matplotlib Figure.
    """
    check_positive_int("steps", steps, maximum=8)  # more cells would not fit a slide
    check_bool("backward", backward)
    spacing = 2.2
    width = 1.6 + spacing * steps
    height = 5.6 if backward else 4.4
    title = ("Backpropagation through time: gradients flow back along the dashed arrows" if backward
             else r"The same cell at every step, with the same $W_x,\ W_h,\ W_y$")
    figure, ax = _canvas(width, height, title)
    cell_y, output_y, loss_y = 1.9, 3.3, 4.4
    _label(ax, (0.45, cell_y + 0.4), r"$h_0$", STATE)
    previous_right = 0.2
    for step in range(1, steps + 1):
        x = 0.2 + spacing * step - 0.6
        _box(ax, (x, cell_y), "cell", STATE, width=1.1, height=0.8)
        _wire(ax, [(previous_right, cell_y), (x - 0.6, cell_y)], STATE)
        if step > 1:
            _label(ax, ((previous_right + x - 0.6) / 2, cell_y + 0.35), rf"$h_{step - 1}$", STATE)
        _wire(ax, [(x, 0.2), (x, cell_y - 0.45)], INPUT)
        _label(ax, (x + 0.35, 0.45), rf"$x_{step}$", INPUT)
        _wire(ax, [(x, cell_y + 0.45), (x, output_y - 0.25)], OUTPUT)
        _label(ax, (x, output_y), rf"$y_{step}$", OUTPUT)
        if backward:
            _label(ax, (x, loss_y), rf"$L_{step}$")
            _wire(ax, [(x, output_y + 0.28), (x, loss_y - 0.28)], INK)
            # dL_t/dy_t runs back past y_t (through W_y) into the cell, where it joins the gradient from step t + 1
            _wire(ax, [(x + 0.35, loss_y - 0.28), (x + 0.35, cell_y + 0.45)], GRADIENT, dashed=True)
            # the gradient leaves this cell backwards, towards the previous state
            _wire(ax, [(x - 0.6, cell_y - 0.3), (previous_right, cell_y - 0.3)], GRADIENT, dashed=True)
        previous_right = x + 0.6
    _wire(ax, [(previous_right, cell_y), (previous_right + 0.6, cell_y)], STATE)
    _label(ax, (previous_right + 0.3, cell_y + 0.35), rf"$h_{steps}$", STATE)
    if backward:
        _label(ax, (width / 2, height - 0.85),
               r"$\partial L / \partial h_t = W_y^\top\, \partial L / \partial y_t + W_h^\top \delta_{t+1}"
               r"\qquad \delta_t = \partial L / \partial h_t \odot (1 - h_t^2)$", GRADIENT)
    return figure


def _state_path(ax, y, names, product_x, sum_x, width=11.0):
    """The state wire along the top of a gated cell: in from the left, through a product (⊙) and
    a sum (+), out on the right; ``names`` labels its two ends."""
    _wire(ax, [(0.3, y), (product_x - 0.28, y)], STATE)
    _label(ax, (0.65, y + 0.35), names[0], STATE)
    _node(ax, (product_x, y), "⊙")
    _wire(ax, [(product_x + 0.28, y), (sum_x - 0.28, y)], STATE)
    _node(ax, (sum_x, y), "+")
    _wire(ax, [(sum_x + 0.28, y), (width - 0.3, y)], STATE)
    _label(ax, (width - 0.65, y + 0.35), names[1], STATE)


def _gate(ax, center, function, name, label_side=1):
    """A gate: a box with its nonlinearity (σ or tanh), its name above one corner (right: label_side=1)."""
    _box(ax, center, function, GATE, width=0.9, height=0.65)
    _label(ax, (center[0] + label_side * 0.62, center[1] + 0.55), name, GATE)


def lstm_cell_diagram():
    """The LSTM cell with PyTorch's gates: input i, forget f, cell candidate g, output o.

    The cell state c runs along the top, changed only by a product with f and a sum with i ⊙ g:
    that additive path is what lets gradients reach far back.

    Returns the matplotlib Figure.
    """
    figure, ax = _canvas(11.0, 6.6, r"$c_t = f_t \odot c_{t-1} + i_t \odot g_t \qquad h_t = o_t \odot \tanh(c_t)$")
    top, bus = 5.0, 0.95
    gate_y = 2.3
    _state_path(ax, top, (r"$c_{t-1}$", r"$c_t$"), product_x=2.5, sum_x=5.1)
    ax.text(7.0, top + 0.45, "cell state: the additive path", fontsize=TEXT_SIZE - 2, color="grey", ha="center")
    # inputs: h_{t-1} and x_t share one bus that feeds every gate
    _wire(ax, [(0.3, bus), (7.4, bus)], STATE, arrow=False)
    _label(ax, (0.65, bus + 0.35), r"$h_{t-1}$", STATE)
    _wire(ax, [(1.3, 0.1), (1.3, bus)], INPUT, arrow=False)
    _label(ax, (1.0, 0.3), r"$x_t$", INPUT)
    for x, function, name in ((2.5, "σ", r"$f_t$"), (4.3, "σ", r"$i_t$"), (5.9, "tanh", r"$g_t$"),
                              (7.4, "σ", r"$o_t$")):
        _wire(ax, [(x, bus), (x, gate_y - 0.33)])
        _gate(ax, (x, gate_y), function, name)
    # forget: f multiplies the old cell state
    _wire(ax, [(2.5, gate_y + 0.33), (2.5, top - 0.28)], GATE)
    # input: i ⊙ g is added to it
    _node(ax, (5.1, 3.7), "⊙")
    _wire(ax, [(4.3, gate_y + 0.33), (4.3, 3.7), (4.82, 3.7)], GATE)
    _wire(ax, [(5.9, gate_y + 0.33), (5.9, 3.7), (5.38, 3.7)], GATE)
    _wire(ax, [(5.1, 3.98), (5.1, top - 0.28)], GATE)
    # output: h_t = o ⊙ tanh(c_t)
    _box(ax, (8.9, 3.75), "tanh", STATE, width=0.9, height=0.6)
    _wire(ax, [(8.9, top), (8.9, 4.05)], STATE)
    _node(ax, (8.9, gate_y), "⊙")
    _wire(ax, [(8.9, 3.45), (8.9, gate_y + 0.28)], STATE)
    _wire(ax, [(7.85, gate_y), (8.62, gate_y)], GATE)
    _wire(ax, [(8.9, gate_y - 0.28), (8.9, bus - 0.35), (10.7, bus - 0.35)], STATE)
    _label(ax, (10.35, bus), r"$h_t$", STATE)
    _label(ax, (0.3, 3.5), "each gate: " + r"$\sigma$ or tanh" + "\n" + "of its block of" + "\n"
           + r"$W_x x_t + W_h h_{t-1} + b_x$", GATE, fontsize=TEXT_SIZE - 2, ha="left")
    return figure


def gru_cell_diagram():
    """The GRU cell with PyTorch's gates: reset r, update z, candidate n.

    n_t = tanh(W_xn x_t + b_xn + r_t ⊙ (W_hn h_{t-1} + b_hn)),  h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}.

    Returns the matplotlib Figure.
    """
    figure, ax = _canvas(11.0, 6.6, r"$n_t = \tanh(W_{xn} x_t + b_{xn} + r_t \odot (W_{hn} h_{t-1} + b_{hn}))"
                                    r"\quad h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}$")
    top, bus = 5.0, 0.95
    gate_y = 1.9
    # the state path along the top: kept in proportion z, replaced in proportion 1 - z
    _state_path(ax, top, (r"$h_{t-1}$", r"$h_t$"), product_x=8.0, sum_x=9.5)
    # h_{t-1} and x_t on one bus that feeds the gates and the candidate
    _wire(ax, [(1.0, top), (1.0, bus), (6.2, bus)], STATE, arrow=False)
    _wire(ax, [(1.6, 0.1), (1.6, bus)], INPUT, arrow=False)
    _label(ax, (1.95, 0.3), r"$x_t$", INPUT)
    _wire(ax, [(2.4, bus), (2.4, gate_y - 0.33)])
    _gate(ax, (2.4, gate_y), "σ", r"$r_t$")
    _wire(ax, [(6.2, bus), (6.2, gate_y - 0.33)])
    _gate(ax, (6.2, gate_y), "σ", r"$z_t$", label_side=-1)
    # candidate: the reset gate scales the recurrent term only
    _box(ax, (3.9, 4.05), r"$W_{hn},\ b_{hn}$", STATE, width=1.5, height=0.6)
    _wire(ax, [(3.9, top), (3.9, 4.35)], STATE)
    _node(ax, (3.9, 3.0), "⊙")
    _wire(ax, [(3.9, 3.75), (3.9, 3.28)], STATE)
    _wire(ax, [(2.4, gate_y + 0.33), (2.4, 3.0), (3.62, 3.0)], GATE)
    _box(ax, (5.2, 3.0), "tanh", STATE, width=0.9, height=0.6)
    _wire(ax, [(4.18, 3.0), (4.75, 3.0)])
    _wire(ax, [(4.5, bus), (4.5, 2.2), (5.2, 2.2), (5.2, 2.7)], INPUT)
    _label(ax, (3.7, 1.5), r"$W_{xn} x_t + b_{xn}$", INPUT, fontsize=TEXT_SIZE - 2)
    _label(ax, (5.2, 3.55), r"$n_t$", STATE)
    # (1 - z) ⊙ n joins the kept part z ⊙ h_{t-1}
    _node(ax, (9.5, 3.0), "⊙")
    _wire(ax, [(5.65, 3.0), (7.85, 3.0)], STATE, arrow=False)  # broken where the z wire passes over it
    _wire(ax, [(8.15, 3.0), (9.22, 3.0)], STATE)
    _wire(ax, [(9.5, 3.28), (9.5, top - 0.28)], STATE)
    _wire(ax, [(6.2, gate_y + 0.33), (6.2, 2.55), (8.0, 2.55), (8.0, top - 0.28)], GATE)
    _node(ax, (9.5, 1.7), "1−", GATE)
    _wire(ax, [(8.0, 2.55), (8.0, 1.7), (9.22, 1.7)], GATE)
    _wire(ax, [(9.5, 1.98), (9.5, 2.72)], GATE)
    return figure


def truncated_bptt_diagram(chunk_length=3, chunks=2):
    """Truncated backpropagation through time over ``chunks`` chunks of ``chunk_length`` steps (notebook 10).

    The hidden state's value crosses each chunk boundary (solid arrow: the next chunk starts from it), while
    the gradients (dashed) flow back within their own chunk only and stop at the boundary, where the
    diagram marks the cut. Returns the matplotlib Figure.
    """
    for name, value, largest in (("chunk_length", chunk_length, 4), ("chunks", chunks, 3)):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= largest:
            raise ValueError(f"{name} must be an integer from 1 to {largest}, got {value!r}")
    spacing = 1.9
    steps = chunk_length * chunks
    width = 1.2 + spacing * steps + 0.6 * (chunks - 1)
    figure, ax = _canvas(width, 5.8, "Truncated BPTT: the state crosses a chunk boundary, its gradient does not")
    cell_y, output_y, loss_y = 1.8, 3.1, 4.1
    _label(ax, (0.35, cell_y + 0.4), r"$h_0$", STATE)
    previous_right = 0.15
    for step in range(1, steps + 1):
        chunk = (step - 1) // chunk_length
        x = 0.25 + spacing * step - 0.75 + 0.6 * chunk
        _box(ax, (x, cell_y), "cell", STATE, width=1.0, height=0.8)
        _wire(ax, [(previous_right, cell_y), (x - 0.55, cell_y)], STATE)
        _wire(ax, [(x, 0.25), (x, cell_y - 0.45)], INPUT)
        _label(ax, (x + 0.35, 0.45), rf"$x_{step}$", INPUT)
        _wire(ax, [(x, cell_y + 0.45), (x, output_y - 0.25)], OUTPUT)
        _label(ax, (x, output_y), rf"$y_{step}$", OUTPUT)
        _label(ax, (x, loss_y), rf"$L_{step}$")
        _wire(ax, [(x + 0.15, loss_y - 0.28), (x + 0.15, output_y + 0.28)], GRADIENT, dashed=True)
        if (step - 1) % chunk_length:  # the gradient goes back to the previous step of the same chunk
            _wire(ax, [(x - 0.55, cell_y - 0.3), (previous_right + 0.05, cell_y - 0.3)], GRADIENT, dashed=True)
        elif chunk:  # the first step of a later chunk: the cut
            cut_x = x - 0.55 - 0.5
            ax.plot([cut_x, cut_x], [0.9, 4.5], color="grey", lw=2, ls=(0, (2, 2)), zorder=1)
            _label(ax, (cut_x, 4.75), "gradient cut", "grey", fontsize=TEXT_SIZE - 2)
            _label(ax, (cut_x, cell_y + 0.4), rf"$h_{step - 1}$", STATE)
        previous_right = x + 0.5
    _wire(ax, [(previous_right, cell_y), (previous_right + 0.5, cell_y)], STATE)
    return figure
