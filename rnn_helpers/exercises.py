"""Self-checks for the notebooks' exercises, with feedback that names the mistake.

Two kinds of exercise:

- value exercises: ``check_answer("02.1", your_answer)`` compares a number or array with the
  answer, computed from the helpers (never stored as a literal, so it cannot drift);
- implementation exercises: ``check_function("rnn_step_forward", your_function)`` runs your
  function on several fixed inputs (the original example, other sizes, a batch) and compares it
  with ``rnn_helpers.reference``.

When an answer is wrong, both compare it with *mistaken* answers: the reference with one usual
mistake put in (a weight transposed, the bias left out, tanh missing, ...). If yours agrees with
one of them, the message names that mistake and says where to look. The mistakes are data: a
table per exercise (``IMPLEMENTATIONS``, ``VALUE_EXERCISES``), each row a name, a hint and how to
compute the mistaken answer.
"""

import copy
import inspect
import sysconfig
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from . import reference
from .core import accuracy, init_params, original_example, predict, rnn_forward, saturated_fraction
from .explorer import ExplorerConfig, simulate
from .tasks import running_sign_task

# ---------------------------------------------------------------------------------------------
# Implementation exercises: the student's function against the reference and its mutants
# ---------------------------------------------------------------------------------------------

# The reference functions, bound once. Mutants call these: while ``_with_piece`` has swapped a
# function in the ``reference`` module for a mutant, the mutant still reaches the original here.
ref = SimpleNamespace(**{name: value for name, value in vars(reference).items() if inspect.isfunction(value)})


@dataclass(frozen=True)
class Case:
    """One set of arguments an implementation is run on."""

    label: str  # for messages: "the original example", "a batch of 4 sequences", ...
    arguments: tuple
    batch: bool = False


@dataclass(frozen=True)
class Mistake:
    """A usual mistake: what it is, where to look, and the reference with the mistake put in.

    ``mutant`` takes the exercise's arguments and returns what an implementation with this mistake
    returns. ``compare`` limits the comparison to some of the returned values (None: all).
    """

    what: str
    where: str
    mutant: Callable
    compare: tuple | None = None


@dataclass(frozen=True)
class Implementation:
    """An implementation exercise: the reference, the inputs to try, the usual mistakes."""

    reference: Callable
    returns: tuple  # names of the returned values, e.g. ("h_t", "y_t"); one name: a single value
    cases: Callable  # () -> list of Case, one sequence first, then batches
    mistakes: tuple
    shape_hint: str  # said after a shape error inside the student's code
    batch_hint: str = ""  # said when one sequence works and a batch does not


def _with_arguments(function, **changes):
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


def _with_param(name, change):
    """A change for ``_with_arguments``: the params dict with params[name] replaced by change(params[name])."""
    return {"params": lambda arguments: {**arguments["params"], name: change(arguments["params"][name])}}


def _with_result(function, change):
    """``function`` with its result passed through ``change(result, *arguments)``."""
    return lambda *arguments: change(function(*arguments), *arguments)


def _with_piece(function, piece, replacement):
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


def _pre_activation(x_t, h_prev, params):
    """a_t = Wx x_t + Wh h_{t-1} + bx, shape (H,) or (N, H), for mutants that need it."""
    return x_t @ params["Wx"].T + h_prev @ params["Wh"].T + params["bx"]


def _read_out(h, params):
    """y = Wy h + by for h of shape (..., H)."""
    return h @ params["Wy"].T + params["by"]


def _step_without_tanh(x_t, h_prev, params):
    a_t = _pre_activation(x_t, h_prev, params)
    return a_t, _read_out(a_t, params)


def _step_with_tanh_twice(x_t, h_prev, params):
    h_t = np.tanh(ref.rnn_step_forward(x_t, h_prev, params)[0])
    return h_t, _read_out(h_t, params)


def _as_columns(result, *arguments):
    return tuple(np.asarray(value)[..., None] for value in result)


def _negated(result, *arguments):
    """Every returned number with its sign flipped (dicts and tuples included)."""
    if isinstance(result, dict):
        return {name: -value for name, value in result.items()}
    if isinstance(result, tuple):
        return tuple(_negated(value) for value in result)
    return -result


RNN_SHAPES = "Wx (H, D), Wh (H, H), Wy (O, H), bx (H,), by (O,)"
TRANSPOSED_HINT = (
    f"Shapes: {RNN_SHAPES}. A weight used transposed (W where W.T is needed, or the other way round), "
    "or the two factors of a product swapped, gives this error."
)


def _random_params(rng, input_size, hidden_size, output_size, scale=0.8):
    params = init_params(input_size, hidden_size, output_size, seed=rng)
    return {name: scale * value for name, value in params.items()}


def _original_second_step():
    """The original example's second step: x_2 and h_1, so that the memory term is not zero."""
    example = original_example(seed=0)
    h_1 = ref.rnn_step_forward(example["inputs"][0], np.zeros(4), example["params"])[0]
    return example["inputs"][1], h_1, example["params"]


def _step_cases():
    rng = np.random.RandomState(11)
    params = _random_params(rng, 2, 5, 3)
    return [
        Case("the original example's second step (D=3, H=4, O=2)", _original_second_step()),
        Case("one input with D=2, H=5, O=3", (rng.randn(2), 0.5 * rng.randn(5), params)),
        Case("a batch of 4 inputs, shape (4, 2)", (rng.randn(4, 2), 0.5 * rng.randn(4, 5), params), batch=True),
    ]


def _forward_cases():
    example = original_example(seed=0)
    rng = np.random.RandomState(12)
    params = _random_params(rng, 2, 5, 3)
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
    return states, _read_out(states, params)


STEP_MISTAKES = (
    Mistake("W_h is used transposed",
            "The memory term is W_h h_{t-1}: in row form h_prev @ Wh.T. (Wh is square, so a missing or extra .T "
            "gives no error, only wrong numbers.)",
            _with_arguments(ref.rnn_step_forward, **_with_param("Wh", np.transpose))),
    Mistake("the bias b_x is missing", "a_t = W_x x_t + W_h h_{t-1} + b_x: add params['bx'].",
            _with_arguments(ref.rnn_step_forward, **_with_param("bx", np.zeros_like))),
    Mistake("the output bias b_y is missing", "y_t = W_y h_t + b_y: add params['by'].",
            _with_arguments(ref.rnn_step_forward, **_with_param("by", np.zeros_like))),
    Mistake("tanh is missing", "h_t = tanh(a_t): apply np.tanh to the pre-activation.", _step_without_tanh),
    Mistake("tanh is applied twice", "Apply np.tanh once, to a_t; y_t = W_y h_t + b_y has no tanh.",
            _step_with_tanh_twice),
    Mistake("y_t is computed from h_{t-1} instead of h_t (off by one in time)",
            "The output reads the new state: y_t = W_y h_t + b_y.",
            _with_result(ref.rnn_step_forward, lambda result, x_t, h_prev, params:
                         (result[0], _read_out(h_prev, params)))),
    Mistake("y_t is computed from a_t, before tanh", "The output reads the new state h_t = tanh(a_t).",
            lambda x_t, h_prev, params: (ref.rnn_step_forward(x_t, h_prev, params)[0],
                                         _read_out(_pre_activation(x_t, h_prev, params), params))),
    Mistake("you return column vectors (H, 1) where vectors of shape (H,) are expected",
            "Keep every vector 1-D as the arguments are (no reshape(-1, 1) as in the original's column form).",
            _with_result(ref.rnn_step_forward, _as_columns)),
)

FORWARD_MISTAKES = (
    Mistake("W_h is used transposed", "The memory term is W_h h_{t-1}: in row form h @ Wh.T.",
            _with_arguments(ref.rnn_forward, **_with_param("Wh", np.transpose))),
    Mistake("the bias b_x is missing", "a_t = W_x x_t + W_h h_{t-1} + b_x: add params['bx'].",
            _with_arguments(ref.rnn_forward, **_with_param("bx", np.zeros_like))),
    Mistake("tanh is missing", "h_t = tanh(a_t) at every step.",
            _with_piece(ref.rnn_forward, "rnn_step_forward", _step_without_tanh)),
    Mistake("tanh is applied twice", "Apply np.tanh once per step, to a_t.",
            _with_piece(ref.rnn_forward, "rnn_step_forward", _step_with_tanh_twice)),
    Mistake("the hidden state is not carried from step to step: every step starts from h0",
            "Feed each step's new h_t into the next step, e.g. h = step(x_t, h, params)[0] inside the loop.",
            _unrolled_without_carrying),
    Mistake("h_{t-1} and h_t are mixed up: you store the state from before each step (off by one in time)",
            "Store h_t after computing it: the first stored state is h_1, not h_0.",
            _with_result(ref.rnn_forward, lambda result, inputs, params, h0:
                         (_shifted_states(result, inputs, params, h0), result[1]))),
    Mistake("h_{t-1} and h_t are mixed up: the states and outputs are one step late (off by one in time)",
            "Store h_t and y_t = W_y h_t + b_y after the step; the first stored state is h_1, not h_0.",
            _with_result(ref.rnn_forward, _one_step_late)),
    Mistake("h0 is not used: your loop starts from zeros", "Start the loop from the h0 argument.",
            _with_arguments(ref.rnn_forward, h0=lambda arguments: np.zeros_like(arguments["h0"]))),
    Mistake("you return column vectors (H, 1) where vectors of shape (H,) are expected",
            "Keep every vector 1-D; stack the steps into (T, H) and (T, O) (np.stack or np.array of the list).",
            _with_result(ref.rnn_forward, _as_columns)),
)


def _prediction_cases():
    example = original_example(seed=0)
    rng = np.random.RandomState(13)
    return [
        Case("the original example's outputs, shape (5, 2)", (rnn_forward(example["inputs"], example["params"])[1],)),
        Case("outputs of shape (7, 3)", (rng.randn(7, 3),)),
        Case("a batch of outputs, shape (4, 6, 3)", (rng.randn(4, 6, 3),), batch=True),
    ]


def _accuracy_cases():
    example = original_example(seed=0)
    predicted = predict(rnn_forward(example["inputs"], example["params"])[1])
    rng = np.random.RandomState(14)
    return [
        Case("the original predictions and labels", (predicted, example["labels"])),
        Case("8 predictions of 3 classes", (rng.randint(0, 3, 8), rng.randint(0, 3, 8))),
        Case("a batch of labels, shape (4, 6)", (rng.randint(0, 3, (4, 6)), rng.randint(0, 3, (4, 6))), batch=True),
    ]


PREDICT_MISTAKES = (
    Mistake("the argmax runs over the time axis instead of the classes",
            "The classes are the last axis: np.argmax(outputs, axis=-1).",
            lambda outputs: np.argmax(outputs, axis=-2)),
    Mistake("the argmax has no axis, so it indexes the flattened array",
            "Give the axis of the classes: np.argmax(outputs, axis=-1).", lambda outputs: np.argmax(outputs)),
    Mistake("you return the largest score, not its index", "np.argmax gives the index (the class), np.max the value.",
            lambda outputs: np.max(outputs, axis=-1)),
)

ACCURACY_MISTAKES = (
    Mistake("you return a percentage instead of a fraction", "Return a fraction between 0 and 1: 40% is 0.4.",
            lambda predicted, true: 100 * accuracy(predicted, true)),
    Mistake("you return the number of correct predictions, not the fraction",
            "Divide by the number of labels (np.mean of the comparison does both).",
            lambda predicted, true: float(np.sum(np.asarray(predicted) == np.asarray(true)))),
    Mistake("you return the fraction of wrong predictions", "Count where predicted == true.",
            lambda predicted, true: 1 - accuracy(predicted, true)),
)


def _loss_cases():
    example = original_example(seed=0)
    rng = np.random.RandomState(15)
    return [
        Case("the original example's outputs and labels", (rnn_forward(example["inputs"], example["params"])[1],
                                                           example["labels"])),
        Case("scores of shape (6, 3)", (2 * rng.randn(6, 3), rng.randint(0, 3, 6))),
        Case("a batch of scores, shape (4, 5, 3)", (2 * rng.randn(4, 5, 3), rng.randint(0, 3, (4, 5))), batch=True),
        Case("large scores (about 800, so exp() overflows without the max shift)",
             (800 + rng.randn(4, 3), rng.randint(0, 3, 4))),
    ]


def _rescaled_loss(divisor):
    """The summed loss and gradient divided by ``divisor(outputs, labels)`` instead of the count of steps."""

    def mutant(outputs, labels, reduction="mean"):  # reduction: ignored, the mistake decides
        loss, d_outputs = ref.softmax_cross_entropy(outputs, labels, reduction="sum")
        return loss / divisor(outputs), d_outputs / divisor(outputs)

    return mutant


def _loss_without_max_shift(outputs, labels, reduction="mean"):
    """exp() of the raw scores: inf for scores above ~709, and then inf / inf = NaN.

    A step whose exp() overflows gets NaN for its whole gradient row, and the loss is NaN; the other
    steps are unchanged (without an overflow the shift changes nothing). The reference refuses NaN
    scores, so the NaN is put into its result.
    """
    loss, d_outputs = ref.softmax_cross_entropy(outputs, labels, reduction)
    with np.errstate(over="ignore"):
        overflows = np.isinf(np.exp(outputs)).any(axis=-1)
    d_outputs[overflows] = np.nan
    return (np.nan if overflows.any() else loss), d_outputs


def _mean_loss_summed_gradient(outputs, labels, reduction="mean"):  # reduction: ignored, the mistake decides
    return ref.softmax_cross_entropy(outputs, labels)[0], ref.softmax_cross_entropy(
        outputs, labels, reduction="sum")[1]


LOSS_MISTAKES = (
    Mistake("the loss is summed over the steps instead of averaged",
            "L is the mean over the labelled steps: divide the loss and its gradient by their count.",
            _with_arguments(ref.softmax_cross_entropy, reduction=lambda arguments: "sum")),
    Mistake("the loss is averaged, but its gradient is not", "dL/dy = (p - onehot(c)) / count: divide it too.",
            _mean_loss_summed_gradient),
    Mistake("the loss is averaged over the wrong count: over every score (steps x classes), not over the steps",
            "Divide by the number of steps (np.mean over a (T, O) array divides by T * O).",
            _rescaled_loss(lambda outputs: outputs[..., 0].size * outputs.shape[-1])),
    Mistake("the loss is averaged over the wrong count: over the batch only (N), not over all N * T steps",
            "Divide by the number of labelled steps in the whole batch.", _rescaled_loss(lambda outputs: len(outputs))),
    Mistake("the loss is averaged over the wrong count: over the sequence length only (T), not over all N * T steps",
            "Divide by the number of labelled steps in the whole batch.",
            _rescaled_loss(lambda outputs: outputs.shape[-2])),
    Mistake("softmax overflows: exp() of large scores is inf, and inf / inf is NaN (the max shift is missing)",
            "Subtract each row's maximum before exp(): y - y.max(axis=-1, keepdims=True). Softmax is unchanged.",
            _loss_without_max_shift),
    Mistake("the sign of the gradient is flipped", "dL/dy = p - onehot(c), not onehot(c) - p.",
            _with_result(ref.softmax_cross_entropy, lambda result, *arguments: (result[0], -result[1]))),
    Mistake("the sign of the loss is flipped", "L = -mean log p[c]: a loss is positive.",
            _with_result(ref.softmax_cross_entropy, lambda result, *arguments: (-result[0], result[1]))),
)


def _step_backward_cases():
    """Arguments of one backward step, made consistent by a forward step: h_t = tanh(a_t)."""
    example = original_example(seed=0)
    x_t, h_prev, params = _original_second_step()
    hidden_states, outputs = rnn_forward(example["inputs"], params)
    _, d_outputs = ref.softmax_cross_entropy(outputs, example["labels"])
    cases = [Case("the original example's second step", (d_outputs[1], 0.1 * np.ones(4), x_t, h_prev,
                                                           hidden_states[1], params))]
    rng = np.random.RandomState(16)
    params = _random_params(rng, 2, 5, 3)
    for leading, label, batch in (((), "one step with D=2, H=5, O=3", False), ((4,), "a batch of 4", True)):
        x_t, h_prev = rng.randn(*leading, 2), 0.5 * rng.randn(*leading, 5)
        h_t = ref.rnn_step_forward(x_t, h_prev, params)[0]
        cases.append(Case(label, (rng.randn(*leading, 3), rng.randn(*leading, 5), x_t, h_prev, h_t, params), batch))
    return cases


def _backward_step_with(**changes):
    """The reference backward step with some arguments replaced on the way to delta_t only.

    The output layer's gradients (dWy, dby) are taken from the correct step: a mistake in the tanh
    slope or in the gradient from step t+1 does not reach them.
    """
    mistaken = _with_arguments(ref.rnn_step_backward, **changes)

    def mutant(*arguments):
        d_h_prev, grads = mistaken(*arguments)
        correct = ref.rnn_step_backward(*arguments)[1]
        return d_h_prev, {**grads, "Wy": correct["Wy"], "by": correct["by"]}

    return mutant


def _slope_from(state):
    """A change of h_t inside the tanh slope 1 - h_t^2, e.g. to a_t: the slope computed from the wrong thing."""
    return {"h_t": state}


def _recomputed_pre_activation(arguments):
    return _pre_activation(arguments["x_t"], arguments["h_prev"], arguments["params"])


def _gradient_transposed(name):
    return _with_result(ref.rnn_step_backward, lambda result, *arguments:
                        (result[0], {**result[1], name: result[1][name].T}))


SLOPE_MISTAKES = (
    ("the tanh derivative is 1 - a_t^2: it must be 1 - h_t^2, with h_t = tanh(a_t)",
     "tanh'(a) = 1 - tanh(a)^2 = 1 - h_t^2: use the state h_t, not the pre-activation.",
     _backward_step_with(**_slope_from(_recomputed_pre_activation))),
    ("the tanh derivative is missing", "delta_t = dh_t * (1 - h_t^2): the gradient passes through tanh.",
     _backward_step_with(**_slope_from(lambda arguments: np.zeros_like(arguments["h_t"])))),
    ("the tanh derivative is 1 - tanh(h_t)^2: tanh applied once too often",
     "h_t is already tanh(a_t): the slope is 1 - h_t**2.",
     _backward_step_with(**_slope_from(lambda arguments: np.tanh(arguments["h_t"])))),
    ("h_{t-1} and h_t are mixed up in the tanh derivative (off by one in time)",
     "The slope of step t is 1 - h_t^2, from the state this step computed.",
     _backward_step_with(**_slope_from(lambda arguments: arguments["h_prev"]))),
    ("h_{t-1} and h_t are mixed up in dW_h (off by one in time)",
     "dW_h = delta_t h_{t-1}^T: W_h multiplied the previous state.",
     _backward_step_with(h_prev=lambda arguments: arguments["h_t"])),
    ("W_h is used transposed in the gradient to h_{t-1}",
     "dh_{t-1} = W_h^T delta_t: in row form delta_t @ Wh (no .T).",
     _backward_step_with(**_with_param("Wh", np.transpose))),
    ("the gradient from step t+1 is not carried: dh_t must add what reaches h_t from the next step",
     "dh_t = W_y^T dy_t + (gradient from step t+1), the d_h_next argument.",
     _backward_step_with(d_h_next=lambda arguments: np.zeros_like(arguments["d_h_next"]))),
    ("the gradient through the output y_t is missing from dh_t", "dh_t = W_y^T dy_t + (gradient from step t+1).",
     _backward_step_with(d_y_t=lambda arguments: np.zeros_like(arguments["d_y_t"]))),
    ("the gradient sign is flipped", "Gradients add up the chain rule's factors as they are; no minus sign.",
     _with_result(ref.rnn_step_backward, _negated)),
)

STEP_BACKWARD_MISTAKES = tuple(Mistake(*row) for row in SLOPE_MISTAKES) + tuple(
    Mistake(f"d{name} is transposed", f"A weight gradient has the weight's shape: dW = (gradient at its output) "
            f"(its input)^T, so d{name} has the shape of {name}.", _gradient_transposed(name))
    for name in ("Wx", "Wh", "Wy"))


def _backward_cases():
    example = original_example(seed=0)
    rng = np.random.RandomState(17)
    params = _random_params(rng, 2, 5, 3)
    return [
        Case("the original example", (example["inputs"], example["labels"], example["params"], np.zeros(4))),
        Case("one sequence with T=6, D=2, H=5, O=3 and h0 not zero",
             (rng.randn(6, 2), rng.randint(0, 3, 6), params, 0.5 * rng.randn(5))),
        Case("a batch of 3 sequences, shape (3, 6, 2)",
             (rng.randn(3, 6, 2), rng.randint(0, 3, (3, 6)), params, 0.5 * rng.randn(3, 5)), batch=True),
    ]


BACKWARD_MISTAKES = tuple(
    Mistake(what, where, _with_piece(ref.rnn_backward, "rnn_step_backward", step_mutant))
    for what, where, step_mutant in SLOPE_MISTAKES[:-1]
) + tuple(
    Mistake(mistake.what, mistake.where, _with_piece(ref.rnn_backward, "softmax_cross_entropy", mistake.mutant))
    for mistake in LOSS_MISTAKES[:5]
) + (
    Mistake("the gradient sign is flipped", "Gradients follow the chain rule as it is; no minus sign.",
            _with_result(ref.rnn_backward, lambda result, *arguments: (result[0], _negated(result[1])))),
)


def _clipping_cases():
    rng = np.random.RandomState(18)
    grads = {"Wx": rng.randn(4, 3), "Wh": rng.randn(4, 4), "bx": rng.randn(4)}
    return [
        Case("gradients with joint norm above max_norm = 1", (grads, 1.0)),
        Case("gradients with joint norm below max_norm = 100", (grads, 100.0)),
        Case("gradients of other shapes, max_norm = 0.5", ({"a": 3 * rng.randn(2, 5), "b": rng.randn(3)}, 0.5)),
    ]


def _clipped_separately(grads, max_norm):
    clipped = {name: ref.clip_gradients({name: grad}, max_norm)[0][name] for name, grad in grads.items()}
    return clipped, ref.clip_gradients(grads, max_norm)[1]


def _scaled_to_max_norm(grads, max_norm):
    norm = ref.clip_gradients(grads, max_norm)[1]
    return {name: grad * max_norm / norm for name, grad in grads.items()}, norm


CLIPPING_MISTAKES = (
    Mistake("each gradient is clipped on its own: the norm must be the joint norm of all of them",
            "||g|| = sqrt(sum over every entry of every gradient of g^2); scale all gradients by the same factor.",
            _clipped_separately, compare=("clipped_grads",)),
    Mistake("gradients are scaled up to max_norm even when their norm is already below it",
            "The factor is min(1, max_norm / ||g||): small gradients stay as they are.", _scaled_to_max_norm),
    Mistake("the entries are clipped one by one (np.clip) instead of the whole gradient rescaled",
            "Rescale: g * min(1, max_norm / ||g||) keeps the direction.",
            lambda grads, max_norm: ({name: np.clip(grad, -max_norm, max_norm) for name, grad in grads.items()},
                                     ref.clip_gradients(grads, max_norm)[1])),
    Mistake("the returned norm is the norm after clipping; return the norm before",
            "Return the norm measured before scaling.",
            _with_result(ref.clip_gradients, lambda result, grads, max_norm:
                         (result[0], min(result[1], max_norm)))),
)


def _momentum_cases():
    rng = np.random.RandomState(19)
    shapes = {"Wx": (4, 3), "bx": (4,)}

    def draw():
        return {name: rng.randn(*shape) for name, shape in shapes.items()}

    return [Case(f"learning_rate={rate}, momentum={momentum}", (draw(), draw(), draw(), rate, momentum))
            for rate, momentum in ((0.1, 0.9), (0.05, 0.5))]


def _torch_convention(params, grads, velocity, learning_rate, momentum):
    new_velocity = {name: momentum * velocity[name] + grads[name] for name in params}
    return {name: params[name] - learning_rate * new_velocity[name] for name in params}, new_velocity


MOMENTUM_MISTAKES = (
    Mistake("the gradient sign is flipped: this climbs the loss", "v <- momentum * v - learning_rate * g.",
            _with_arguments(ref.sgd_momentum_step,
                            grads=lambda arguments: {k: -g for k, g in arguments["grads"].items()})),
    Mistake("the velocity is not carried: the step ignores momentum * v",
            "v <- momentum * v - learning_rate * g uses the velocity argument.",
            _with_arguments(ref.sgd_momentum_step,
                            velocity=lambda arguments: {k: 0 * v for k, v in arguments["velocity"].items()})),
    Mistake("the parameters move by the old velocity: update v first, then p <- p + v (the new v)",
            "Compute the new velocity first, then add it to the parameters.",
            lambda params, grads, velocity, learning_rate, momentum: (
                {name: params[name] + velocity[name] for name in params},
                ref.sgd_momentum_step(params, grads, velocity, learning_rate, momentum)[1])),
    Mistake("this is PyTorch's form of momentum (v <- momentum * v + g; p <- p - learning_rate * v)",
            "Here the velocity holds the step itself: v <- momentum * v - learning_rate * g; p <- p + v.",
            _torch_convention),
)

IMPLEMENTATIONS = {
    "rnn_step_forward": Implementation(
        ref.rnn_step_forward, ("h_t", "y_t"), _step_cases, STEP_MISTAKES, TRANSPOSED_HINT,
        "Write the products in row form, x_t @ Wx.T + h_prev @ Wh.T + bx: the same line then works for one "
        "vector (D,) and for a batch (N, D)."),
    "rnn_forward": Implementation(
        ref.rnn_forward, ("hidden_states", "outputs"), _forward_cases, FORWARD_MISTAKES, TRANSPOSED_HINT,
        "Loop over the time axis, inputs.shape[-2], and take step t as inputs[..., t, :]: that is x_t (D,) for "
        "one sequence and the (N, D) inputs at step t for a batch. Stack the steps along axis -2."),
    "predict": Implementation(predict, ("predicted_labels",), _prediction_cases, PREDICT_MISTAKES,
                              "outputs has shape (T, O) or (N, T, O): the classes are the last axis."),
    "accuracy": Implementation(accuracy, ("accuracy",), _accuracy_cases, ACCURACY_MISTAKES,
                               "Both label arrays have the same shape, (T,) or (N, T)."),
    "softmax_cross_entropy": Implementation(
        ref.softmax_cross_entropy, ("loss", "d_outputs"), _loss_cases, LOSS_MISTAKES,
        "outputs is (T, O) or (N, T, O) and labels (T,) or (N, T): reduce over the classes with axis=-1 and "
        "keepdims=True, and pick each step's true class with the labels.",
        "Reduce over the classes with axis=-1 and count every step of every sequence: (N, T) labels."),
    "rnn_step_backward": Implementation(
        ref.rnn_step_backward, ("d_h_prev", "grads"), _step_backward_cases, STEP_BACKWARD_MISTAKES,
        f"Shapes: {RNN_SHAPES}; dW has the shape of W. In row form dh_t = d_y_t @ Wy + d_h_next and "
        "dh_{t-1} = delta_t @ Wh; np.outer(delta_t, x_t) is delta_t x_t^T.",
        "For a batch, sum the step's contributions over the sequences: dWx = delta_t.T @ x_t for (N, H) and "
        "(N, D) rows; np.atleast_2d turns one vector into a batch of one."),
    "rnn_backward": Implementation(
        ref.rnn_backward, ("loss", "grads"), _backward_cases, BACKWARD_MISTAKES,
        f"Shapes: {RNN_SHAPES}; every gradient has the shape of its parameter, and grads['h0'] that of h0.",
        "Take step t as inputs[..., t, :] and hidden_states[..., t, :]: the same code then runs one sequence "
        "and a batch."),
    "clip_gradients": Implementation(
        ref.clip_gradients, ("clipped_grads", "norm"), _clipping_cases, CLIPPING_MISTAKES,
        "grads is a dict of arrays of any shapes; return a dict with the same keys and the norm."),
    "sgd_momentum_step": Implementation(
        ref.sgd_momentum_step, ("new_params", "new_velocity"), _momentum_cases, MOMENTUM_MISTAKES,
        "params, grads and velocity are dicts with the same keys and shapes."),
}

# ---- running and comparing ------------------------------------------------------------------


def _run(function, arguments):
    """Call ``function`` on a copy of ``arguments``, so that it cannot change the cases."""
    with np.errstate(all="ignore"):  # an overflow is diagnosed in the message, not warned about
        return function(*copy.deepcopy(arguments))


def _as_numbers(value):
    """An ndarray of real numbers, or None for anything else (strings, None, complex numbers, objects)."""
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):  # ragged lists
        return None
    if array.dtype == bool or not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        return None
    return array


def _flatten(result, returns):
    """{'h_t': array, 'grads['Wx']': array, ...} from a returned value; None if it is not shaped like ``returns``."""
    if len(returns) == 1:
        parts = {returns[0]: result}
    elif isinstance(result, tuple | list) and len(result) == len(returns):
        parts = dict(zip(returns, result, strict=True))
    else:
        return None
    flat = {}
    for name, value in parts.items():
        if isinstance(value, dict):
            flat.update({f"{name}[{key!r}]": _as_numbers(item) for key, item in value.items()})
        else:
            flat[name] = _as_numbers(value)
    return flat


def _agree(actual, expected):
    """Same shape, same values to 1e-6 relative, and NaN/inf in the same places."""
    if actual is None or actual.shape != expected.shape:
        return False
    finite = np.isfinite(expected)
    if not np.array_equal(np.isfinite(actual), finite):
        return False
    return bool(np.allclose(actual[finite], expected[finite], rtol=1e-6, atol=1e-9))


def _matches(flat, expected_flat, keys=None):
    if flat is None or flat.keys() != expected_flat.keys():
        return False
    return all(_agree(flat[key], expected_flat[key]) for key in expected_flat
               if keys is None or key.split("[")[0] in keys)


def _shape_advice(actual_shape, expected_shape):
    if actual_shape == expected_shape + (1,):
        return " That is a column vector where a 1-D array is expected: keep every vector 1-D."
    if len(expected_shape) >= 1 and actual_shape == expected_shape + expected_shape[-1:]:
        return (" A column (H, 1) added to a vector (H,) broadcasts to (H, H): keep every vector 1-D.")
    return ""


def _difference(flat, expected_flat, returns):
    """Which returned values are wrong and how, and which are right: where to look."""
    if flat is None:
        wanted = returns[0] if len(returns) == 1 else "(" + ", ".join(returns) + ")"
        return f"expected {wanted}"
    missing = [key for key in expected_flat if key not in flat]
    if missing:
        return f"{', '.join(missing)} missing (returned: {', '.join(flat) or 'nothing'})"
    wrong, right = [], []
    for key, expected in expected_flat.items():
        actual = flat[key]
        if actual is None:
            wrong.append(f"{key} is not an array of real numbers")
        elif actual.shape != expected.shape:
            wrong.append(f"{key} has shape {actual.shape}, expected {expected.shape}."
                         f"{_shape_advice(actual.shape, expected.shape)}")
        elif not np.array_equal(np.isfinite(actual), np.isfinite(expected)):
            wrong.append(f"{key} has NaN or inf values")
        elif _agree(actual, expected):
            right.append(key)
        else:
            gap = np.abs(actual.astype(float) - expected)
            where = np.unravel_index(np.argmax(gap), gap.shape)
            at = f" at index {tuple(int(i) for i in where)}" if gap.ndim else ""
            wrong.append(f"{key} is off by up to {gap.max():.3g}{at}")
    return "; ".join(wrong) + (f" ({', '.join(right)} right)" if right else "")


_LIBRARY_FOLDERS = tuple({sysconfig.get_paths()[key] for key in ("stdlib", "purelib", "platlib")}
                         | {str(Path(__file__).resolve().parent)})


def _students_frames(error):
    """The traceback's frames in the student's code: not in Python, installed packages or rnn_helpers."""
    return [frame for frame in traceback.extract_tb(error.__traceback__)
            if not str(Path(frame.filename).resolve()).startswith(_LIBRARY_FOLDERS)]


def _error_report(name, error, case, hint):
    """Two or three lines: the exception, and the line of the student's code it came from."""
    frames = _students_frames(error)
    text = str(error).splitlines()[0][:300] if str(error) else ""
    lines = [f"{name}: your code raised {type(error).__name__} on {case.label}"]
    if frames:
        lines[0] += f", at line {frames[-1].lineno} of {frames[-1].name}():"
        lines.append(f"    {frames[-1].line}")
    lines.append(f"{type(error).__name__}: {text}")
    if isinstance(error, ValueError | IndexError):
        lines.append(hint)
    return "\n".join(lines)


def _mistaken_result(mistake, case, returns):
    """What an implementation with ``mistake`` returns on ``case``, flattened; None if it raises."""
    try:
        with np.errstate(all="ignore"):
            return _flatten(mistake.mutant(*copy.deepcopy(case.arguments)), returns)
    except (ValueError, IndexError):  # e.g. a transposed weight that does not fit: not a value to match
        return None


GLOBAL_HINT = "Do you use a variable from the notebook (params, Wx, ...) instead of the function's arguments?"


def _not_done(name, function, error):
    """A stub: the student's own, or one of theirs that their function calls (a later exercise built on it)."""
    frames = _students_frames(error)
    if frames and frames[-1].name != getattr(function, "__name__", frames[-1].name):
        return False, (f"{name}: your function calls {frames[-1].name}(), which is not done yet: finish that "
                       "exercise first (or use the helper instead).")
    return False, (f"{name}: not done yet. Write your code where it says # YOUR CODE HERE, delete the "
                   "`raise NotImplementedError` line, and run the cell again.")


def judge_function(name, function):
    """Run ``function`` as implementation exercise ``name`` and judge it against the ref.

    Returns (passed, message). The message says "correct", "not done yet", which usual mistake
    the results show and where to look, or, for an exception, the line of your code it came from.
    """
    if name not in IMPLEMENTATIONS:
        raise ValueError(f"unknown implementation exercise {name!r}; known: {sorted(IMPLEMENTATIONS)}")
    if not callable(function):
        raise TypeError(f"function must be the function you wrote (callable), got {type(function).__name__}")
    exercise = IMPLEMENTATIONS[name]
    cases = exercise.cases()
    for number, case in enumerate(cases):
        expected = _flatten(exercise.reference(*copy.deepcopy(case.arguments)), exercise.returns)
        try:
            result = _run(function, case.arguments)
        except NotImplementedError as error:
            return _not_done(name, function, error)
        except Exception as error:  # any mistake in the student's code: report it, do not crash the notebook
            hint = exercise.shape_hint
            if case.batch and exercise.batch_hint:  # the cases before, one sequence each, passed
                hint = f"It works for one sequence, not yet for a batch. {exercise.batch_hint}"
            elif number > 0:
                hint = f"It works on {cases[0].label}, not on other sizes. {GLOBAL_HINT}"
            return False, _error_report(name, error, case, hint)
        if result is None:
            return False, f"{name}: not done yet, or the `return` line is missing: your function returned None."
        flat = _flatten(result, exercise.returns)
        if _matches(flat, expected):
            continue
        where = f"On {case.label}: {_difference(flat, expected, exercise.returns)}."
        seen = [mistake for mistake in exercise.mistakes
                if _matches(flat, _mistaken_result(mistake, case, exercise.returns), mistake.compare)]
        if seen:
            return False, f"{name}: not correct yet. It looks like {seen[0].what}. {seen[0].where}\n{where}"
        if case.batch and exercise.batch_hint:
            return False, f"{name}: correct for one sequence, not yet for a batch. {exercise.batch_hint}\n{where}"
        if number > 0:
            return False, f"{name}: correct on {cases[0].label}, not on other sizes. {GLOBAL_HINT}\n{where}"
        return False, f"{name}: not correct yet. {where}"
    return True, f"{name}: correct! (checked on {len(cases)} inputs: {', '.join(case.label for case in cases)})"


def check_function(name, function):
    """Print whether ``function`` solves implementation exercise ``name`` (see ``judge_function``)."""
    print(judge_function(name, function)[1])


# ---------------------------------------------------------------------------------------------
# Value exercises
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueExercise:
    """A value exercise: the question, the answer, a tolerance, and the usual wrong answers.

    ``mistakes`` holds (what it looks like, function computing that wrong answer) pairs.
    """

    question: str
    answer: Callable
    tolerance: float
    mistakes: tuple = field(default=())


def _original():
    return original_example(seed=0)


def _step_from_ones(activation=np.tanh, with_bias=True):
    params = _original()["params"]
    return activation(params["Wx"] @ np.ones(3) + with_bias * params["bx"])


def _second_preactivation(memory=True, with_bias=True):
    x_2, h_1, params = _original_second_step()
    return params["Wx"] @ x_2 + memory * params["Wh"] @ h_1 + with_bias * params["bx"]


def _reversed_run(inputs_order=-1):
    example = _original()
    return rnn_forward(example["inputs"][::inputs_order], example["params"])[0]


def _last_output_from(h0):
    example = _original()
    return rnn_forward(example["inputs"], example["params"], h0=h0)[1][-1]


def _original_saturation():
    example = _original()
    return saturated_fraction(rnn_forward(example["inputs"], example["params"])[0])


def _always_zero_accuracy():
    return float(np.mean(_original()["labels"] == 0))


def _original_predictions():
    example = _original()
    return predict(rnn_forward(example["inputs"], example["params"])[1])


def _flipped_prediction_accuracy():
    return float(np.mean(1 - _original_predictions() == _original()["labels"]))


def _impulse_memory_steps():
    result = simulate(ExplorerConfig(spectral_radius=0.8, signal="impulse", bias=0.0))
    peak = np.abs(result["hidden_states"]).max(axis=1)
    return int(np.argmax(peak < 0.01 * peak[0]))


def _original_gradients():
    example = _original()
    return ref.rnn_backward(example["inputs"], example["labels"], example["params"])[1]


def _summed_loss_gradients():
    example = _original()
    return ref.rnn_backward(example["inputs"], example["labels"], example["params"], reduction="sum")[1]


def _running_sign_ones_fraction():
    return float(np.mean(running_sign_task(2000, 50, seed=0)["labels"] == 1))


def _original_Wh():
    return init_params(3, 4, 2, seed=0)["Wh"]


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
    "02.1": ValueExercise(
        "the final hidden state when the original inputs are fed in reverse order", lambda: _reversed_run()[-1], 1e-8,
        (("that is the final state of the forward order: reverse the inputs with [::-1]",
          lambda: _reversed_run(1)[-1]),
         ("that is the first state of the reversed run: the final state is the last row, [-1]",
          lambda: _reversed_run()[0]))),
    "02.2": ValueExercise(
        "the output y_5 when the original RNN starts from h_0 = np.ones(4)", lambda: _last_output_from(np.ones(4)),
        1e-8, (("that is y_5 from h_0 = 0: pass h0=np.ones(4)", lambda: _last_output_from(None)),)),
    "03.1": ValueExercise(
        "the fraction of the original 5 x 4 hidden activations with |h| > 0.95", _original_saturation, 1e-9,
        (("that is a count: divide by the 20 activations", lambda: 20 * _original_saturation()),)),
    "04.1": ValueExercise(
        "the accuracy of always predicting class 0 on the original labels", _always_zero_accuracy, 1e-9,
        (("that is the number of steps predicted right: divide by the 5 steps", lambda: 5 * _always_zero_accuracy()),
         ("that is the accuracy of always predicting class 1, and also the original RNN's accuracy: the rule "
          "predicts class 0 at every step", lambda: 1 - _always_zero_accuracy()))),
    "04.2": ValueExercise(
        "the accuracy of the flipped predictions (1 - predicted) on the original labels",
        _flipped_prediction_accuracy, 1e-9,
        (("that is the number of steps predicted right: divide by the 5 steps",
          lambda: 5 * _flipped_prediction_accuracy()),
         ("that is the accuracy of the original predictions: flip them first", lambda: 1 - _flipped_prediction_accuracy(
         )))),
    "05.1": ValueExercise(
        "the first step index t (0-based) at which max |hidden_states[t]| < 1% of max |hidden_states[0]| "
        "(the response to the kick) after an impulse, with "
        "ExplorerConfig(spectral_radius=0.8, signal='impulse')", _impulse_memory_steps, 0,
        (("that counts from 1: the index t counts from 0, as in result['hidden_states'][t]",
          lambda: _impulse_memory_steps() + 1),
         ("that is the last step still above 1%, one before the first step below it",
          lambda: _impulse_memory_steps() - 1))),
    "06.1": ValueExercise(
        "dL/dby for the original example (mean loss over its 5 steps)", lambda: _original_gradients()["by"], 1e-8,
        (("the loss is not averaged: L is the mean over the 5 steps, so divide by T = 5",
          lambda: _summed_loss_gradients()["by"]),
         ("the steps' gradients are averaged: b_y is used at every step, so add them up (sum over t)",
          lambda: _original_gradients()["by"] / 5),
         ("the sign is flipped: dL/dy_t = (p_t - onehot(c_t)) / T", lambda: -_original_gradients()["by"]))),
    "06.2": ValueExercise(
        "dL/dWx[1, 2] for the original example, by central differences", lambda: _original_gradients()["Wx"][1, 2],
        1e-6,
        (("that is twice the derivative: central differences divide by 2 epsilon",
          lambda: 2 * _original_gradients()["Wx"][1, 2]),
         ("the sign is flipped: (L(theta + eps) - L(theta - eps)) / (2 eps)",
          lambda: -_original_gradients()["Wx"][1, 2]),
         ("that is the entry dL/dWx[2, 1]: row 1, column 2 is Wx[1, 2]", lambda: _original_gradients()["Wx"][2, 1]))),
    "07.1": ValueExercise(
        "the fraction of labels equal to 1 in running_sign_task(2000, 50, seed=0)", _running_sign_ones_fraction, 1e-9,
        (("that is a count: divide by the number of labels", lambda: 2000 * 50 * _running_sign_ones_fraction()),)),
    "08.1": ValueExercise(
        "the largest singular value of the original Wh (init_params(3, 4, 2, seed=0))",
        lambda: float(np.linalg.norm(_original_Wh(), 2)), 1e-8,
        (("that is the spectral radius (largest |eigenvalue|), not the largest singular value",
          lambda: float(np.max(np.abs(np.linalg.eigvals(_original_Wh()))))),
         ("that is the Frobenius norm: the largest singular value is np.linalg.norm(Wh, 2)",
          lambda: float(np.linalg.norm(_original_Wh()))))),
}


def _tolerance(answer, expected, tolerance):
    """The exercise's tolerance, widened to the precision of a float32 (or float16) answer."""
    if np.issubdtype(answer.dtype, np.floating):
        return max(tolerance, 8 * np.finfo(answer.dtype).eps * max(1.0, float(np.max(np.abs(expected)))))
    return tolerance


def _close(answer, expected, tolerance):
    expected = np.asarray(expected)
    return answer.shape == expected.shape and bool(
        np.all(np.abs(answer.astype(float) - expected) <= _tolerance(answer, expected, tolerance)))


def _judge_tuple(name, answer, expected, exercise):
    """The answer to a shape question: say which size is wrong."""
    prefix = f"Exercise {name}:"
    if not isinstance(answer, tuple | list) or len(answer) != len(expected):
        return False, f"{prefix} expected a tuple of {len(expected)} sizes, like (rows, columns); got {answer!r}."
    if tuple(answer) == expected:
        return True, f"{prefix} correct!"
    which = ["rows (the first size)", "columns (the second size)"]
    wrong_sizes = [which[i] if i < 2 else f"size {i + 1}" for i in range(len(expected)) if answer[i] != expected[i]]
    message = f"{prefix} the number of {' and '.join(wrong_sizes)} is wrong"
    for what, wrong in exercise.mistakes:
        if tuple(answer) == wrong():
            return False, f"{message}: {what}."
    return False, f"{message}. Hint: rows come first."


def judge(name, answer):
    """Compare ``answer`` to value exercise ``name``'s answer.

    Returns (is_correct, message): the message names the usual mistake the answer shows (tanh
    missing, a percentage for a fraction, ...), or says what is off (type, shape, largest difference).
    """
    if name not in VALUE_EXERCISES:
        raise ValueError(f"unknown exercise {name!r}; known exercises: {sorted(VALUE_EXERCISES)}")
    exercise = VALUE_EXERCISES[name]
    prefix = f"Exercise {name}:"
    expected = exercise.answer()
    if answer is None:
        return False, f"{prefix} no answer yet. Replace None with {exercise.question}."
    if isinstance(expected, tuple):
        return _judge_tuple(name, answer, expected, exercise)
    if isinstance(answer, str):
        if answer.strip().endswith("%"):
            return False, (f"{prefix} give a number, not the string {answer!r}: a fraction, written as a "
                           "number between 0 and 1 (25% is 0.25).")
        return False, f"{prefix} give a number, not the string {answer!r}."
    try:
        answer = np.asarray(answer)
    except ValueError:
        return False, f"{prefix} expected a number or an array of numbers; the rows of your list differ in length."
    if np.iscomplexobj(answer):
        return False, f"{prefix} expected a real number, got a complex one ({answer.tolist()})."
    if answer.dtype == bool or not np.issubdtype(answer.dtype, np.number):
        return False, f"{prefix} expected a number or an array of numbers, got {answer.dtype} values."
    expected = np.asarray(expected)
    if answer.shape != expected.shape:
        return False, (f"{prefix} expected shape {expected.shape}, got shape {answer.shape}."
                       f"{_shape_advice(answer.shape, expected.shape)}")
    if _close(answer, expected, exercise.tolerance):
        return True, f"{prefix} correct!"
    if not np.all(np.isfinite(answer)):
        return False, f"{prefix} your answer contains NaN or inf."
    for what, wrong in exercise.mistakes:
        if _close(answer, wrong(), exercise.tolerance):
            return False, f"{prefix} not quite: {what}."
    if expected.ndim == 0 and 0 <= expected <= 1 and _close(answer, 100 * expected, 100 * exercise.tolerance):
        return False, f"{prefix} that is a percentage: give a fraction between 0 and 1 (25% is 0.25)."
    difference = np.abs(answer.astype(float) - expected)
    worst = np.unravel_index(np.argmax(difference), difference.shape) if difference.ndim else ()
    where = f" at index {tuple(int(i) for i in worst)}" if worst else ""
    return False, (f"{prefix} not quite: it is off by up to {difference.max():.3g}{where}. "
                   f"The question: {exercise.question}.")


def check_answer(name, answer):
    """Print whether ``answer`` solves value exercise ``name`` (see ``VALUE_EXERCISES``)."""
    print(judge(name, answer)[1])
