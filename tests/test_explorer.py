"""The explorer's math and its update function, without a browser."""

from dataclasses import replace

import numpy as np
import pytest

from rnn_helpers.explorer import (
    LEGEND_ROOM,
    LIMITS,
    SIGNALS,
    ExplorerConfig,
    build_explorer,
    input_signal,
    nice_bound,
    simulate,
)


@pytest.fixture(scope="module")
def explorer():
    return build_explorer()


def test_input_signals():
    assert input_signal("impulse", 5, 2.0).tolist() == [2.0, 0, 0, 0, 0]
    assert input_signal("step", 8, 1.0).tolist() == [0, 0, 1, 1, 1, 1, 1, 1]
    np.testing.assert_allclose(input_signal("sine", 21, 1.0)[[0, 5, 20]], [0, 1, 0], atol=1e-12)
    np.testing.assert_array_equal(input_signal("random", 6, 1.0, seed=3), input_signal("random", 6, 1.0, seed=3))
    with pytest.raises(ValueError, match="signal must be one of"):
        input_signal("square", 5, 1.0)


def test_simulate_shapes_and_readout():
    result = simulate(ExplorerConfig(sequence_length=30, hidden_size=5))
    assert result["hidden_states"].shape == (30, 5) and result["outputs"].shape == (30, 2)
    assert result["trajectory"].shape == (30, 2) and result["predictions"].shape == (30,)
    assert result["spectral_radius"] == pytest.approx(0.9)
    saturated = np.abs(result["hidden_states"]) > 0.95
    assert result["saturated_units"] == saturated[-1].sum()
    assert result["saturated_fraction"] == pytest.approx(saturated.mean())


def test_simulate_rejects_settings_outside_the_controls():
    with pytest.raises(ValueError, match="hidden_size must be between 1 and 32, got 0"):
        simulate(ExplorerConfig(hidden_size=0))
    with pytest.raises(ValueError, match="signal must be one of"):
        simulate(ExplorerConfig(signal="noise"))


def change(explorer, **values):
    """Set controls as a student would, and return the hidden states the update computed."""
    for name, value in values.items():
        explorer.controls[name].value = value
    return explorer.result["hidden_states"]


def test_every_control_drives_the_simulation(explorer):
    defaults = {name: control.value for name, control in explorer.controls.items()}
    baseline = change(explorer).copy()
    for name, value in [("spectral_radius", 1.7), ("input_scale", 2.0), ("bias", 0.7), ("amplitude", 2.5),
                        ("seed", 4), ("signal", "step"), ("sequence_length", 60), ("hidden_size", 12)]:
        states = change(explorer, **{name: value})
        expected = simulate(replace(ExplorerConfig(), **{**defaults, name: value}))["hidden_states"]
        np.testing.assert_array_equal(states, expected)
        assert states.shape != baseline.shape or not np.allclose(states, baseline), f"{name} changed nothing"
        change(explorer, **{name: defaults[name]})
    np.testing.assert_array_equal(change(explorer), baseline)


def test_controls_change_the_state_as_the_math_says(explorer):
    # No input path and no bias: starting from h0 = 0 the state never moves.
    assert np.all(change(explorer, input_scale=0.0, bias=0.0) == 0)
    # A positive bias alone pushes every unit's first step to tanh(bias) > 0.
    states = change(explorer, bias=1.0)
    np.testing.assert_allclose(states[0], np.tanh(1.0))
    change(explorer, input_scale=1.0, bias=0.0)
    # An impulse fades with a small spectral radius and lasts with a large one.
    fading = change(explorer, signal="impulse", spectral_radius=0.3)
    lasting = change(explorer, spectral_radius=1.2)
    assert np.abs(fading[-1]).max() < 1e-6 < np.abs(lasting[-1]).max()
    # A larger bias saturates more units.
    few = explorer.result["saturated_fraction"]
    change(explorer, bias=2.0)
    assert explorer.result["saturated_fraction"] > few
    change(explorer, signal="sine", spectral_radius=0.9, bias=0.0)


def test_the_plots_show_the_last_simulation(explorer):
    change(explorer, hidden_size=6, sequence_length=25)
    result = explorer.result
    np.testing.assert_allclose(explorer.unit_lines.y, result["hidden_states"].T, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(explorer.output_lines.y, result["outputs"].T, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(explorer.trajectory_line.x, result["trajectory"][:, 0], rtol=1e-5, atol=1e-6)
    assert explorer.prediction_line.y.tolist() == result["predictions"].tolist()
    assert explorer.time_scale.max == 25
    # Axis ranges are rounded bounds that contain the data, so small moves do not redraw the axes.
    trajectory_bound = explorer.trajectory_scales[0].max
    assert np.abs(result["trajectory"]).max() <= trajectory_bound == nice_bound(np.abs(result["trajectory"]).max())
    # Symmetric about 0 for the data, with LEGEND_ROOM of the height free above them for the legend.
    output_bound = -explorer.output_scale.min
    assert np.abs(result["outputs"]).max() <= output_bound
    assert explorer.output_scale.max == pytest.approx(-output_bound + 2 * output_bound / (1 - LEGEND_ROOM))
    assert "of 6" in explorer.readout.value and "spectral radius ρ(Wh) = 0.90" in explorer.readout.value
    change(explorer, hidden_size=8, sequence_length=40)


def test_controls_cover_the_required_settings(explorer):
    assert set(explorer.controls) == set(LIMITS) | {"signal"}
    assert tuple(explorer.controls["signal"].options) == SIGNALS
    assert "rnn-explorer" in explorer.widget._dom_classes


def test_nice_bound_rounds_up_to_a_round_number():
    values = (0.0, 0.03, 0.7, 1.0, 1.01, 2.5, 7.0, 10.2)
    assert [nice_bound(v) for v in values] == [1, 0.03, 0.8, 1, 1.5, 3, 8, 15]
