"""Notebook 08's slider: how far back the gradient reaches, for a spectral radius of your choice.

The math (``scaled_rnn``, ``probe_batch``, ``gradient_profile``, ``describe_profile``) is plain
NumPy and testable on its own. ``GradientExplorer`` wraps it in an ipywidgets slider and a bqplot
figure: a slider move sends three short arrays to the page, which redraws its SVG lines, so the plot
follows a key press within a frame or two (an ``interact`` + matplotlib version renders a new PNG
image in the kernel for every move, several times slower).
"""

import numpy as np

from ._checks import as_float_array, check_entries, check_keys, check_number, check_positive_int, describe_value
from .bptt import gradient_through_time
from .core import init_params, make_rng, rnn_forward_batch, spectral_radius

# The slider's range and step for the spectral radius of Wh.
RADIUS_LIMITS = (0.2, 3.0, 0.05)
# The gradient plot's fixed vertical range: fixed, so a slider move redraws only the lines, not the axes.
NORM_RANGE = (1e-20, 1e8)
# Growth per step is measured from this many steps back to the first step, past the first steps'
# transient where the gradient still lines up with Wh's leading directions.
SETTLED_AFTER = 20
MIN_STEPS = SETTLED_AFTER + 2  # at least one step past SETTLED_AFTER to measure the growth over
PROFILE_KEYS = ("norms", "spectral_radius", "largest_singular_value", "radius_curve", "singular_value_curve",
                "mean_tanh_slope", "rms_tanh_slope", "growth_per_step")


def scaled_rnn(radius, hidden_size=32, seed=0):
    """The RNN whose gradients notebook 08 studies: 1 input, ``hidden_size`` units, 2 outputs.

    Weights from ``init_params(1, hidden_size, 2, seed)``, then Wh rescaled to spectral radius
    ``radius``, Wx halved (small inputs leave the recurrence in charge of the state) and bx = 0.

    Returns a dict like ``init_params``'s: 'Wx' (H, 1), 'Wh' (H, H), 'Wy' (2, H), 'bx' (H,), 'by' (2,).
    """
    check_number("radius", radius, 0, 100, low_open=True)
    params = init_params(1, hidden_size, 2, seed=seed)
    params["Wh"] *= radius / spectral_radius(params["Wh"])
    params["Wx"] *= 0.5
    params["bx"][:] = 0.0
    return params


def probe_batch(num_sequences=32, sequence_length=60, seed=0):
    """Random inputs and labels to measure gradients on: the forward pass needs inputs, the loss labels.

    Returns (inputs, labels): inputs (N, T, 1) standard normal, labels (N, T) random classes 0 or 1.
    """
    check_positive_int("num_sequences", num_sequences)
    check_positive_int("sequence_length", sequence_length)
    if sequence_length < MIN_STEPS:
        raise ValueError(f"sequence_length must be at least {MIN_STEPS} to measure the growth per step, "
                         f"got {sequence_length}")
    check_entries("num_sequences * sequence_length", num_sequences * sequence_length)
    rng = make_rng(seed)
    inputs = rng.randn(num_sequences, sequence_length, 1)
    labels = rng.randint(0, 2, size=(num_sequences, sequence_length))
    return inputs, labels


def relative_norms(norms, name="norms"):
    """The gradient norms k steps back relative to the last step's: ``norms / norms[0]``.

    - norms: shape (T,), from ``gradient_through_time`` (norms[k] = ||dL_T / dh_{T-k}||)
    - name: what the error messages call ``norms``

    Raises ValueError for negative or non-finite norms, and when norms[0] is 0: then nothing reaches
    back (Wy = 0, or every unit saturated at the last step), and no ratio says how much of it does.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {describe_value(name)}")
    norms = as_float_array(name, norms, 1)
    if np.any(norms < 0):
        raise ValueError(f"{name} must be norms, 0 or more, got a smallest value of {norms.min():.3g}")
    if norms[0] == 0:
        raise ValueError(f"{name} must start with a nonzero gradient at the last step, to follow it back, got 0 "
                         f"there (Wy = 0, or every unit saturated at the last step?)")
    return norms / norms[0]


def gradient_profile(params, inputs, labels):
    """Everything the slider shows about one network: the gradient reaching back, and what bounds it.

    Inputs:
    - params: dict from ``init_params`` (or ``scaled_rnn``)
    - inputs: shape (N, T, D); labels: shape (N, T), see ``probe_batch``

    Returns a dict with
    - 'norms' (T,): mean ||dL_T / dh_{T-k}|| for k = 0 .. T-1 (``gradient_through_time``);
    - 'spectral_radius' rho(Wh) and 'largest_singular_value' ||Wh||_2;
    - 'radius_curve' and 'singular_value_curve' (T,): norms[0] * rho^k and norms[0] * ||Wh||_2^k,
      the linear network's growth and the bound that holds with tanh;
    - 'mean_tanh_slope' and 'rms_tanh_slope': mean and root mean square of 1 - h_t^2 over every
      step, unit and sequence of the forward pass;
    - 'growth_per_step': the geometric mean factor by which the norm changes per step from
      SETTLED_AFTER steps back to the first step (below 1: shrinking, above 1: growing; 0 when
      the gradient has vanished exactly by then, every unit saturated with 1 - h^2 = 0).

    Raises ValueError when the gradient at the last step is zero (see ``relative_norms``).
    """
    inputs = as_float_array("inputs", inputs, 3)
    if inputs.shape[1] < MIN_STEPS:
        raise ValueError(f"inputs must have at least {MIN_STEPS} steps to measure the growth per step, "
                         f"got shape {inputs.shape}")
    norms = gradient_through_time(inputs, labels, params)  # checks labels and params before any work
    relative = relative_norms(norms, "the gradient norms of params on inputs")
    hidden_states, _ = rnn_forward_batch(inputs, params)
    slopes = 1.0 - hidden_states**2
    steps_back = np.arange(len(norms))
    radius = spectral_radius(params["Wh"])
    singular_value = float(np.linalg.norm(params["Wh"], 2))
    with np.errstate(over="ignore"):  # a bound of 1e300 and beyond is still a bound; inf is drawn off the plot
        radius_curve = norms[0] * radius**steps_back
        singular_value_curve = norms[0] * singular_value**steps_back
    settled = len(norms) - 1 - SETTLED_AFTER
    return {
        "norms": norms,
        "spectral_radius": radius,
        "largest_singular_value": singular_value,
        "radius_curve": radius_curve,
        "singular_value_curve": singular_value_curve,
        "mean_tanh_slope": float(slopes.mean()),
        "rms_tanh_slope": float(np.sqrt(np.mean(slopes**2))),
        "growth_per_step": 0.0 if relative[SETTLED_AFTER] == 0
        else float((relative[-1] / relative[SETTLED_AFTER]) ** (1.0 / settled)),
    }


def describe_profile(profile):
    """One line with the numbers the slider shows under its plot.

    - profile: dict from ``gradient_profile``
    """
    check_keys("profile", profile, PROFILE_KEYS)
    relative = relative_norms(profile["norms"], "profile['norms']")
    for key in ("spectral_radius", "largest_singular_value", "mean_tanh_slope", "growth_per_step"):
        check_number(f"profile[{key!r}]", profile[key], 0)
    growth = profile["growth_per_step"]
    return (
        f"ρ(Wh) = {profile['spectral_radius']:.2f} · ‖Wh‖₂ = {profile['largest_singular_value']:.2f} · "
        f"mean tanh slope {profile['mean_tanh_slope']:.2f} · gradient {len(relative) - 1} steps back / at the last "
        f"step = {relative[-1]:.1e} · per step ×{growth:.2f} ({'growing' if growth > 1 else 'shrinking'})"
    )


class GradientExplorer:
    """The widget app: a spectral-radius slider, the gradient-norm plot and a text readout.

    The slider calls ``update``, which recomputes ``gradient_profile`` for ``scaled_rnn(radius)`` on
    the probe batch and moves the new arrays into the existing lines. ``profile`` holds the last
    result. Display ``explorer.widget`` (or the GradientExplorer itself) in a notebook.
    """

    def __init__(self, radius=1.0, inputs=None, labels=None):
        """- radius: the slider's first value, within RADIUS_LIMITS
        - inputs (N, T, 1), labels (N, T): the sequences to measure on; ``probe_batch()`` if both are None
        """
        import bqplot
        import ipywidgets as widgets

        low, high, step = RADIUS_LIMITS
        check_number("radius", radius, low, high)
        if inputs is None and labels is None:
            inputs, labels = probe_batch()
        gradient_profile(scaled_rnn(radius), inputs, labels)  # checks inputs and labels before any widget exists
        self.inputs, self.labels = as_float_array("inputs", inputs, 3), np.asarray(labels)
        inputs = self.inputs  # a nested list arrives as one: from here on an array
        self.slider = widgets.FloatSlider(value=radius, min=low, max=high, step=step, description="ρ(Wh)",
                                          continuous_update=True)
        steps_back = np.arange(inputs.shape[1], dtype=np.float32)
        scales = {"x": bqplot.LinearScale(min=0.0, max=float(steps_back[-1])),
                  "y": bqplot.LogScale(min=NORM_RANGE[0], max=NORM_RANGE[1])}
        # No hover tooltips: otherwise the page hit-tests the lines on every frame.
        quiet = {"interactions": {}, "tooltip": None}
        # One Lines mark, three curves: one message to the page per slider move.
        self.lines = bqplot.Lines(x=steps_back, scales=scales, colors=["crimson", "steelblue", "gray"],
                                  stroke_width=2, display_legend=True,
                                  labels=["measured", "ρ(Wh)^k (linear RNN)", "‖Wh‖₂^k (bound)"], **quiet)
        axes = [bqplot.Axis(scale=scales["x"], label="steps back k"),
                bqplot.Axis(scale=scales["y"], side="left", label="gradient norm",
                            tick_format=".0e")]
        self.figure = bqplot.Figure(marks=[self.lines], axes=axes, title="Gradient reaching back k steps",
                                    animation_duration=0, legend_location="top-left",
                                    fig_margin={"top": 40, "bottom": 45, "left": 70, "right": 10},
                                    layout=widgets.Layout(width="720px", height="340px"))
        self.figure.add_class("rnn-gradient-plot")  # lets browser tests find the plot
        self.readout = widgets.HTML()
        self.widget = widgets.VBox([self.slider, self.readout, self.figure])
        self.widget.add_class("rnn-gradient-explorer")
        self.slider.observe(lambda change: self.update(), names="value")
        self.update()

    def update(self):
        """Compute the profile for the slider's radius and move it into the plot and the readout."""
        profile = gradient_profile(scaled_rnn(self.slider.value), self.inputs, self.labels)
        curves = np.vstack([profile["norms"], profile["radius_curve"], profile["singular_value_curve"]])
        # Keep every point a finite number just outside the axis range: the lines leave the plot
        # instead of breaking where a bound overflows or a norm underflows.
        low, high = NORM_RANGE
        self.lines.y = np.clip(curves, low / 10, high * 10).astype(np.float32)
        self.readout.value = f"<code>{describe_profile(profile)}</code>"
        self.profile = profile

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
