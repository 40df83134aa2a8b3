"""Plots draw what they claim; exercise checks accept right answers and explain wrong ones."""

import matplotlib

matplotlib.use("Agg")  # no display in tests

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnn_helpers as rnn  # noqa: E402
from rnn_helpers import plots  # noqa: E402
from rnn_helpers.exercises import EXERCISES, check_answer, judge  # noqa: E402


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
    np.testing.assert_allclose(ax.collections[0].get_offsets(), coordinates)
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


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_each_exercise_accepts_its_answer_and_rejects_others(name):
    _, expected_answer, _ = EXERCISES[name]
    expected = expected_answer()
    assert judge(name, expected) == (True, f"Exercise {name}: correct!")
    assert judge(name, None)[0] is False
    wrong = (1, 2) if isinstance(expected, tuple) else np.asarray(expected) + 0.5
    ok, message = judge(name, wrong)
    assert not ok and "Exercise" in message


def test_exercise_messages_say_what_is_off(capsys):
    ok, message = judge("02.1", np.zeros(3))
    assert not ok and "expected shape (4,), got shape (3,)" in message
    example = rnn.original_example(seed=0)
    final = rnn.rnn_forward(example["inputs"][::-1], example["params"])[0][-1]
    off = final.copy()
    off[2] += 0.25
    ok, message = judge("02.1", off)
    assert not ok and "largest difference" in message and "at index (2,)" in message
    check_answer("04.1", 0.6)
    assert capsys.readouterr().out.strip() == "Exercise 04.1: correct!"
    with pytest.raises(ValueError, match="unknown exercise"):
        judge("99.9", 1)
