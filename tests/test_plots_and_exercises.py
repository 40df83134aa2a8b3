"""Plots draw what they claim; exercise checks accept right answers and explain wrong ones."""

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display in tests

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnn_helpers as rnn  # noqa: E402
from rnn_helpers import plots  # noqa: E402
from rnn_helpers.exercises import VALUE_EXERCISES, check_answer, judge  # noqa: E402

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"


@pytest.fixture
def hidden_states():
    example = rnn.original_example(seed=0)
    return rnn.rnn_forward(example["inputs"], example["params"])[0]


def test_hidden_units_plot_draws_one_line_per_unit(hidden_states):
    ax = plots.plot_hidden_units(hidden_states)
    lines = ax.get_lines()
    assert len(lines) == 4
    np.testing.assert_array_equal(lines[2].get_ydata(), hidden_states[:, 2])
    plt.close("all")


def test_heatmap_shows_units_by_time(hidden_states):
    ax = plots.plot_hidden_heatmap(hidden_states)
    np.testing.assert_array_equal(ax.images[0].get_array(), hidden_states.T)
    plt.close("all")


def test_trajectory_plot_uses_the_projection(hidden_states):
    ax = plots.plot_trajectory_2d(hidden_states)
    coordinates, _ = rnn.project_2d(hidden_states)
    path, points = ax.collections  # the segments in order, then the points
    np.testing.assert_allclose(points.get_offsets(), coordinates)
    np.testing.assert_allclose(np.concatenate([segment[:1] for segment in path.get_segments()]), coordinates[:-1])
    assert [text.get_text() for text in ax.get_legend().get_texts()] == [
        "start, t = 1", f"end, t = {len(coordinates)}"]
    plt.close("all")


def test_overview_and_histogram(hidden_states):
    assert len(plots.plot_hidden_overview(hidden_states, title="t").axes) == 5  # 3 panels + 2 colorbars
    ax = plots.plot_accuracy_histogram(np.array([0.2, 0.4, 0.6]), chance=0.5)
    assert sum(patch.get_height() for patch in ax.patches) == 3
    plt.close("all")


def test_figure_size_comes_from_one_place(hidden_states):
    width, height = plots.FIGURE_STYLE["figure.figsize"]
    for figure in (plots.new_figure()[0], plots.plot_hidden_units(hidden_states).figure):
        assert tuple(figure.get_size_inches()) == (width, height)
        assert figure.dpi == plots.FIGURE_STYLE["figure.dpi"]
    plt.close("all")


def test_plots_reject_bad_input():
    with pytest.raises(ValueError, match="hidden_states must have 2 dimension"):
        plots.plot_hidden_units(np.zeros(4))


@pytest.mark.parametrize("name", sorted(VALUE_EXERCISES))
def test_each_exercise_accepts_its_answer_and_rejects_others(name):
    expected = VALUE_EXERCISES[name].answer()
    assert judge(name, expected) == (True, f"Exercise {name}: correct!")
    assert judge(name, None)[0] is False
    wrong = (1, 2) if isinstance(expected, tuple) else np.asarray(expected) + 0.5
    ok, message = judge(name, wrong)
    assert not ok and "Exercise" in message
    for what, wrong_answer in VALUE_EXERCISES[name].mistakes:  # every usual mistake is recognised by name
        ok, message = judge(name, wrong_answer())
        assert not ok and what in message, (what, message)


def test_exercise_messages_say_what_is_off(capsys):
    ok, message = judge("02.1", np.zeros(3))
    assert not ok and "expected shape (4,), got shape (3,)" in message
    example = rnn.original_example(seed=0)
    final = rnn.rnn_forward(example["inputs"][::-1], example["params"])[0][-1]
    off = final.copy()
    off[2] += 0.25
    ok, message = judge("02.1", off)
    assert not ok and "off by up to 0.25 at index (2,)" in message
    ok, message = judge("02.1", final[:, None])
    assert not ok and "column vector" in message
    check_answer("04.1", 0.6)
    assert capsys.readouterr().out.strip() == "Exercise 04.1: correct!"
    with pytest.raises(ValueError, match="unknown value exercise"):
        judge("99.9", 1)


def test_the_usual_wrong_answers_get_named():
    """The answers of issue 9: each gets a message that says what went wrong, not a largest difference."""
    params = rnn.original_example(seed=0)["params"]
    without_tanh = params["Wx"] @ np.ones(3) + params["bx"]
    assert "tanh is missing" in judge("01.1", without_tanh)[1]
    assert "bias b_x is missing" in judge("01.1", np.tanh(params["Wx"] @ np.ones(3)))[1]
    example = rnn.original_example(seed=0)
    outputs = rnn.rnn_forward(example["inputs"], example["params"])[1]
    probabilities = np.exp(outputs) / np.exp(outputs).sum(axis=1, keepdims=True)
    unaveraged = (probabilities - np.eye(2)[example["labels"]]).sum(axis=0)
    assert "not averaged" in judge("06.1", unaveraged)[1]
    assert "percentage" in judge("04.1", 60)[1]
    message = judge("01.2", (7, 3))[1]
    assert "columns" in message and "W_x" in message and "tuple of 2 sizes" not in message
    message = judge("04.1", "60%")[1]
    assert "give a number" in message and "fraction" in message


def test_complex_answers_are_rejected_and_float32_answers_accepted():
    expected = VALUE_EXERCISES["02.1"].answer()
    assert not judge("02.1", expected + 5j)[0]
    assert "complex" in judge("02.1", expected + 5j)[1]
    assert judge("02.1", expected.astype(np.float32))[0]
    assert judge("04.1", np.float32(0.6))[0]
    assert not judge("02.1", (expected + 1e-4).astype(np.float32))[0]
    assert not judge("04.1", True)[0]


def test_no_answer_is_printed_above_the_exercise_that_asks_for_it():
    """Pasting a printed number must not pass: no stored output before an exercise shows its answer."""
    for path in sorted(NOTEBOOK_DIR.glob("0[1-6]-*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        printed = ""
        for cell in cells:
            source = "".join(cell["source"])
            for name in re.findall(r'check_answer\("(\d\d\.\d)"', source):
                answer = VALUE_EXERCISES[name].answer()
                for value in np.ravel(answer) if not isinstance(answer, tuple) else ():
                    if float(value) != round(float(value), 3):  # a digit string long enough to be telling
                        digits = f"{abs(float(value)):.10f}"
                        assert digits[: digits.index(".") + 7] not in printed, f"{path.name} prints {name}'s answer"
            for output in cell.get("outputs", []):
                printed += "".join(output.get("text", "")) + "".join(output.get("data", {}).get("text/plain", ""))
