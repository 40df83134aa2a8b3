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
        # Notebooks show this repr under each figure; keep matplotlib's "<Figure size ...>" form.
        return super().__repr__().replace(type(self).__name__, "Figure", 1)

    def tight_layout(self, *args, **kwargs):
        """Does nothing: constrained layout (FIGURE_STYLE) already keeps labels, legends and colour bars
        apart, and switching to tight layout would print a warning under the figure."""

    def draw(self, renderer):
        with matplotlib.rc_context(FIGURE_STYLE):
            for text in self.findobj(Text):
                if text.get_fontsize() < MINIMUM_FONT_SIZE:
                    text.set_fontsize(MINIMUM_FONT_SIZE)
            return super().draw(renderer)
