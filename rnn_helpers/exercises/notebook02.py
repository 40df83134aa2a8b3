"""Notebook 02, unrolling: the loop ``rnn_forward`` and the value exercises 02.x."""

import numpy as np

from .. import core
from ..core import original_example, rnn_forward
from .engine import Case, Implementation, Mistake, ValueExercise
from .mutants import (
    TRANSPOSED_HINT,
    as_columns,
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
    with_piece,
    with_result,
)


def _forward_cases():
    example = original_example(seed=0)
    rng = np.random.RandomState(12)
    params = random_params(rng, 2, 5, 3)
    return [
        Case("the original example (T=5, D=3, H=4, O=2)", (example["inputs"], example["params"], np.zeros(4))),
        Case("one sequence with T=6, D=2, H=5, O=3 and h0 not zero", (rng.randn(6, 2), params, 0.5 * rng.randn(5))),
        Case("a batch of 3 sequences, shape (3, 6, 2)", (rng.randn(3, 6, 2), params, 0.5 * rng.randn(3, 5)),
             batch=True),
    ]


def _unrolled_without_carrying(inputs, params, h0):
    """Every step starts from h0 instead of the previous step's state."""
    steps = [ref.rnn_forward(inputs[..., t : t + 1, :], params, h0) for t in range(inputs.shape[-2])]
    return tuple(np.concatenate(parts, axis=-2) for parts in zip(*steps, strict=True))


def _shifted_states(result, inputs, params, h0):
    """The states one step late: h_{t-1} stored where h_t belongs."""
    hidden_states = result[0]
    return np.concatenate([h0[..., None, :], hidden_states[..., :-1, :]], axis=-2)


def _one_step_late(result, inputs, params, h0):
    """States and outputs one step late: h_{t-1} and y_{t-1} stored where h_t and y_t belong."""
    states = _shifted_states(result, inputs, params, h0)
    return states, read_out(states, params)



FORWARD_MISTAKES = (
    Mistake("W_h is used transposed", "The memory term is W_h h_{t-1}: in row form h @ Wh.T.",
            with_arguments(ref.rnn_forward, **with_param("Wh", np.transpose))),
    Mistake("the bias b_x is missing", "a_t = W_x x_t + W_h h_{t-1} + b_x: add params['bx'].",
            with_arguments(ref.rnn_forward, **with_param("bx", np.zeros_like))),
    Mistake("tanh is missing", "h_t = tanh(a_t) at every step.",
            with_piece(ref.rnn_forward, "rnn_step_forward", step_without_tanh)),
    Mistake("tanh is applied twice", "Apply np.tanh once per step, to a_t.",
            with_piece(ref.rnn_forward, "rnn_step_forward", step_with_tanh_twice)),
    Mistake("ReLU is used instead of tanh", "h_t = tanh(a_t) at every step: np.tanh, not np.maximum(a_t, 0).",
            with_piece(ref.rnn_forward, "rnn_step_forward", step_with_activation(relu))),
    Mistake("the sigmoid is used instead of tanh", "h_t = tanh(a_t) at every step, between -1 and 1.",
            with_piece(ref.rnn_forward, "rnn_step_forward", step_with_activation(sigmoid))),
    Mistake("the hidden state is not carried from step to step: every step starts from h0",
            "Feed each step's new h_t into the next step, e.g. h = step(x_t, h, params)[0] inside the loop.",
            _unrolled_without_carrying),
    Mistake("h_{t-1} and h_t are mixed up: you store the state from before each step (off by one in time)",
            "Store h_t after computing it: the first stored state is h_1, not h_0.",
            with_result(ref.rnn_forward, lambda result, inputs, params, h0:
                         (_shifted_states(result, inputs, params, h0), result[1]))),
    Mistake("h_{t-1} and h_t are mixed up: the states and outputs are one step late (off by one in time)",
            "Store h_t and y_t = W_y h_t + b_y after the step; the first stored state is h_1, not h_0.",
            with_result(ref.rnn_forward, _one_step_late)),
    Mistake("h0 is not used: your loop starts from zeros", "Start the loop from the h0 argument.",
            with_arguments(ref.rnn_forward, h0=lambda arguments: np.zeros_like(arguments["h0"]))),
    Mistake("you return column vectors (H, 1) where vectors of shape (H,) are expected",
            "Keep every vector 1-D; stack the steps into (T, H) and (T, O) (np.stack or np.array of the list).",
            with_result(ref.rnn_forward, as_columns)),
)




IMPLEMENTATIONS = {
    "rnn_forward": Implementation(
        ref.rnn_forward, ("hidden_states", "outputs"), _forward_cases, FORWARD_MISTAKES, TRANSPOSED_HINT,
        "Loop over the time axis, inputs.shape[-2], and take step t as inputs[..., t, :]: that is x_t (D,) for "
        "one sequence and the (N, D) inputs at step t for a batch. Stack the steps along axis -2.",
        answers=(core.rnn_forward, core.rnn_forward_batch)),
}


def _original():
    return original_example(seed=0)


def _reversed_run(inputs_order=-1):
    example = _original()
    return rnn_forward(example["inputs"][::inputs_order], example["params"])[0]


def _last_output_from(h0):
    example = _original()
    return rnn_forward(example["inputs"], example["params"], h0=h0)[1][-1]



VALUE_EXERCISES = {
    "02.1": ValueExercise(
        "the final hidden state when the original inputs are fed in reverse order", lambda: _reversed_run()[-1], 1e-8,
        (("that is the final state of the forward order: reverse the inputs with [::-1]",
          lambda: _reversed_run(1)[-1]),
         ("that is the first state of the reversed run: the final state is the last row, [-1]",
          lambda: _reversed_run()[0]))),
    "02.2": ValueExercise(
        "the output y_5 when the original RNN starts from h_0 = np.ones(4)", lambda: _last_output_from(np.ones(4)),
        1e-8, (("that is y_5 from h_0 = 0: pass h0=np.ones(4)", lambda: _last_output_from(None)),)),
}
