"""Outputs that need a live kernel, replaced by what they show, for the slides and the website.

A widget output stored in a notebook is only a reference to a model in a running kernel: a static
page shows it as an empty box (or as text such as ``VBox(children=...)``). On a copy of each
notebook, ``make_static`` replaces

- every widget in ``STILLS`` (matched by the code of its cell) by a PNG of its opening state,
  drawn with matplotlib from the same numbers the widget starts from, and a note saying how to run it;
- every tqdm progress bar by its finished state ("8/8"), since the bar stored is the one drawn
  before the loop started ("0/8").

A widget that ``STILLS`` does not know raises an error naming its notebook and cell, so a new
widget cannot slip onto the site as an empty box: add its still here.
"""

import base64
import io
import re
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import numpy as np  # noqa: E402

WIDGET = "application/vnd.jupyter.widget-view+json"
PROGRESS_BAR = re.compile(r"^(?P<description>.*?)(?::\s*)?\s*\d+%\|.*\|\s*\d+/(?P<total>\d+)")
RUN_IT = ("*Interactive in the notebook: this is its opening state. To move the sliders, open the notebook "
          "with `make lab` and run all cells{extra}.*")


@dataclass(frozen=True)
class Still:
    """How to show one widget without a kernel: its cell's code matches ``pattern``, ``render()``
    returns a matplotlib Figure of the widget's opening state, ``extra`` adds to the note."""

    pattern: str
    render: object
    extra: str = ""


def explorer_still():
    """Notebook 05's explorer with its opening settings: the same three views it draws."""
    import matplotlib.pyplot as plt

    from rnn_helpers.explorer import ExplorerConfig, describe, simulate
    from rnn_helpers.plots import (
        COLORS,
        FIGURE_STYLE,
        StyledFigure,
        legend_outside,
        plot_hidden_units,
        plot_trajectory_2d,
    )

    config = ExplorerConfig()
    result = simulate(config)
    steps = np.arange(1, config.sequence_length + 1)
    with matplotlib.rc_context(FIGURE_STYLE):
        figure = plt.figure(figsize=(12.0, 8.0), FigureClass=StyledFigure)
        # Two sub-figures lay out on their own: the trajectory's colour bar stays next to its plot
        # instead of moving out to where the wide outputs panel's legend ends.
        top, bottom = figure.subfigures(2, 1)
        units_ax, trajectory_ax = top.subplots(1, 2)
        plot_hidden_units(result["hidden_states"], ax=units_ax, title="hidden units over time")
        plot_trajectory_2d(result["hidden_states"], ax=trajectory_ax, title="trajectory (PCA)")
        outputs_ax = bottom.subplots()
        outputs_ax.plot(steps, result["outputs"][:, 0], color=COLORS["blue"], label="y[0]")
        outputs_ax.plot(steps, result["outputs"][:, 1], color=COLORS["orange"], ls="-.", label="y[1]")
        outputs_ax.plot(steps, result["inputs"], color=COLORS["black"], ls="--", label="input x")
        outputs_ax.set(xlabel="time step t", ylabel="y", title="outputs and predictions")
        # As in the explorer: the predicted class is a step line along the bottom, on a scale of its own
        # (class 0 low, class 1 one level higher), read off the right-hand axis.
        class_ax = outputs_ax.twinx()
        class_ax.step(steps, result["predictions"], where="post", color=COLORS["vermillion"], lw=2.5,
                      label="predicted class")
        class_ax.set(ylim=(-0.2, 4.0), yticks=[0, 1], ylabel="class")
        class_ax.grid(False)
        handles = [line for ax in (outputs_ax, class_ax) for line in ax.get_lines()]
        legend_outside(outputs_ax, handles=handles, labels=[line.get_label() for line in handles])
        figure.suptitle(describe(result).split(" · ")[0] + f", {config.signal} input, H = {config.hidden_size}")
    return figure


def naive_interact_still():
    """Notebook 05's ``interact`` version: the hidden units for the slider's opening value."""
    from rnn_helpers.explorer import ExplorerConfig, simulate
    from rnn_helpers.plots import plot_hidden_units

    return plot_hidden_units(simulate(ExplorerConfig(spectral_radius=0.9))["hidden_states"]).figure


def gradient_explorer_still():
    """Notebook 08's spectral-radius slider (and its ``interact`` twin) at the opening value 1.0: the
    measured gradient and the two growth rates, from the same functions the slider calls."""
    from rnn_helpers.plots import COLORS, legend_outside, new_figure
    from rnn_helpers.spectral_explorer import NORM_RANGE, describe_profile, gradient_profile, probe_batch, scaled_rnn

    profile = gradient_profile(scaled_rnn(1.0), *probe_batch())
    steps_back = np.arange(len(profile["norms"]))
    figure, ax = new_figure()
    for key, label, colour in (("norms", "measured", COLORS["vermillion"]),
                               ("radius_curve", "ρ(Wh)^k (linear RNN)", COLORS["blue"]),
                               ("singular_value_curve", "‖Wh‖₂^k (bound)", COLORS["black"])):
        ax.semilogy(steps_back, profile[key], color=colour, label=label)
    ax.set(xlabel="steps back k", ylabel="gradient norm", ylim=NORM_RANGE,
           title=describe_profile(profile).split(" · ")[0])
    legend_outside(ax)
    return figure


def temperature_explorer_still():
    """Notebook 10's temperature slider: its bars come from the model the notebook trains, which a build
    does not have, so the still shows the slider's axes and says so instead of an opening state."""
    from rnn_helpers.plots import new_figure

    figure, ax = new_figure()
    ax.set(xlabel="next character", ylabel="probability", ylim=(0, 1),
           title="Next-character distribution at the chosen temperature")
    ax.text(0.5, 0.5, "the bars and a fresh sample appear\nwhen the notebook runs", ha="center", va="center",
            transform=ax.transAxes, fontsize=14)
    return figure


STILLS = [
    Still(r"build_explorer\(", explorer_still, extra=", or serve the explorer alone with `make app`"),
    Still(r"GradientExplorer\(", gradient_explorer_still),
    Still(r"interactive\(naive_plot, radius=", gradient_explorer_still),  # 08's twin: before 05's pattern
    Still(r"interactive\(naive_plot", naive_interact_still),
    Still(r"TemperatureExplorer\(", temperature_explorer_still,
          extra=" (it draws from the model trained in the notebook, so no opening state is shown here)"),
]


def png_base64(figure):
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi)
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def still_outputs(still):
    """The outputs that stand in for a widget: its picture, then the note."""
    figure = still.render()
    # The figure's own description (rnn_helpers/_style.py) is its text form, and so its alt text.
    picture = nbformat.v4.new_output("display_data", data={"image/png": png_base64(figure),
                                                           "text/plain": repr(figure)})
    note = nbformat.v4.new_output("display_data", data={"text/markdown": RUN_IT.format(extra=still.extra),
                                                        "text/plain": RUN_IT.format(extra=still.extra)})
    return [picture, note]


def finished_progress_bar(text):
    """The text of a tqdm bar at 100%, or None if ``text`` is not a progress bar."""
    match = PROGRESS_BAR.match(text)
    if not match:
        return None
    total = match.group("total")
    return f"{match.group('description')}: 100%|{'█' * 10}| {total}/{total}"


def make_static(notebook, name="notebook"):
    """Replace live-kernel outputs in ``notebook`` (in place); return how many were replaced."""
    replaced = 0
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        new_outputs = []
        for output in cell.outputs:
            if WIDGET not in output.get("data", {}):
                new_outputs.append(output)
                continue
            finished = finished_progress_bar(output["data"].get("text/plain", ""))
            if finished is not None:
                new_outputs.append(nbformat.v4.new_output("display_data", data={"text/plain": finished}))
            else:
                still = next((still for still in STILLS if re.search(still.pattern, cell.source)), None)
                if still is None:
                    raise LookupError(f"{name}, cell {index}: a widget with no still image; add one to STILLS in "
                                      f"scripts/static_outputs.py")
                new_outputs.extend(still_outputs(still))
            replaced += 1
        cell.outputs = new_outputs
    return replaced
