"""Notebook 01, the RNN cell: the step ``rnn_step_forward`` and the value exercises 01.x."""

import numpy as np

from ..core import original_example, rnn_step
from .engine import Case, Implementation, Mistake, ValueExercise
from .mutants import (
    TRANSPOSED_HINT,
    as_columns,
    original_second_step,
    pre_activation,
    random_params,
    read_out,
    ref,
    relu,
    sigmoid,
    step_with_activation,
    step_with_tanh_twice,
    step_without_tanh,
    with_arguments,
    with_param,
    with_result,
)


def _step_cases():
    rng = np.random.RandomState(11)
    params = random_params(rng, 2, 5, 3)
    return [
        Case("the original example's second step (D=3, H=4, O=2)", original_second_step()),
        Case("one input with D=2, H=5, O=3", (rng.randn(2), 0.5 * rng.randn(5), params)),
        Case("a batch of 4 inputs, shape (4, 2)", (rng.randn(4, 2), 0.5 * rng.randn(4, 5), params), batch=True),
    ]


STEP_MISTAKES = (
    Mistake("W_h is used transposed",
            "The memory term is W_h h_{t-1}: in row form h_prev @ Wh.T. (Wh is square, so a missing or extra .T "
            "gives no error, only wrong numbers.)",
            with_arguments(ref.rnn_step_forward, **with_param("Wh", np.transpose))),
    Mistake("the bias b_x is missing", "a_t = W_x x_t + W_h h_{t-1} + b_x: add params['bx'].",
            with_arguments(ref.rnn_step_forward, **with_param("bx", np.zeros_like))),
    Mistake("the output bias b_y is missing", "y_t = W_y h_t + b_y: add params['by'].",
            with_arguments(ref.rnn_step_forward, **with_param("by", np.zeros_like))),
    Mistake("tanh is missing", "h_t = tanh(a_t): apply np.tanh to the pre-activation.", step_without_tanh),
    Mistake("tanh is applied twice", "Apply np.tanh once, to a_t; y_t = W_y h_t + b_y has no tanh.",
            step_with_tanh_twice),
    Mistake("ReLU is used instead of tanh", "The vanilla RNN's activation is h_t = tanh(a_t): np.tanh, not "
            "np.maximum(a_t, 0).", step_with_activation(relu)),
    Mistake("the sigmoid is used instead of tanh", "The vanilla RNN's activation is h_t = tanh(a_t), between -1 and "
            "1; the sigmoid 1 / (1 + e^-a) is between 0 and 1.", step_with_activation(sigmoid)),
    Mistake("y_t is computed from h_{t-1} instead of h_t (off by one in time)",
            "The output reads the new state: y_t = W_y h_t + b_y.",
            with_result(ref.rnn_step_forward, lambda result, x_t, h_prev, params:
                         (result[0], read_out(h_prev, params)))),
    Mistake("y_t is computed from a_t, before tanh", "The output reads the new state h_t = tanh(a_t).",
            lambda x_t, h_prev, params: (ref.rnn_step_forward(x_t, h_prev, params)[0],
                                         read_out(pre_activation(x_t, h_prev, params), params))),
    Mistake("you return column vectors (H, 1) where vectors of shape (H,) are expected",
            "Keep every vector 1-D as the arguments are (no reshape(-1, 1) as in the original's column form).",
            with_result(ref.rnn_step_forward, as_columns)),
)



IMPLEMENTATIONS = {
    "rnn_step_forward": Implementation(
        ref.rnn_step_forward, ("h_t", "y_t"), _step_cases, STEP_MISTAKES, TRANSPOSED_HINT,
        "Write the products in row form, x_t @ Wx.T + h_prev @ Wh.T + bx: the same line then works for one "
        "vector (D,) and for a batch (N, D).", answers=(rnn_step,)),
}


def _original():
    return original_example(seed=0)


def _step_from_ones(activation=np.tanh, with_bias=True):
    params = _original()["params"]
    return activation(params["Wx"] @ np.ones(3) + with_bias * params["bx"])


def _second_preactivation(memory=True, with_bias=True):
    x_2, h_1, params = original_second_step()
    return params["Wx"] @ x_2 + memory * params["Wh"] @ h_1 + with_bias * params["bx"]



VALUE_EXERCISES = {
    "01.1": ValueExercise(
        "h_1 when x = np.ones(3) and h_0 = 0, with the original weights", _step_from_ones, 1e-8,
        (("tanh is missing: h_1 = tanh(a_1)", lambda: _step_from_ones(activation=lambda a: a)),
         ("the bias b_x is missing: a_1 = W_x x + W_h h_0 + b_x", lambda: _step_from_ones(with_bias=False)),
         ("tanh and the bias b_x are missing", lambda: _step_from_ones(lambda a: a, with_bias=False)))),
    "01.2": ValueExercise(
        "the shape of Wh for input size 3 and hidden size 7, as a tuple", lambda: (7, 7), 0,
        (("(7, 3) is the shape of W_x (H, D); W_h maps the hidden state to the hidden state", lambda: (7, 3)),
         ("(3, 7) is the shape of W_x transposed; W_h maps the hidden state to the hidden state", lambda: (3, 7)))),
    "01.3": ValueExercise(
        "the pre-activation a_2 (before tanh) of the original second step", _second_preactivation, 1e-8,
        (("that is h_2 = tanh(a_2): a_2 is the value before tanh", lambda: np.tanh(_second_preactivation())),
         ("the memory term W_h h_1 is missing: h_1 is not zero, so it no longer drops out",
          lambda: _second_preactivation(memory=False)),
         ("the bias b_x is missing", lambda: _second_preactivation(with_bias=False)))),
}
