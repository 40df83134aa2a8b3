"""An interactive explorer: sliders that drive a small RNN, with live plots of its hidden state.

The math (``ExplorerConfig``, ``input_signal``, ``simulate``) is plain NumPy and testable on its
own. ``build_explorer`` wraps it in ipywidgets controls and bqplot figures. bqplot draws in the
browser from the data the kernel sends, so moving a slider sends a few arrays and the page redraws
its SVG: no image is rendered in the kernel, which keeps the response to a key press well under
100 ms even at the largest settings (matplotlib's inline images take several times longer).
"""

import numbers
from dataclasses import dataclass, replace

import numpy as np

from ._checks import as_float_array, as_label_array, check_choice, check_number, check_positive_int, describe_value
from .core import init_params, make_rng, predict, project_2d, rnn_forward_batch, spectral_radius

SIGNALS = ("random", "sine", "step", "impulse")
SATURATION = 0.95  # |h| above this sits on tanh's flat part
# Marks without hover tooltips: otherwise the page hit-tests every mark on every frame.
QUIET = {"interactions": {}, "tooltip": None}
PLOT_HEIGHT = "290px"  # with the controls above, the explorer fits a 1280 x 720 screen at 125% zoom
LEGEND_ROOM = 0.45  # share of the outputs plot's height kept free of data, at the top, for its legend


@dataclass(frozen=True)
class ExplorerConfig:
    """Everything the explorer's controls set. The defaults are the explorer's opening state."""

    spectral_radius: float = 0.9  # of Wh: above 1 the memory can amplify, below 1 it fades
    input_scale: float = 1.0  # multiplies Wx
    bias: float = 0.0  # added to every unit's pre-activation (bx = bias for every unit)
    amplitude: float = 1.0  # of the input signal
    sequence_length: int = 40
    hidden_size: int = 8
    seed: int = 0  # draws the weights (and the random signal)
    signal: str = "sine"  # one of SIGNALS

    def __post_init__(self):
        """Check every setting against the controls' LIMITS: every config that exists can be shown."""
        for name, (low, high, step) in LIMITS.items():
            value = getattr(self, name)
            kind, expected = ((int, np.integer), "an integer") if isinstance(step, int) else (numbers.Real, "a number")
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, kind):
                raise TypeError(f"{name} must be {expected}, got {describe_value(value)}")
            if not low <= value <= high:  # False for NaN too
                raise ValueError(f"{name} must be between {low} and {high}, got {value}")
        check_choice("signal", self.signal, SIGNALS)


# name -> (minimum, maximum, step) of each numeric control; the maxima are the heaviest setting.
LIMITS = {
    "spectral_radius": (0.0, 3.0, 0.05),
    "input_scale": (0.0, 3.0, 0.1),
    "bias": (-2.0, 2.0, 0.1),
    "amplitude": (0.0, 3.0, 0.1),
    "sequence_length": (5, 100, 5),
    "hidden_size": (1, 32, 1),
    "seed": (0, 20, 1),
}


def input_signal(signal, sequence_length, amplitude, seed=0):
    """The scalar input sequence x_t, shape (T,).

    - signal: "random": standard normal noise; "sine": a sine with period 20 steps;
      "step": 0 for the first quarter, then 1; "impulse": 1 at the first step, then 0.
    - amplitude: a number that multiplies the signal
    """
    check_choice("signal", signal, SIGNALS)
    check_positive_int("sequence_length", sequence_length)
    check_number("amplitude", amplitude)
    rng = make_rng(seed)
    steps = np.arange(sequence_length)
    if signal == "random":
        values = rng.randn(sequence_length)
    elif signal == "sine":
        values = np.sin(2 * np.pi * steps / 20)
    elif signal == "step":
        values = (steps >= sequence_length // 4).astype(float)
    else:
        values = (steps == 0).astype(float)
    return amplitude * values


def explorer_params(config):
    """The RNN weights for a config: input size 1, 2 outputs, Wh rescaled to the spectral radius.

    Returns a dict like ``init_params``'s, with 'Wx' (H, 1), 'Wh' (H, H), 'Wy' (2, H), 'bx' (H,), 'by' (2,).
    """
    _check_config(config)
    params = init_params(1, config.hidden_size, 2, seed=config.seed)
    natural_radius = spectral_radius(params["Wh"])
    params["Wh"] *= config.spectral_radius / natural_radius
    params["Wx"] *= config.input_scale
    params["bx"] = np.full(config.hidden_size, float(config.bias))
    return params


def simulate(config):
    """Run the explorer's RNN for one config. Returns a dict with

    - 'inputs' (T,), 'hidden_states' (T, H), 'outputs' (T, 2), 'predictions' (T,) int;
    - 'trajectory' (T, 2): the hidden states on their two principal components;
    - 'spectral_radius': of the Wh actually used; 'saturated_units': how many units have
      |h| > 0.95 at the last step; 'saturated_fraction': share of all activations with |h| > 0.95.
    """
    _check_config(config)
    params = explorer_params(config)
    inputs = input_signal(config.signal, config.sequence_length, config.amplitude, seed=config.seed)
    hidden_states, outputs = rnn_forward_batch(inputs[None, :, None], params)
    hidden_states, outputs = hidden_states[0], outputs[0]
    saturated = np.abs(hidden_states) > SATURATION
    return {
        "inputs": inputs,
        "hidden_states": hidden_states,
        "outputs": outputs,
        "predictions": predict(outputs),
        "trajectory": project_2d(hidden_states)[0],
        "spectral_radius": spectral_radius(params["Wh"]),
        "saturated_units": int(saturated[-1].sum()),
        "saturated_fraction": float(saturated.mean()),
    }


NICE_STEPS = (1, 1.5, 2, 3, 4, 5, 6, 8, 10)


def nice_bound(value):
    """The smallest round number (NICE_STEPS x 10^k, k an integer) at least ``value``; 1 for zero.

    - value: a number from 0 to 1e300 (far above anything the explorer plots; 10 x 1e307 would overflow)
    """
    check_number("value", value, 0, 1e300)
    if value == 0:
        return 1.0
    exponent = int(np.floor(np.log10(value)))
    # Each candidate read from its decimal text, e.g. float("1.5e-320"): the nearest float64 to the round
    # number, even where 10.0 ** exponent (a subnormal below 1e-308) is not. The last step, 10, always holds.
    candidates = [float(f"{step:g}e{exponent}") for step in NICE_STEPS]
    return next(candidate for candidate in candidates if candidate >= value)


def describe(result):
    """One line of text with the readout the explorer shows under its controls.

    - result: the dict from ``simulate``
    """
    if not isinstance(result, dict):
        raise TypeError(f"result must be the dict from simulate(), got {describe_value(result)}")
    missing = [key for key in ("hidden_states", "predictions", "spectral_radius", "saturated_units",
                               "saturated_fraction") if key not in result]
    if missing:
        raise ValueError(f"result must be the dict from simulate(), got one without the keys {missing}")
    hidden_size = as_float_array("result['hidden_states']", result["hidden_states"], 2).shape[1]
    as_label_array("result['predictions']", result["predictions"], 1)
    check_number("result['spectral_radius']", result["spectral_radius"], 0)
    check_number("result['saturated_units']", result["saturated_units"], 0, hidden_size)
    check_number("result['saturated_fraction']", result["saturated_fraction"], 0, 1)
    return (
        f"spectral radius ρ(Wh) = {result['spectral_radius']:.2f} · saturated units (|h| > 0.95 at the last "
        f"step): {result['saturated_units']} of {hidden_size} · {result['saturated_fraction']:.0%} of all "
        f"activations saturated · predicted class 1 at {int(result['predictions'].sum())} of "
        f"{len(result['predictions'])} steps"
    )


class Explorer:
    """The widget app: ``controls`` (name -> widget), three bqplot figures and a text readout.

    Every control calls ``update``, which reruns ``simulate`` and moves the new arrays into the
    existing marks, so the figures change in place. ``result`` holds the last simulation.
    Display ``explorer.widget`` (or the Explorer itself) in a notebook.
    """

    def __init__(self, config=None):
        config = ExplorerConfig() if config is None else config
        _check_config(config)
        import bqplot
        import ipywidgets as widgets

        labels = {
            "spectral_radius": "ρ(Wh)", "input_scale": "Wx scale", "bias": "bias", "amplitude": "input amp.",
            "sequence_length": "length T", "hidden_size": "hidden H", "seed": "seed",
        }
        self.controls = {}
        for name, (low, high, step) in LIMITS.items():
            slider = widgets.IntSlider if isinstance(step, int) else widgets.FloatSlider
            self.controls[name] = slider(value=getattr(config, name), min=low, max=high, step=step,
                                         description=labels[name], continuous_update=True)
            self.controls[name].style.description_width = "72px"
            self.controls[name].layout = widgets.Layout(width="auto", min_width="0")
        self.controls["signal"] = widgets.ToggleButtons(options=SIGNALS, value=config.signal, description="input")
        self.controls["signal"].style.button_width = "auto"  # whole words: "random", "impulse"
        self.controls["signal"].style.description_width = "72px"

        def figure(title, marks, x_label, y_label, y_range=None):
            axes = [bqplot.Axis(scale=marks[0].scales["x"], label=x_label),
                    bqplot.Axis(scale=marks[0].scales["y"], side="left", label=y_label)]
            return bqplot.Figure(marks=marks, axes=axes, title=title, animation_duration=0,
                                 fig_margin={"top": 36, "bottom": 40, "left": 46, "right": 8},
                                 legend_location="top-left", legend_style={"fill": "white", "opacity": 0.9},
                                 layout=widgets.Layout(flex="1 1 0", width="auto", min_width="0", height=PLOT_HEIGHT))

        # Every mark is one SVG path (or one dot), whatever the sequence length: the browser's work per
        # update stays small. Scales with a fixed range do not make the axes redraw.
        self.time_scale = bqplot.LinearScale()
        self.unit_lines = bqplot.Lines(
            scales={"x": self.time_scale, "y": bqplot.LinearScale(min=-1.05, max=1.05)}, stroke_width=1.5,
            **QUIET)
        trajectory_scales = {"x": bqplot.LinearScale(), "y": bqplot.LinearScale()}
        self.trajectory_scales = list(trajectory_scales.values())
        self.trajectory_line = bqplot.Lines(scales=trajectory_scales, colors=["gray"], **QUIET)
        # The start is named beside its dot, not in a legend box that would sit on the path.
        self.trajectory_start = bqplot.Scatter(scales=trajectory_scales, colors=["crimson"], default_size=40,
                                               names=["start"], display_names=True, **QUIET)
        self.output_scale = bqplot.LinearScale()
        output_scales = {"x": self.time_scale, "y": self.output_scale}
        self.output_lines = bqplot.Lines(scales=output_scales, colors=["steelblue", "darkorange"],
                                         labels=["y[0]", "y[1]"], display_legend=True, **QUIET)
        self.input_line = bqplot.Lines(scales=output_scales, colors=["black"], line_style="dashed",
                                       labels=["input x"], display_legend=True, **QUIET)
        class_scale = bqplot.LinearScale(min=-0.2, max=4.0)  # the class step line sits in the lower part
        self.prediction_line = bqplot.Lines(scales={"x": self.time_scale, "y": class_scale}, colors=["crimson"],
                                            interpolation="step-after", labels=["predicted class"],
                                            display_legend=True, **QUIET)
        self.figures = {
            "hidden_units": figure("hidden units over time", [self.unit_lines], "time step t", "h"),
            "trajectory": figure("trajectory (PCA)", [self.trajectory_line, self.trajectory_start], "PC 1", "PC 2"),
            "outputs": figure("outputs and predictions",
                              [self.output_lines, self.input_line, self.prediction_line], "time step t", "y"),
        }
        for name, figure_widget in self.figures.items():
            figure_widget.add_class(f"rnn-{name.replace('_', '-')}")  # lets browser tests find each plot
        self.readout = widgets.HTML(layout=widgets.Layout(margin="0 0 0 8px"))
        sliders = list(self.controls.values())[:-1]
        # Compact for a 1280 x 720 screen: the sliders in a 4-column grid, the three plots side by side
        # in one row that never wraps, all of it about 460 px high.
        self.widget = widgets.VBox([
            widgets.GridBox(sliders, layout=widgets.Layout(grid_template_columns="repeat(4, minmax(0, 1fr))",
                                                           grid_gap="0 12px")),
            self.controls["signal"],
            self.readout,
            widgets.HBox(list(self.figures.values()), layout=widgets.Layout(flex_flow="row nowrap", width="100%")),
        ])
        self.widget.add_class("rnn-explorer")
        for control in self.controls.values():
            control.observe(lambda change: self.update(), names="value")
        self.result = None
        self.update()

    def config(self):
        """The ExplorerConfig the controls currently show."""
        return replace(ExplorerConfig(), **{name: control.value for name, control in self.controls.items()})

    def update(self):
        """Simulate the current config and move the results into the figures."""
        result = simulate(self.config())
        steps = np.arange(1, len(result["inputs"]) + 1, dtype=np.float32)
        trajectory = result["trajectory"].astype(np.float32)  # float32 halves what is sent to the page
        # Fixed, rounded axis ranges: the axes redraw only when the data outgrow them, not on every move.
        self.time_scale.min, self.time_scale.max = 1.0, float(len(steps))
        trajectory_bound = nice_bound(np.abs(trajectory).max())
        for scale in self.trajectory_scales:
            scale.min, scale.max = -trajectory_bound, trajectory_bound
        output_bound = nice_bound(max(np.abs(result["outputs"]).max(), np.abs(result["inputs"]).max()))
        # The data fill the lower part of the plot, the legend (top left) the empty band above them.
        self.output_scale.min = -output_bound
        self.output_scale.max = -output_bound + 2 * output_bound / (1 - LEGEND_ROOM)
        # hold_sync sends each mark's new arrays to the page together, so it redraws once.
        with self.unit_lines.hold_sync():
            self.unit_lines.x = steps
            self.unit_lines.y = result["hidden_states"].T.astype(np.float32)
        with self.trajectory_line.hold_sync():
            self.trajectory_line.x, self.trajectory_line.y = trajectory[:, 0], trajectory[:, 1]
        with self.trajectory_start.hold_sync():
            self.trajectory_start.x, self.trajectory_start.y = trajectory[:1, 0], trajectory[:1, 1]
        with self.output_lines.hold_sync():
            self.output_lines.x = steps
            self.output_lines.y = result["outputs"].T.astype(np.float32)
        with self.input_line.hold_sync():
            self.input_line.x, self.input_line.y = steps, result["inputs"].astype(np.float32)
        with self.prediction_line.hold_sync():
            self.prediction_line.x, self.prediction_line.y = steps, result["predictions"].astype(np.float32)
        self.readout.value = f"<code>{describe(result)}</code>"
        self.result = result

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def build_explorer(config=None):
    """Build the explorer app for ``config`` (an ExplorerConfig; defaults if None)."""
    return Explorer(config)


def _check_config(config):
    """Raise TypeError unless ``config`` is an ExplorerConfig (which checked its settings when it was made)."""
    if not isinstance(config, ExplorerConfig):
        raise TypeError(f"config must be an ExplorerConfig, got {describe_value(config)}")
