"""Building mistaken answers: the reference with one usual mistake put in, for every notebook's table.

A mutant is a function with the exercise's arguments that returns what an implementation with one
mistake returns. They are built from the reference by changing an argument (``with_arguments``,
``with_param``), the result (``with_result``), or a piece the reference calls (``with_piece``).
"""

import inspect
from types import SimpleNamespace

import numpy as np

from .. import reference
from ..core import init_params, original_example

# The reference functions, bound once. Mutants call these: while ``with_piece`` has swapped a
# function in the ``reference`` module for a mutant, the mutant still reaches the original here.
ref = SimpleNamespace(**{name: value for name, value in vars(reference).items() if inspect.isfunction(value)})


def with_arguments(function, **changes):
    """``function`` with some arguments replaced: each change maps the bound arguments to the new value."""
    signature = inspect.signature(function)

    def mutant(*arguments):
        bound = signature.bind(*arguments)
        bound.apply_defaults()
        originals = dict(bound.arguments)
        for name, change in changes.items():
            bound.arguments[name] = change(originals)
        return function(*bound.args, **bound.kwargs)

    return mutant


def with_param(name, change):
    """A change for ``with_arguments``: the params dict with params[name] replaced by change(params[name])."""
    return {"params": lambda arguments: {**arguments["params"], name: change(arguments["params"][name])}}


def with_result(function, change):
    """``function`` with its result passed through ``change(result, *arguments)``."""
    return lambda *arguments: change(function(*arguments), *arguments)


def with_piece(function, piece, replacement):
    """``function`` run while ``reference.<piece>`` is ``replacement``.

    The reference functions call each other through the module (rnn_backward calls
    reference.rnn_step_backward), so a mistake in one piece reaches everything built on it, the way
    a mistake in a student's step reaches their loop. The swap is undone before returning.
    """

    def mutant(*arguments):
        original = getattr(reference, piece)
        setattr(reference, piece, replacement)
        try:
            return function(*arguments)
        finally:
            setattr(reference, piece, original)

    return mutant


def pre_activation(x_t, h_prev, params):
    """a_t = Wx x_t + Wh h_{t-1} + bx, shape (H,) or (N, H), for mutants that need it."""
    return x_t @ params["Wx"].T + h_prev @ params["Wh"].T + params["bx"]


def read_out(h, params):
    """y = Wy h + by for h of shape (..., H)."""
    return h @ params["Wy"].T + params["by"]


def step_with_activation(activation):
    """The RNN step with ``activation`` in place of tanh (none: the identity)."""
    def step(x_t, h_prev, params):
        h_t = activation(pre_activation(x_t, h_prev, params))
        return h_t, read_out(h_t, params)
    return step


def relu(a):
    return np.maximum(a, 0.0)


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


step_without_tanh = step_with_activation(lambda a: a)


def step_with_tanh_twice(x_t, h_prev, params):
    h_t = np.tanh(ref.rnn_step_forward(x_t, h_prev, params)[0])
    return h_t, read_out(h_t, params)


def as_columns(result, *arguments):
    return tuple(np.asarray(value)[..., None] for value in result)


def negated(result, *arguments):
    """Every returned number with its sign flipped (dicts and tuples included)."""
    if isinstance(result, dict):
        return {name: -value for name, value in result.items()}
    if isinstance(result, tuple):
        return tuple(negated(value) for value in result)
    return -result


RNN_SHAPES = "Wx (H, D), Wh (H, H), Wy (O, H), bx (H,), by (O,)"
TRANSPOSED_HINT = (
    f"Shapes: {RNN_SHAPES}. A weight used transposed (W where W.T is needed, or the other way round), "
    "or the two factors of a product swapped, gives this error."
)


def random_params(rng, input_size, hidden_size, output_size, scale=0.8):
    params = init_params(input_size, hidden_size, output_size, seed=rng)
    return {name: scale * value for name, value in params.items()}


def original_second_step():
    """The original example's second step: x_2 and h_1, so that the memory term is not zero."""
    example = original_example(seed=0)
    h_1 = ref.rnn_step_forward(example["inputs"][0], np.zeros(4), example["params"])[0]
    return example["inputs"][1], h_1, example["params"]

