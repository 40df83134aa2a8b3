"""Notebook 10's slider: the temperature and a prefix in, the next character's distribution and a sample out.

``explorer_view`` is the math, plain NumPy and testable on its own. ``TemperatureExplorer`` wraps it in an
ipywidgets slider and text box and a bqplot bar chart: a change sends V bar heights and a line of text
to the page, which redraws its SVG, as notebook 08's ``GradientExplorer`` does.
"""

from ._checks import check_number, check_positive_int
from .sampling import MAX_SAMPLE_LENGTH, generate, next_character_distribution

TEMPERATURE_LIMITS = (0.1, 2.0, 0.05)  # the slider's range and step
SAMPLE_LENGTH = 80  # characters of the fresh sample: one line


def explorer_view(params, vocabulary, prefix, temperature, cell="rnn", length=SAMPLE_LENGTH, seed=0):
    """What the explorer shows for a prefix and a temperature.

    - params, cell: the trained model ("rnn" or "gru"); vocabulary: its str of V characters
    - prefix: a non-empty str of the vocabulary's characters; temperature: > 0
    - length: characters of the sample; seed: seeds the sample's draws

    Returns a dict with 'probabilities' (V,), the next character's distribution at this temperature, and
    'sample', ``length`` characters sampled after the prefix.
    """
    check_positive_int("length", length, maximum=MAX_SAMPLE_LENGTH)
    return {
        "probabilities": next_character_distribution(params, vocabulary, prefix, temperature, cell),
        "sample": generate(params, vocabulary, prefix, length, temperature, seed, cell),
    }


def _shown(character):
    """A character as a bar label: the space and the newline made visible."""
    return {" ": "␣", "\n": "⏎"}.get(character, character)


class TemperatureExplorer:
    """The widget app: a temperature slider, a prefix text box, the next-character bars and a fresh sample.

    Each change calls ``update``, which recomputes ``explorer_view`` and moves the result into the bars and
    the text; ``view`` holds the last result. Display ``explorer.widget`` (or the explorer itself).
    """

    def __init__(self, params, vocabulary, prefix, temperature=1.0, cell="rnn", length=SAMPLE_LENGTH):
        """- params, vocabulary, cell: the trained model; prefix, temperature: the first values shown
        - length: characters of each fresh sample
        """
        import bqplot
        import ipywidgets as widgets

        low, high, step = TEMPERATURE_LIMITS
        check_number("temperature", temperature, low, high)
        explorer_view(params, vocabulary, prefix, temperature, cell, length)  # checks everything first
        self.params, self.vocabulary, self.cell, self.length = params, vocabulary, cell, length
        self.slider = widgets.FloatSlider(value=temperature, min=low, max=high, step=step, description="τ",
                                          continuous_update=True)
        self.prefix = widgets.Text(value=prefix, description="prefix", continuous_update=True)
        labels = [_shown(character) for character in vocabulary]
        scales = {"x": bqplot.OrdinalScale(domain=labels), "y": bqplot.LinearScale(min=0.0, max=1.0)}
        self.bars = bqplot.Bars(x=labels, y=[0.0] * len(labels), scales=scales, colors=["#0072B2"],
                                interactions={}, tooltip=None)
        axes = [bqplot.Axis(scale=scales["x"], label="next character", tick_style={"font-size": "11px"}),
                bqplot.Axis(scale=scales["y"], side="left", label="probability", tick_format=".1f")]
        self.figure = bqplot.Figure(marks=[self.bars], axes=axes, title="Next character after the prefix",
                                    animation_duration=0, fig_margin={"top": 40, "bottom": 45, "left": 60, "right": 10},
                                    layout=widgets.Layout(width="900px", height="320px"))
        self.figure.add_class("rnn-temperature-plot")  # lets browser tests find the plot
        self.readout = widgets.HTML()
        self.widget = widgets.VBox([widgets.HBox([self.slider, self.prefix]), self.figure, self.readout])
        self.widget.add_class("rnn-temperature-explorer")
        self.slider.observe(lambda change: self.update(), names="value")
        self.prefix.observe(lambda change: self.update(), names="value")
        self.update()

    def update(self):
        """Recompute the view for the slider and the text box; an unusable prefix is reported, not raised."""
        import html

        try:
            view = explorer_view(self.params, self.vocabulary, self.prefix.value, self.slider.value, self.cell,
                                 self.length)
        except ValueError as error:  # e.g. a character the model has never seen: say so in the page
            self.readout.value = f"<code>{html.escape(str(error))}</code>"
            return
        self.bars.y = view["probabilities"].astype("float32")
        self.readout.value = f"<pre>{html.escape(self.prefix.value)}<b>{html.escape(view['sample'])}</b></pre>"
        self.view = view

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
