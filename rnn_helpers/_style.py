"""The collection's figure style, in one place: colours, sizes, and the Figure class that draws in it.

Sized and lettered for a projector (text of at least ``MINIMUM_FONT_SIZE`` points at 120 dpi), with
the Okabe-Ito colours, which stay distinct for colour-blind readers, as the colour cycle.
``rnn_helpers.plots`` makes every figure with it (and exports these names); this module is
matplotlib plumbing, not a function a notebook calls with data.
"""

import matplotlib
from matplotlib.figure import Figure
from matplotlib.text import Text

# Okabe & Ito (2008), "Color universal design": eight colours told apart with every common
# colour-vision deficiency. Yellow is last: it is faint on white.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky blue": "#56B4E9",
    "purple": "#CC79A7",
    "black": "#000000",
    "yellow": "#F0E442",
}

MINIMUM_FONT_SIZE = 12  # points: the smallest text that is still read from the back of a room

FIGURE_STYLE = {
    "figure.figsize": (8.0, 4.5),  # 960 x 540 pixels at 120 dpi: a 16:9 slide's width
    "figure.dpi": 120,
    "savefig.dpi": "figure",
    "figure.constrained_layout.use": True,  # room for outside legends and colour bars, no overlaps
    "font.size": 13,
    "axes.titlesize": "large",
    "axes.labelsize": "medium",
    "xtick.labelsize": "medium",
    "ytick.labelsize": "medium",
    "legend.fontsize": "medium",
    "figure.titlesize": "large",
    "axes.prop_cycle": matplotlib.cycler(color=list(COLORS.values())),
    "lines.linewidth": 2.0,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.loc": "best",
    "legend.framealpha": 0.9,
    "image.cmap": "viridis",
}


class StyledFigure(Figure):
    """A Figure that is drawn in the collection's style.

    ``new_figure`` creates it inside ``FIGURE_STYLE``, but a notebook adds legends, titles and
    notes afterwards, when matplotlib's global settings apply again (a legend made then would be
    10 pt). So drawing happens inside the style too, and any text still below MINIMUM_FONT_SIZE
    is raised to it first: nothing in a figure of the collection is too small for a projector.
    """

    def __repr__(self):
        # The text/plain form stored beside the figure's PNG: the slides and the website use it as the
        # image's alt text, so it says what the figure shows rather than "<Figure size ...>".
        return describe_figure(self)

    def tight_layout(self, *args, **kwargs):
        """Does nothing: constrained layout (FIGURE_STYLE) already keeps labels, legends and colour bars
        apart, and switching to tight layout would print a warning under the figure."""

    def draw(self, renderer):
        with matplotlib.rc_context(FIGURE_STYLE):
            for text in self.findobj(Text):
                if text.get_fontsize() < MINIMUM_FONT_SIZE:
                    text.set_fontsize(MINIMUM_FONT_SIZE)
            return super().draw(renderer)


ALT_PREFIX = "Figure: "  # how every figure's text form starts (tests/nbval_sanitize.cfg relies on it)


def _text(artist):
    return " ".join(artist.get_text().split()) if artist is not None else ""


def _number(value):
    return f"{value:.3g}"


def _describe_axes(ax):
    """One panel in words: its title, axes with their ranges, and what is drawn (with legend labels)."""
    parts = []
    title = _text(ax.title) or " ".join(filter(None, (_text(ax._left_title), _text(ax._right_title))))
    if title:
        parts.append(f"'{title}'")
    for name, label, limits, scale in (("x", ax.get_xlabel(), ax.get_xlim(), ax.get_xscale()),
                                       ("y", ax.get_ylabel(), ax.get_ylim(), ax.get_yscale())):
        if label or ax.axison:
            scale_words = f", {scale} scale" if scale != "linear" else ""
            parts.append(f"{name}: {' '.join(label.split()) or 'unlabelled'} from {_number(min(limits))} "
                         f"to {_number(max(limits))}{scale_words}")
    drawn = []
    lines = [line for line in ax.get_lines() if line.get_visible() and len(line.get_xdata()) > 1]
    if lines:
        drawn.append(f"{len(lines)} line{'s' if len(lines) > 1 else ''}")
    if ax.patches and ax.axison:  # (a diagram's boxes are told by its labels below)
        drawn.append(f"{len(ax.patches)} bars or bands")
    if ax.images:
        image = ax.images[0].get_array()
        drawn.append(f"a colour map of {image.shape[0]} x {image.shape[1]} values" if image is not None
                     and image.ndim == 2 else "an image")
    points = sum(len(collection.get_offsets()) for collection in ax.collections
                 if hasattr(collection, "get_offsets") and not ax.images)
    if points:
        drawn.append(f"{points} points")
    legend = ax.get_legend()
    if legend is not None:
        labels = [_text(text) for text in legend.get_texts() if _text(text)]
        if labels:
            drawn.append("legend: " + ", ".join(labels))
    if drawn:
        parts.append("; ".join(drawn))
    texts = [_text(text) for text in ax.texts if _text(text)]
    if texts and not ax.axison:  # a diagram: its labels are what it shows
        parts.append("labels: " + ", ".join(texts[:24]) + (", ..." if len(texts) > 24 else ""))
    return ", ".join(parts)


def describe_figure(figure):
    """A one-line text alternative for ``figure``, built from its own titles, axis labels, ranges,
    legends and drawn data (no ">" or newline in it, so it can sit in an HTML alt attribute as is)."""
    panels = [ax for ax in figure.get_axes() if ax.get_visible() and ax.get_label() != "<colorbar>"]
    colour_bars = [ax for ax in figure.get_axes() if ax.get_label() == "<colorbar>"]
    title = _text(figure._suptitle)
    words = [f"'{title}'" if title else ""]
    if len(panels) > 1:
        words.append(f"{len(panels)} panels")
    described = [_describe_axes(ax) for ax in panels]
    if len(panels) == 1:
        words.append(described[0])
    else:
        words += [f"panel {number}: {text}" for number, text in enumerate(described, start=1) if text]
    for bar in colour_bars:
        label = " ".join((bar.get_ylabel() or bar.get_xlabel()).split())
        words.append(f"colour bar{' ' + label if label else ''}")
    text = ". ".join(word for word in words if word) or "an empty figure"
    for symbol, words_for_it in ((">", " greater than "), ("<", " less than "), ("$", ""), ("\n", " ")):
        text = text.replace(symbol, words_for_it)
    return ALT_PREFIX + " ".join(text.split())
