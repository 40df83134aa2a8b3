"""Notebook 09, gated cells: the LSTM step ``lstm_step``."""

import numpy as np

from ..core import original_example
from ..gated import init_lstm_params, lstm_step
from ..gated import sigmoid as gated_sigmoid
from .engine import Case, Implementation, Mistake
from .mutants import as_columns, read_out, with_arguments, with_param, with_result

LSTM_SHAPES_HINT = "Wx (4H, D), Wh (4H, H), bx (4H,) (gate blocks i, f, g, o in this order), Wy (O, H), by (O,)"


def _lstm_step_cases():
    rng = np.random.RandomState(13)
    params = {name: value + 0.3 * rng.randn(*value.shape) for name, value in init_lstm_params(2, 5, 3, rng).items()}
    original_sizes = init_lstm_params(3, 4, 2, seed=0)
    example = original_example(seed=0)
    return [
        Case("the original example's first input with D=3, H=4, O=2",
             (example["inputs"][0], 0.5 * rng.randn(4), rng.randn(4), original_sizes)),
        Case("one input with D=2, H=5, O=3", (rng.randn(2), 0.5 * rng.randn(5), rng.randn(5), params)),
        Case("a batch of 4 inputs, shape (4, 2)", (rng.randn(4, 2), 0.5 * rng.randn(4, 5), rng.randn(4, 5), params),
             batch=True),
    ]


def _gate_blocks_reordered(order):
    """A change of the params: the gate blocks of Wx, Wh and bx taken in ``order`` instead of i, f, g, o."""
    def reorder(params):
        return {name: (np.concatenate([np.split(value, 4)[k] for k in order]) if name in ("Wx", "Wh", "bx")
                       else value) for name, value in params.items()}
    return {"params": lambda arguments: reorder(arguments["params"])}


def _lstm_step_with(cell_state_to_hidden=np.tanh, candidate=np.tanh, keep_old_cell=True):
    """The LSTM step with one piece changed, for the mistakes below."""
    def step(x_t, h_prev, c_prev, params):
        a_i, a_f, a_g, a_o = np.split(x_t @ params["Wx"].T + h_prev @ params["Wh"].T + params["bx"], 4, axis=-1)
        i, f, o = gated_sigmoid(a_i), gated_sigmoid(a_f), gated_sigmoid(a_o)
        c_t = (f * c_prev if keep_old_cell else 0.0) + i * candidate(a_g)
        h_t = o * cell_state_to_hidden(c_t)
        return h_t, c_t, read_out(h_t, params)
    return step


LSTM_STEP_MISTAKES = (
    Mistake("the input gate i and the forget gate f are swapped",
            "PyTorch's order of the blocks is i, f, g, o: block 0 (rows 0..H-1) is the input gate, block 1 the "
            "forget gate, and c_t = f * c_prev + i * g.", with_arguments(lstm_step, **_gate_blocks_reordered(
                (1, 0, 2, 3)))),
    Mistake("the blocks g and o are swapped (the order i, f, o, g of some textbooks)",
            "PyTorch's order is i, f, g, o: the candidate g is block 2 (rows 2H..3H-1), the output gate block 3.",
            with_arguments(lstm_step, **_gate_blocks_reordered((0, 1, 3, 2)))),
    Mistake("tanh of the cell state is missing: h_t = o * c_t", "h_t = o * tanh(c_t).",
            _lstm_step_with(cell_state_to_hidden=lambda c: c)),
    Mistake("the candidate g goes through sigmoid instead of tanh",
            "i, f and o are sigmoids; the candidate is g = tanh(a_g), which can be negative.",
            _lstm_step_with(candidate=gated_sigmoid)),
    Mistake("the old cell state is not kept: c_t = i * g",
            "c_t = f * c_prev + i * g: the forget gate scales the old cell state, c_prev.",
            _lstm_step_with(keep_old_cell=False)),
    Mistake("the bias b_x is missing", "All four gates' pre-activations get their block of params['bx'].",
            with_arguments(lstm_step, **with_param("bx", np.zeros_like))),
    Mistake("the output bias b_y is missing", "y_t = W_y h_t + b_y: add params['by'].",
            with_arguments(lstm_step, **with_param("by", np.zeros_like))),
    Mistake("y_t is computed from h_{t-1} instead of h_t (off by one in time)",
            "The output reads the new state: y_t = W_y h_t + b_y.",
            with_result(lstm_step, lambda result, x_t, h_prev, c_prev, params:
                         (result[0], result[1], read_out(h_prev, params)))),
    Mistake("you return column vectors (H, 1) where vectors of shape (H,) are expected",
            "Keep every vector 1-D as the arguments are.", with_result(lstm_step, as_columns)),
)


IMPLEMENTATIONS = {"lstm_step": Implementation(
    lstm_step, ("h_t", "c_t", "y_t"), _lstm_step_cases, LSTM_STEP_MISTAKES,
    f"Shapes: {LSTM_SHAPES_HINT}. In row form the four pre-activations are x_t @ Wx.T + h_prev @ Wh.T + bx, "
    "shape (..., 4H); np.split(a, 4, axis=-1) gives the four blocks.",
    "Write the products in row form and split along axis=-1: the same lines then work for one vector (D,) and "
    "for a batch (N, D).",
    answers=(lstm_step,)),
}
