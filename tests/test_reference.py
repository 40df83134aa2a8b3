"""The readable reference (rnn_helpers.reference) and the fast path compute the same numbers, to 1e-12."""

import numpy as np
import pytest

import rnn_helpers as rnn
from rnn_helpers import backprop, reference
from rnn_helpers.core import IGNORE
from rnn_helpers.training import SGD

# (N, T, D, H, O): one sequence (N = None), non-square sizes, a batch of one, longer sequences.
SHAPES = [(None, 5, 3, 4, 2), (None, 1, 2, 3, 4), (1, 4, 3, 5, 2), (6, 9, 4, 7, 3), (3, 20, 2, 16, 5)]


def make_case(shape, seed):
    batch, steps, input_size, hidden_size, output_size = shape
    rng = np.random.RandomState(seed)
    params = {name: 0.7 * value for name, value in rnn.init_params(input_size, hidden_size, output_size, rng).items()}
    leading = (steps,) if batch is None else (batch, steps)
    inputs = rng.randn(*leading, input_size)
    labels = rng.randint(0, output_size, size=leading)
    labels.reshape(-1)[1::4] = IGNORE  # some steps without a target
    h0 = 0.5 * rng.randn(*leading[:-1], hidden_size)
    return inputs, labels, params, h0


def assert_close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
def test_forward_matches_the_fast_path(shape):
    inputs, _, params, h0 = make_case(shape, seed=1)
    fast = rnn.rnn_forward(inputs, params, h0) if inputs.ndim == 2 else rnn.rnn_forward_batch(inputs, params, h0)
    for ours, theirs in zip(reference.rnn_forward(inputs, params, h0), fast, strict=True):
        assert ours.shape == theirs.shape
        assert_close(ours, theirs)
    x_t, h_prev = inputs[..., 0, :], h0
    for ours, theirs in zip(reference.rnn_step_forward(x_t, h_prev, params), rnn.rnn_step(x_t, h_prev, params),
                            strict=True):
        assert_close(ours, theirs)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_backward_matches_the_fast_path(shape, reduction):
    inputs, labels, params, h0 = make_case(shape, seed=2)
    fast_loss, fast_grads = backprop.rnn_backward(inputs, labels, params, h0, reduction=reduction)
    loss, grads = reference.rnn_backward(inputs, labels, params, h0, reduction=reduction)
    assert abs(loss - fast_loss) <= 1e-12 * max(1.0, abs(fast_loss))
    assert sorted(grads) == sorted(fast_grads)
    for name, grad in fast_grads.items():
        assert grads[name].shape == grad.shape, name
        assert_close(grads[name], grad)


def test_backward_without_h0_and_with_clipping_matches():
    inputs, labels, params, _ = make_case((4, 6, 3, 5, 2), seed=3)
    _, fast_grads = backprop.rnn_backward(inputs, labels, params, clip_norm=0.1)
    _, grads = reference.rnn_backward(inputs, labels, params, clip_norm=0.1)
    for name, grad in fast_grads.items():
        assert_close(grads[name], grad)


@pytest.mark.parametrize("shape", SHAPES)
def test_softmax_cross_entropy_matches_and_survives_large_scores(shape):
    inputs, labels, params, h0 = make_case(shape, seed=4)
    outputs = 400.0 * reference.rnn_forward(inputs, params, h0)[1]  # exp(400) overflows without the max shift
    loss, d_outputs = reference.softmax_cross_entropy(outputs, labels)
    fast_loss, fast_d_outputs = backprop.softmax_cross_entropy(outputs, labels)
    assert np.isfinite(loss) and abs(loss - fast_loss) <= 1e-12 * max(1.0, abs(fast_loss))
    assert_close(d_outputs, fast_d_outputs)


def test_clipping_and_momentum_match_the_training_code():
    rng = np.random.RandomState(5)
    grads = {"a": rng.randn(3, 4), "b": rng.randn(5)}
    for max_norm in (0.5, 100.0):
        clipped, norm = reference.clip_gradients(grads, max_norm)
        fast_clipped, fast_norm = backprop.clip_gradients(grads, max_norm)
        assert abs(norm - fast_norm) <= 1e-12
        for name in grads:
            assert_close(clipped[name], fast_clipped[name])
    params = {"a": rng.randn(3, 4), "b": rng.randn(5)}
    fast_params = {name: value.copy() for name, value in params.items()}
    velocity = {name: np.zeros_like(value) for name, value in params.items()}
    optimizer = SGD(learning_rate=0.05, momentum=0.8)
    for _ in range(3):  # several steps, so the velocity is carried
        params, velocity = reference.sgd_momentum_step(params, grads, velocity, learning_rate=0.05, momentum=0.8)
        optimizer.step(fast_params, grads)
    for name in params:
        assert_close(params[name], fast_params[name])
