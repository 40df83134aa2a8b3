"""Every public function rejects bad input before any math, with a message naming what arrived."""

import numpy as np
import pytest

import rnn_helpers as rnn


@pytest.fixture
def params():
    return rnn.init_params(3, 4, 2, seed=0)


GOOD_INPUTS = np.zeros((5, 3))


@pytest.mark.parametrize(
    "inputs, error, message",
    [
        (np.zeros((5, 4)), ValueError, r"inputs must have shape \(5, 3\), got \(5, 4\)"),
        (np.zeros(3), ValueError, r"inputs must have 2 dimension\(s\), got shape \(3,\)"),
        (np.zeros((0, 3)), ValueError, r"must not be empty, got shape \(0, 3\)"),
        (np.zeros((5, 3), dtype=int), TypeError, r"floating-point array .* got dtype int64"),
        (np.array([["a", "b", "c"]]), TypeError, r"floating-point array .* got dtype <U1"),
        (np.full((5, 3), np.nan), ValueError, r"NaN or inf"),
        (np.full((5, 3), np.inf), ValueError, r"NaN or inf"),
    ],
)
def test_rnn_forward_rejects_bad_inputs(params, inputs, error, message):
    with pytest.raises(error, match=message):
        rnn.rnn_forward(inputs, params)


@pytest.mark.parametrize(
    "inputs, message",
    [
        (np.zeros((5, 3)), r"inputs must have 3 dimension\(s\), got shape \(5, 3\)"),
        (np.zeros((2, 0, 3)), r"must not be empty, got shape \(2, 0, 3\)"),
        (np.zeros((2, 5, 2)), r"inputs must have shape \(2, 5, 3\), got \(2, 5, 2\)"),
    ],
)
def test_rnn_forward_batch_rejects_bad_inputs(params, inputs, message):
    with pytest.raises(ValueError, match=message):
        rnn.rnn_forward_batch(inputs, params)


def test_bad_initial_state(params):
    with pytest.raises(ValueError, match=r"h0 must have shape \(4,\), got \(3,\)"):
        rnn.rnn_forward(GOOD_INPUTS, params, h0=np.zeros(3))
    with pytest.raises(ValueError, match=r"h0 must have shape \(2, 4\), got \(4,\)|h0 must have 2 dimension"):
        rnn.rnn_forward_batch(np.zeros((2, 5, 3)), params, h0=np.zeros(4))


@pytest.mark.parametrize(
    "name, value, error, message",
    [
        ("Wh", np.zeros((4, 3)), ValueError, r"params\['Wh'\] must have shape \(4, 4\), got \(4, 3\)"),
        ("bx", np.zeros((4, 1)), ValueError, r"params\['bx'\] must have 1 dimension\(s\), got shape \(4, 1\)"),
        ("by", np.zeros(3), ValueError, r"params\['by'\] must have shape \(2,\), got \(3,\)"),
        ("Wy", np.zeros((2, 5)), ValueError, r"params\['Wy'\] must have shape \(2, 4\), got \(2, 5\)"),
        ("Wx", np.ones((4, 3), dtype=np.int32), TypeError, r"params\['Wx'\] must be a float64 NumPy array"),
        ("Wh", np.full((4, 4), np.nan), ValueError, r"params\['Wh'\] contains NaN"),
    ],
)
def test_bad_parameters(params, name, value, error, message):
    params[name] = value
    with pytest.raises(error, match=message):
        rnn.rnn_forward(GOOD_INPUTS, params)


def test_missing_parameter_and_wrong_container(params):
    del params["by"]
    with pytest.raises(ValueError, match=r"params is missing \['by'\]"):
        rnn.rnn_forward(GOOD_INPUTS, params)
    with pytest.raises(TypeError, match=r"params must be a dict .* got list"):
        rnn.rnn_forward(GOOD_INPUTS, [1, 2])


def test_rnn_step_rejects_mismatched_vectors(params):
    with pytest.raises(ValueError, match=r"x_t must have shape \(3,\), got \(4,\)"):
        rnn.rnn_step(np.zeros(4), np.zeros(4), params)
    with pytest.raises(ValueError, match=r"h_prev must have shape \(2, 4\), got \(2, 3\)"):
        rnn.rnn_step(np.zeros((2, 3)), np.zeros((2, 3)), params)
    with pytest.raises(ValueError, match=r"x_t must have 1 or 2 dimension\(s\)"):
        rnn.rnn_step(np.zeros((1, 1, 3)), np.zeros(4), params)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: rnn.init_params(3, 0, 2), ValueError, "hidden_size must be at least 1, got 0"),
        (lambda: rnn.init_params(3, 4.0, 2), TypeError, "hidden_size must be an integer, got float"),
        (lambda: rnn.random_inputs(0, 3, seed=0), ValueError, "sequence_length must be at least 1, got 0"),
        (lambda: rnn.make_rng("zero"), TypeError, "seed must be an int or np.random.RandomState, got str"),
        (lambda: rnn.predict(np.array([[1, 2]])), TypeError, "outputs must be a floating-point array"),
        (lambda: rnn.predict(np.zeros((0, 2))), ValueError, "outputs must not be empty"),
        (lambda: rnn.accuracy(np.array([1, 0]), np.array([1, 0, 1])), ValueError,
         r"same shape, got \(2,\) and \(3,\)"),
        (lambda: rnn.accuracy(np.array([1.0, 0.0]), np.array([1, 0])), TypeError,
         "predicted_labels must be an integer array"),
        (lambda: rnn.accuracy(np.array([], dtype=int), np.array([], dtype=int)), ValueError, "must not be empty"),
        (lambda: rnn.spectral_radius(np.zeros((3, 2))), ValueError, r"matrix must have shape \(3, 3\)"),
        (lambda: rnn.saturated_fraction(np.array([np.nan])), ValueError, "NaN or inf"),
        (lambda: rnn.project_2d(np.zeros(4)), ValueError, r"hidden_states must have 2 dimension\(s\)"),
    ],
)
def test_other_functions_reject_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
