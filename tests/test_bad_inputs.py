"""Every public function rejects bad input before any work, with a message naming the argument.

``ROWS`` has one row per public callable of ``MODULES``: how to call it with good arguments, and for
each argument the bad values to try, taken from the shared catalogues below (each bad value is made
from the good one, so one catalogue serves every shape). Every bad call must raise ValueError or
TypeError whose message names the argument and says what arrived ("got ..."), and must leave the
arrays of the other arguments unchanged. ``test_every_public_callable_has_a_row`` fails when a module
gains a public function, class, method or argument without a row, so new code is held to the same rule.

To cover a new module (rnn_helpers.gated, rnn_helpers.reference, ...): add it to MODULES and a row
per public callable to ROWS, reusing the catalogues (PARAMS works for any dict of parameter arrays);
a module left out must be named in NOT_IN_THE_TABLE with the reason.
"""

import importlib
import inspect
import pkgutil
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display in tests

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnn_helpers as rnn  # noqa: E402
from rnn_helpers import (  # noqa: E402
    backprop,
    cells,
    diagrams,
    explorer,
    gated,
    memory,
    plots,
    reference,
    spectral_explorer,
    tasks,
    training,
)
from rnn_helpers.core import IGNORE  # noqa: E402

MODULES = [
    "rnn_helpers.core",
    "rnn_helpers.losses",
    "rnn_helpers.clipping",
    "rnn_helpers.bptt",
    "rnn_helpers.backprop",
    "rnn_helpers.training",
    "rnn_helpers.tasks",
    "rnn_helpers.explorer",
    "rnn_helpers.plots",
    "rnn_helpers.cells",
    "rnn_helpers.gated",
    "rnn_helpers.reference",
    "rnn_helpers.diagrams",
    "rnn_helpers.spectral_explorer",
    "rnn_helpers.memory",
]

# Modules of the package that are not in the table, and why. A new module must go into MODULES (with
# its rows) or here: test_every_module_is_in_the_table_or_says_why_not fails until it does.
NOT_IN_THE_TABLE = {
    "rnn_helpers.exercises": "its checks judge a student's answer and say what is off, instead of raising",
}

# Public names that are inner kernels of the forward and backward passes and the training loops: they
# run inside the loops over time steps or training steps, on arrays their callers have checked, so they
# check nothing themselves.
UNCHECKED = {
    "rnn_helpers.core.read_out": "called by rnn_forward_batch on checked arrays",
    "rnn_helpers.core.recurrence_in_place": "called by rnn_forward_batch and rnn_backward on checked arrays",
    "rnn_helpers.core.tanh_in_place": "called once per time step by recurrence_in_place",
    "rnn_helpers.gated.sigmoid": "called by lstm_gates and gru_gates at every step",
    "rnn_helpers.gated.lstm_gates": "called by lstm_step and lstm_step_backward after their checks",
    "rnn_helpers.gated.gru_gates": "called by gru_step and gru_step_backward after their checks",
    "rnn_helpers.losses.softmax_cross_entropy_class_major": "the loss inside every fast backward pass, on checked "
                                                            "labels",
    "rnn_helpers.clipping.joint_norm": "the gradient norm of every training step, on checked gradients",
    "rnn_helpers.clipping.scaled_to_norm": "the clipping of every training step, with the norm joint_norm found",
    "rnn_helpers.training.bad_batch_reason": "the divergence test of every training step, on its own loss and norm",
    "rnn_helpers.training.diverged_error": "builds the error of a run that bad_batch_reason stopped",
    "rnn_helpers.lm_data.batch_rows": "draws every training step's batch from names name_batch has checked",
}


# ---------------------------------------------------------------- catalogues of bad values
# Each catalogue maps a description to a function of the good value that returns a bad one.


def with_entry(value, entry):
    """A copy of the array ``value`` with its first entry replaced."""
    bad = np.array(value, dtype=np.result_type(value, type(entry)))
    bad.flat[0] = entry
    return bad


def ragged(value):
    """A nested list whose rows have different lengths."""
    rows = np.asarray(value).tolist()
    return [rows, rows[:-1]]


def without(catalogue, *descriptions):
    return {key: make for key, make in catalogue.items() if key not in descriptions}


def plus(catalogue, **bad_values):
    """The catalogue with extra fixed bad values (description=value)."""
    fixed = {description.replace("_", " ").strip(): (lambda _, v=v: v) for description, v in bad_values.items()}
    return {**catalogue, **fixed}


FLOAT_ARRAY = {
    "None": lambda v: None,
    "a string": lambda v: "0.5",
    "a ragged list": ragged,
    "a NaN entry": lambda v: with_entry(v, np.nan),
    "an inf entry": lambda v: with_entry(v, -np.inf),
    "complex numbers": lambda v: np.asarray(v) + 1j,
    "integers": lambda v: np.ones(np.shape(v), dtype=int),
    "booleans": lambda v: np.ones(np.shape(v), dtype=bool),
    "objects": lambda v: np.array(v, dtype=object),
    "an empty array": lambda v: np.asarray(v)[:0],
    "an extra axis": lambda v: np.asarray(v)[None],
}
ANY_SHAPE_ARRAY = without(FLOAT_ARRAY, "an extra axis")

LABELS = {
    "None": lambda v: None,
    "a string": lambda v: "0",
    "a ragged list": ragged,
    "floats": lambda v: np.asarray(v, dtype=float),
    "booleans": lambda v: np.asarray(v) > 0,
    "a label of -2": lambda v: with_entry(v, -2),
    "a label too large": lambda v: with_entry(v, 99),
    "only IGNORE": lambda v: np.full(np.shape(v), IGNORE),
    "an empty array": lambda v: np.asarray(v)[:0],
    "an extra axis": lambda v: np.asarray(v)[None],
}

SIZE = plus({}, zero=0, negative=-3, huge=10**12, a_float=2.5, a_whole_float=3.0, True_=True, None_=None,
            a_string="3", NaN=np.nan, complex_=2 + 0j)
SEED = plus({}, negative=-1, too_large=2**32, a_float=1.5, a_string="0", None_=None, True_=True,
            a_Generator=np.random.default_rng(0))
NUMBER = plus({}, NaN=np.nan, inf=np.inf, minus_inf=-np.inf, None_=None, a_string="0.1", True_=True,
              complex_=1j, an_array=np.array([0.1, 0.2]))
POSITIVE = plus(NUMBER, zero=0, negative=-1.0)
PROBABILITY = plus(NUMBER, negative=-0.1, one=1.0)  # for values in [0, 1)
CHOICE = plus({}, None_=None, a_number=3, an_unknown_name="nonsense")
BOOL = plus({}, None_=None, a_string="yes", one=1)
AXES = plus({}, a_string="ax", a_number=1)
TITLE = plus({}, a_number=3, a_list=["title"], None_=None)
TITLE_OR_NONE = without(TITLE, "None")


def first_key(v):
    return next(iter(v))


def with_first(v, make):
    """A copy of the dict ``v`` whose first entry is replaced by ``make(first entry)``."""
    return {**v, first_key(v): make(v[first_key(v)])}


PARAMS = {
    "not a dict": lambda v: list(v.values()),
    "None": lambda v: None,
    "an empty dict": lambda v: {},
    "a missing key": lambda v: {key: value for key, value in list(v.items())[1:]},
    "an extra key": lambda v: {**v, "extra": np.zeros(2)},
    "nested lists": lambda v: {key: value.tolist() for key, value in v.items()},
    "float32 arrays": lambda v: {key: value.astype(np.float32) for key, value in v.items()},
    "a NaN entry": lambda v: with_first(v, lambda a: with_entry(a, np.nan)),
    "an inf entry": lambda v: with_first(v, lambda a: with_entry(a, np.inf)),
    "complex numbers": lambda v: with_first(v, lambda a: a + 1j),
    "integers": lambda v: with_first(v, lambda a: a.astype(int)),
    "an empty array": lambda v: with_first(v, lambda a: a[:0]),
    "a wrong shape": lambda v: {**v, list(v)[-1]: v[list(v)[-1]][None]},  # the last array gets an extra axis
}
ANY_PARAMS = without(PARAMS, "a missing key", "an extra key", "a wrong shape")  # an optimiser takes any

GRADS = {
    "not a dict": lambda v: list(v.values()),
    "None": lambda v: None,
    "an empty dict": lambda v: {},
    "a NaN entry": lambda v: with_first(v, lambda a: with_entry(a, np.nan)),
    "an inf entry": lambda v: with_first(v, lambda a: with_entry(a, np.inf)),
    "complex numbers": lambda v: with_first(v, lambda a: a + 1j),
    "integers": lambda v: with_first(v, lambda a: a.astype(int)),
    "a ragged list": lambda v: with_first(v, ragged),
    "strings": lambda v: with_first(v, lambda a: a.astype(str)),
}
STEP_GRADS = {
    **GRADS,
    "a missing key": lambda v: {key: value for key, value in list(v.items())[1:]},
    "an extra key h0": lambda v: {**v, "h0": np.zeros(2)},
    "a wrong shape": lambda v: with_first(v, lambda a: a[..., :-1]),
}


def with_data(v, key, make):
    return {**v, key: make(v[key])}


DATA = {
    "not a dict": lambda v: [v["inputs"], v["labels"]],
    "None": lambda v: None,
    "no labels": lambda v: {"inputs": v["inputs"]},
    "an extra key": lambda v: {**v, "mask": v["labels"]},
    "NaN inputs": lambda v: with_data(v, "inputs", lambda a: with_entry(a, np.nan)),
    "integer inputs": lambda v: with_data(v, "inputs", lambda a: a.astype(int)),
    "ragged inputs": lambda v: with_data(v, "inputs", ragged),
    "2-D inputs": lambda v: with_data(v, "inputs", lambda a: a[..., 0]),
    "float labels": lambda v: with_data(v, "labels", lambda a: a.astype(float)),
    "a label of -2": lambda v: with_data(v, "labels", lambda a: with_entry(a, -2)),
    "labels of the wrong shape": lambda v: with_data(v, "labels", lambda a: a[:, :-1]),
    "no sequences": lambda v: {"inputs": v["inputs"][:0], "labels": v["labels"][:0]},
}
DATA_FOR_MODEL = {  # data checked against a model: the number of classes and the input size are known
    **DATA,
    "a label too large": lambda v: with_data(v, "labels", lambda a: with_entry(a, 99)),
    "the wrong input size": lambda v: with_data(v, "inputs", lambda a: np.concatenate([a, a], axis=-1)),
}
TRAIN_DATA = {**DATA_FOR_MODEL, "a sequence without labels": lambda v: with_data(
    v, "labels", lambda a: np.concatenate([np.full((1, a.shape[1]), IGNORE), a[1:]]))}

OPTIMIZER = plus({}, None_=None, a_string="adam", the_class_Adam=training.Adam, an_object_without_step=object())
CONFIG = plus({}, a_dict={"hidden_size": 4}, a_string="default", a_number=3)
CALLABLE = plus({}, None_=None, a_number=3, returns_an_array=lambda: np.zeros(3), returns_NaN=lambda: np.nan,
                returns_a_string=lambda: "loss")
HISTORY = {
    "None": lambda v: None,
    "a list": lambda v: [v["loss"]],
    "no loss": lambda v: {"train_accuracy": v["train_accuracy"]},
    "a NaN loss": lambda v: {**v, "loss": [np.nan] + v["loss"][1:]},
    "strings": lambda v: {**v, "loss": ["low"] * len(v["loss"])},
    "curves of different lengths": lambda v: {**v, "train_accuracy": v["train_accuracy"][:-1]},
    "test accuracy of another length": lambda v: {**v, "test_accuracy": [0.5]},
    "no epochs": lambda v: {**v, "loss": [], "train_accuracy": []},
}
NORMS_BY_LABEL = {
    "None": lambda v: None,
    "a list": lambda v: list(v.values()),
    "an empty dict": lambda v: {},
    "NaN norms": lambda v: with_first(v, lambda a: with_entry(a, np.nan)),
    "negative norms": lambda v: with_first(v, lambda a: -a),
    "2-D norms": lambda v: with_first(v, lambda a: a[None]),
    "string norms": lambda v: with_first(v, lambda a: a.astype(str)),
}
RESULT = {
    "None": lambda v: None,
    "a list": lambda v: list(v.values()),
    "a missing key": lambda v: {key: value for key, value in v.items() if key != "hidden_states"},
    "NaN hidden states": lambda v: {**v, "hidden_states": with_entry(v["hidden_states"], np.nan)},
    "float predictions": lambda v: {**v, "predictions": v["predictions"].astype(float)},
    "a fraction above 1": lambda v: {**v, "saturated_fraction": 1.5},
    "a string radius": lambda v: {**v, "spectral_radius": "0.9"},
}


# ---------------------------------------------------------------- good arguments


def rnn_params(input_size=3, hidden_size=4, output_size=2):
    return rnn.init_params(input_size, hidden_size, output_size, seed=0)


def small_task():
    return tasks.running_sign_task(8, 5, seed=0)


def grads_like(params):
    return {name: np.full_like(value, 0.1) for name, value in params.items()}


def simulated():
    return explorer.simulate(explorer.ExplorerConfig(sequence_length=5, hidden_size=2))


def axes_with_a_line():
    ax = plots.new_figure()[1]
    ax.plot([0, 1], label="a line")
    return ax


def quadratic_problem():
    array = np.arange(6.0).reshape(2, 3)
    return {"function": lambda: float(np.sum(array**2)), "array": array, "epsilon": 1e-5}


@dataclass
class Row:
    """How to call one public callable: ``good()`` returns good keyword arguments, ``bad`` maps each
    argument to its catalogue of bad values."""

    call: object
    good: object
    bad: dict


def method(cls, name):
    """Call ``cls().name(...)``: a method of a fresh instance."""
    return lambda **kwargs: getattr(cls(), name)(**kwargs)


BATCH_ARGS = {"inputs": FLOAT_ARRAY, "labels": LABELS, "params": PARAMS}
OPTIONAL_ARRAY = without(FLOAT_ARRAY, "None")  # for h0, where None means zeros
# One step's arrays, for good ones of N=2 rows with D=3, H=4, O=2: an input x_t (2, 3) and states (2, 4).
STEP_INPUT = plus(FLOAT_ARRAY, the_wrong_size=np.ones((2, 4)))
STATE = plus(FLOAT_ARRAY, the_wrong_size=np.ones((2, 3)))
# A forward pass over a batch, for good inputs (2, 5, 3) and h0 (2, 4).
BATCH_FORWARD = {"inputs": plus(FLOAT_ARRAY, the_wrong_size=np.ones((2, 5, 4))), "params": PARAMS,
                 "h0": plus(OPTIONAL_ARRAY, the_wrong_size=np.zeros((3, 4)))}
BACKWARD = {**BATCH_ARGS, "h0": OPTIONAL_ARRAY, "reduction": CHOICE, "clip_norm": without(POSITIVE, "None")}
SGD_SETTINGS = {"learning_rate": plus(POSITIVE, huge=1e4), "momentum": PROBABILITY}


def batch_problem(**extra):
    """Good arguments for the backprop functions: N=2 sequences of T=5 steps, D=3, H=4, O=2."""
    inputs = np.random.RandomState(0).randn(2, 5, 3)
    labels = np.array([[0, 1, 0, 1, 0], [1, 1, 0, 0, 1]])
    return {"inputs": inputs, "labels": labels, "params": rnn_params(), **extra}


def batch_forward(params):
    return {"inputs": np.ones((2, 5, 3)), "params": params, "h0": np.zeros((2, 4))}


def step_arrays(*names):
    """Good arrays of one step of a batch of 2 (D=3, H=4, O=2), by name: x_t, d_y_t, or a state."""
    sizes = {"x_t": 3, "d_y_t": 2}
    return {name: np.full((2, sizes.get(name, 4)), 0.5) for name in names}


def rnn_step_row(step):
    """The row of a step of the vanilla RNN, ``step(x_t, h_prev, params)``."""
    return Row(step, lambda: {**step_arrays("x_t", "h_prev"), "params": rnn_params()},
               {"x_t": STEP_INPUT, "h_prev": STATE, "params": PARAMS})


def loss_and_gradient_rows(module):
    """The rows of the functions backprop and reference both have: the loss, clipping and BPTT (named by the
    module that defines them: backprop gathers them from losses, clipping and bptt)."""

    def name(function):
        return f"{function.__module__}.{function.__name__}"

    return {
        name(module.softmax_cross_entropy): Row(
            module.softmax_cross_entropy,
            lambda: {"outputs": np.ones((2, 5, 3)), "labels": np.zeros((2, 5), dtype=int), "reduction": "mean"},
            {"outputs": plus(FLOAT_ARRAY, a_scalar=np.float64(1.0)), "labels": LABELS, "reduction": CHOICE}),
        name(module.clip_gradients): Row(
            module.clip_gradients, lambda: {"grads": grads_like(rnn_params()), "max_norm": 1.0},
            {"grads": GRADS, "max_norm": POSITIVE}),
        name(module.rnn_backward): Row(
            module.rnn_backward, lambda: batch_problem(h0=np.zeros((2, 4)), reduction="mean", clip_norm=1.0),
            BACKWARD),
    }


def gated_rows(cell, states, state_gradients, bias_name):
    """The rows of the gated cell ``cell`` ("lstm" or "gru"): ``states`` its step's states (h_prev, ...),
    ``state_gradients`` the names of their gradients in its backward step (d_h, ...), ``bias_name`` the
    initialiser's argument for the bias of the gate that keeps the state."""
    init = getattr(gated, f"init_{cell}_params")

    def params():
        return init(3, 4, 2, seed=0)

    def function(suffix):
        return getattr(gated, f"{cell}_{suffix}")

    prefix = f"rnn_helpers.gated.{cell}_"
    return {
        f"rnn_helpers.gated.init_{cell}_params": Row(
            init, lambda: {"input_size": 3, "hidden_size": 4, "output_size": 2, "seed": 0, bias_name: 1.0},
            {"input_size": SIZE, "hidden_size": plus(SIZE, too_many_entries=10**4), "output_size": SIZE,
             "seed": SEED, bias_name: NUMBER}),
        f"{prefix}step": Row(
            function("step"), lambda: {**step_arrays("x_t", *states), "params": params()},
            {"x_t": STEP_INPUT, **dict.fromkeys(states, STATE), "params": PARAMS}),
        f"{prefix}step_backward": Row(
            function("step_backward"), lambda: {**step_arrays(*state_gradients, "x_t", *states), "params": params()},
            {**dict.fromkeys(state_gradients, STATE), "x_t": plus(STEP_INPUT, one_sequence=np.ones(3)),
             **dict.fromkeys(states, STATE), "params": PARAMS}),
        **{f"{prefix}{name}": Row(function(name), lambda: batch_forward(params()), BATCH_FORWARD)
           for name in ("forward", "forward_batch")},
        f"{prefix}backward_reference": Row(
            function("backward_reference"),
            lambda: batch_problem(params=params(), h0=np.zeros((2, 4)), reduction="sum"),
            without(BACKWARD, "clip_norm")),
        f"{prefix}backward": Row(
            function("backward"),
            lambda: batch_problem(params=params(), h0=np.zeros((2, 4)), reduction="mean", clip_norm=1.0), BACKWARD),
    }


ROWS = {
    # core
    "rnn_helpers.core.make_rng": Row(rnn.make_rng, lambda: {"seed": 0}, {"seed": SEED}),
    "rnn_helpers.core.init_params": Row(
        rnn.init_params, lambda: {"input_size": 3, "hidden_size": 4, "output_size": 2, "seed": 0},
        {"input_size": SIZE, "hidden_size": SIZE, "output_size": SIZE, "seed": SEED}),
    "rnn_helpers.core.random_inputs": Row(
        rnn.random_inputs, lambda: {"sequence_length": 5, "input_size": 3, "seed": 0},
        {"sequence_length": SIZE, "input_size": SIZE, "seed": SEED}),
    "rnn_helpers.core.random_labels": Row(
        rnn.random_labels, lambda: {"sequence_length": 5, "num_classes": 2, "seed": 0},
        {"sequence_length": SIZE, "num_classes": SIZE, "seed": SEED}),
    "rnn_helpers.core.original_example": Row(rnn.original_example, lambda: {"seed": 0}, {"seed": SEED}),
    "rnn_helpers.core.rnn_step": rnn_step_row(rnn.rnn_step),
    "rnn_helpers.core.rnn_forward": Row(
        rnn.rnn_forward, lambda: {"inputs": np.ones((5, 3)), "params": rnn_params(), "h0": np.zeros(4)},
        {"inputs": plus(FLOAT_ARRAY, the_wrong_size=np.ones((5, 4))), "params": PARAMS,
         "h0": plus(OPTIONAL_ARRAY, the_wrong_size=np.zeros(3))}),
    "rnn_helpers.core.rnn_forward_batch": Row(rnn.rnn_forward_batch, lambda: batch_forward(rnn_params()),
                                              BATCH_FORWARD),
    "rnn_helpers.core.predict": Row(rnn.predict, lambda: {"outputs": np.ones((2, 5, 2))}, {"outputs": FLOAT_ARRAY}),
    "rnn_helpers.core.accuracy": Row(
        rnn.accuracy, lambda: {"predicted_labels": np.array([[0, 1, 1]]), "true_labels": np.array([[0, 1, 0]])},
        {"predicted_labels": plus(without(LABELS, "a label too large"), another_shape=np.array([0, 1, 1])),
         "true_labels": plus(without(LABELS, "a label too large"), another_shape=np.array([0, 1, 0]))}),
    "rnn_helpers.core.spectral_radius": Row(
        rnn.spectral_radius, lambda: {"matrix": np.eye(3)}, {"matrix": plus(FLOAT_ARRAY, not_square=np.ones((3, 2)))}),
    "rnn_helpers.core.saturated_fraction": Row(
        rnn.saturated_fraction, lambda: {"hidden_states": np.zeros((2, 5, 4)), "threshold": 0.95},
        {"hidden_states": FLOAT_ARRAY, "threshold": PROBABILITY}),
    "rnn_helpers.core.project_2d": Row(
        rnn.project_2d, lambda: {"hidden_states": np.ones((5, 4))}, {"hidden_states": FLOAT_ARRAY}),
    # losses, clipping, bptt and backprop
    **loss_and_gradient_rows(backprop),
    "rnn_helpers.clipping.gradient_norm": Row(
        backprop.gradient_norm, lambda: {"grads": grads_like(rnn_params())}, {"grads": GRADS}),
    "rnn_helpers.bptt.rnn_loss": Row(
        backprop.rnn_loss, lambda: batch_problem(h0=np.zeros((2, 4)), reduction="sum"),
        {**BATCH_ARGS, "h0": OPTIONAL_ARRAY, "reduction": CHOICE}),
    "rnn_helpers.backprop.numerical_gradient": Row(
        backprop.numerical_gradient, quadratic_problem,
        {"function": CALLABLE, "array": plus(ANY_SHAPE_ARRAY, a_list=[[1.0, 2.0]], float32=np.ones(3, np.float32),
                                             too_many_entries=np.zeros(100_001)),
         "epsilon": plus(POSITIVE, above_one=2.0)}),
    "rnn_helpers.backprop.relative_error": Row(
        backprop.relative_error, lambda: {"analytic": np.ones((3, 4)), "numeric": np.ones((3, 4))},
        {"analytic": FLOAT_ARRAY, "numeric": FLOAT_ARRAY}),
    "rnn_helpers.backprop.gradient_check": Row(
        backprop.gradient_check, lambda: batch_problem(h0=np.zeros((2, 4)), epsilon=1e-5, cell="rnn"),
        {**BATCH_ARGS, "h0": OPTIONAL_ARRAY, "epsilon": plus(POSITIVE, above_one=2.0), "cell": CHOICE}),
    "rnn_helpers.bptt.gradient_through_time": Row(
        backprop.gradient_through_time, batch_problem,
        {**BATCH_ARGS, "labels": plus(LABELS, IGNORE_at_the_last_step=np.array([[0, 1, 0, 1, IGNORE]] * 2))}),
    # training
    "rnn_helpers.training.SGD": Row(training.SGD, lambda: {"learning_rate": 0.1, "momentum": 0.9}, SGD_SETTINGS),
    "rnn_helpers.training.SGD.step": Row(
        method(training.SGD, "step"), lambda: {"params": rnn_params(), "grads": grads_like(rnn_params())},
        {"params": ANY_PARAMS, "grads": STEP_GRADS}),
    "rnn_helpers.training.Adam": Row(
        training.Adam, lambda: {"learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
        {"learning_rate": plus(POSITIVE, huge=1e4), "beta1": PROBABILITY, "beta2": PROBABILITY,
         "epsilon": plus(POSITIVE, above_one=2.0)}),
    "rnn_helpers.training.Adam.step": Row(
        method(training.Adam, "step"), lambda: {"params": rnn_params(), "grads": grads_like(rnn_params())},
        {"params": ANY_PARAMS, "grads": STEP_GRADS}),
    "rnn_helpers.training.evaluate": Row(
        training.evaluate, lambda: {"params": rnn_params(1), "data": small_task(), "cell": "rnn"},
        {"params": PARAMS, "data": DATA_FOR_MODEL, "cell": CHOICE}),
    "rnn_helpers.training.train": Row(
        training.train,
        lambda: {"params": rnn_params(1), "train_data": small_task(), "optimizer": training.Adam(), "epochs": 1,
                 "batch_size": 4, "test_data": small_task(), "clip_norm": 1.0, "seed": 0, "progress": False,
                 "cell": "rnn"},
        {"params": PARAMS, "train_data": TRAIN_DATA, "optimizer": OPTIMIZER,
         "epochs": plus(SIZE, more_than_MAX_EPOCHS=training.MAX_EPOCHS + 1), "batch_size": SIZE,
         "test_data": without(DATA_FOR_MODEL, "None"), "clip_norm": without(POSITIVE, "None"), "seed": SEED,
         "progress": BOOL, "cell": CHOICE}),
    # tasks
    "rnn_helpers.tasks.running_sign_task": Row(
        tasks.running_sign_task, lambda: {"num_sequences": 4, "sequence_length": 5, "seed": 0},
        {"num_sequences": SIZE, "sequence_length": SIZE, "seed": SEED}),
    "rnn_helpers.tasks.delayed_recall_task": Row(
        tasks.delayed_recall_task, lambda: {"num_sequences": 4, "sequence_length": 5, "delay": 2, "seed": 0},
        {"num_sequences": SIZE, "sequence_length": SIZE, "delay": plus(SIZE, as_long_as_the_sequence=5),
         "seed": SEED}),
    "rnn_helpers.tasks.train_test_split": Row(
        tasks.train_test_split, lambda: {"data": small_task(), "test_fraction": 0.25, "seed": 0},
        {"data": DATA, "test_fraction": plus(PROBABILITY, zero=0.0, too_small_for_8_sequences=0.01), "seed": SEED}),
    "rnn_helpers.tasks.remember_first_task": Row(
        tasks.remember_first_task, lambda: {"num_sequences": 4, "gap": 3, "seed": 0},
        {"num_sequences": SIZE, "gap": SIZE, "seed": SEED}),
    # explorer
    "rnn_helpers.explorer.ExplorerConfig": Row(
        explorer.ExplorerConfig, lambda: vars(explorer.ExplorerConfig()).copy(),
        {"spectral_radius": plus(NUMBER, above_the_slider=3.5, negative=-0.5),
         "input_scale": plus(NUMBER, above_the_slider=3.5, negative=-0.5),
         "bias": plus(NUMBER, above_the_slider=2.5, below_the_slider=-2.5),
         "amplitude": plus(NUMBER, above_the_slider=3.5, negative=-0.5),
         "sequence_length": plus(SIZE, above_the_slider=101), "hidden_size": plus(SIZE, above_the_slider=33),
         "seed": plus(SEED, above_the_slider=21), "signal": CHOICE}),
    "rnn_helpers.explorer.input_signal": Row(
        explorer.input_signal, lambda: {"signal": "sine", "sequence_length": 5, "amplitude": 1.0, "seed": 0},
        {"signal": CHOICE, "sequence_length": SIZE, "amplitude": NUMBER, "seed": SEED}),
    "rnn_helpers.explorer.explorer_params": Row(
        explorer.explorer_params, lambda: {"config": explorer.ExplorerConfig()}, {"config": plus(CONFIG, None_=None)}),
    "rnn_helpers.explorer.simulate": Row(
        explorer.simulate, lambda: {"config": explorer.ExplorerConfig()}, {"config": plus(CONFIG, None_=None)}),
    "rnn_helpers.explorer.nice_bound": Row(
        explorer.nice_bound, lambda: {"value": 0.3}, {"value": plus(NUMBER, negative=-1.0, beyond_1e300=1e308)}),
    "rnn_helpers.explorer.describe": Row(explorer.describe, lambda: {"result": simulated()}, {"result": RESULT}),
    "rnn_helpers.explorer.Explorer": Row(explorer.Explorer, lambda: {"config": None}, {"config": CONFIG}),
    "rnn_helpers.explorer.build_explorer": Row(explorer.build_explorer, lambda: {"config": None}, {"config": CONFIG}),
    # plots
    "rnn_helpers.plots.new_figure": Row(
        plots.new_figure, lambda: {"nrows": 1, "ncols": 2},
        {"nrows": plus(SIZE, eleven=11), "ncols": plus(SIZE, eleven=11)}),
    **{
        f"rnn_helpers.plots.{name}": Row(
            getattr(plots, name), lambda: {"hidden_states": np.ones((5, 4)), "ax": None, "title": "t"},
            {"hidden_states": FLOAT_ARRAY, "ax": AXES, "title": TITLE})
        for name in ("plot_hidden_units", "plot_hidden_heatmap", "plot_trajectory_2d")
    },
    "rnn_helpers.plots.plot_hidden_overview": Row(
        plots.plot_hidden_overview, lambda: {"hidden_states": np.ones((5, 4)), "title": None},
        {"hidden_states": FLOAT_ARRAY, "title": TITLE_OR_NONE}),
    "rnn_helpers.plots.plot_accuracy_histogram": Row(
        plots.plot_accuracy_histogram,
        lambda: {"accuracies": np.array([0.2, 0.6]), "chance": 0.5, "ax": None, "title": "t"},
        {"accuracies": plus(FLOAT_ARRAY, a_percentage=np.array([20.0, 60.0])), "chance": plus(NUMBER, above_one=50.0),
         "ax": AXES, "title": TITLE}),
    "rnn_helpers.plots.plot_training_curves": Row(
        plots.plot_training_curves,
        lambda: {"history": {"loss": [0.7, 0.5], "train_accuracy": [0.5, 0.7], "test_accuracy": [0.5, 0.6]},
                 "title": "t"},
        {"history": HISTORY, "title": TITLE}),
    "rnn_helpers.plots.styled": Row(
        plots.styled, lambda: {"plot_function": plots.plot_hidden_units},
        {"plot_function": plus({}, None_=None, a_number=3, a_string="plot_hidden_units")}),
    "rnn_helpers.plots.legend_outside": Row(
        plots.legend_outside, lambda: {"ax": axes_with_a_line()}, {"ax": plus(AXES, None_=None)}),
    "rnn_helpers.plots.plot_gradient_decay": Row(
        plots.plot_gradient_decay, lambda: {"norms_by_label": {"a": np.array([1.0, 0.5])}, "ax": None, "title": "t"},
        {"norms_by_label": NORMS_BY_LABEL, "ax": AXES, "title": TITLE}),
    # cells
    "rnn_helpers.cells.Cell": Row(
        cells.Cell,
        lambda: {"name": "rnn", "param_names": ("Wx",), "init": rnn.init_params, "forward_batch": rnn.rnn_forward_batch,
                 "backward": backprop.rnn_backward},
        {"name": plus({}, None_=None, a_number=3, an_empty_string=""),
         "param_names": plus({}, None_=None, a_list=["Wx"], empty=(), numbers=(1, 2)),
         "init": CALLABLE, "forward_batch": CALLABLE, "backward": CALLABLE}),
    "rnn_helpers.cells.get_cell": Row(cells.get_cell, lambda: {"name": "rnn"}, {"name": CHOICE}),
    # diagrams (the other diagrams take no arguments)
    "rnn_helpers.diagrams.unrolled_diagram": Row(
        diagrams.unrolled_diagram, lambda: {"steps": 3, "backward": True},
        {"steps": plus(SIZE, nine=9), "backward": BOOL}),
    # gated
    **gated_rows("lstm", ("h_prev", "c_prev"), ("d_h", "d_c"), "forget_bias"),
    **gated_rows("gru", ("h_prev",), ("d_h",), "update_bias"),
    # memory
    "rnn_helpers.memory.initial_params": Row(
        memory.initial_params, lambda: {"cell": "lstm", "seed": 0, "gate_bias": 3.0},
        {"cell": CHOICE, "seed": SEED, "gate_bias": NUMBER}),
    "rnn_helpers.memory.steps_to_remember": Row(
        memory.steps_to_remember, lambda: {"cell": "rnn", "gap": 1, "seed": 0, "gate_bias": 3.0},
        {"cell": CHOICE, "gap": plus(SIZE, beyond_MAX_GAP=memory.MAX_GAP + 1, thirty_thousand=30000), "seed": SEED,
         "gate_bias": NUMBER}),
    # reference
    "rnn_helpers.reference.rnn_step_forward": rnn_step_row(reference.rnn_step_forward),
    **loss_and_gradient_rows(reference),
    "rnn_helpers.reference.rnn_forward": Row(reference.rnn_forward, lambda: batch_forward(rnn_params()), BATCH_FORWARD),
    "rnn_helpers.reference.rnn_step_backward": Row(
        reference.rnn_step_backward,
        lambda: {**step_arrays("d_y_t", "d_h_next", "x_t", "h_prev", "h_t"), "params": rnn_params()},
        {"d_y_t": plus(FLOAT_ARRAY, the_wrong_size=np.ones((2, 3))), "d_h_next": STATE, "x_t": STEP_INPUT,
         "h_prev": STATE, "h_t": STATE, "params": PARAMS}),
    "rnn_helpers.reference.sgd_momentum_step": Row(
        reference.sgd_momentum_step,
        lambda: {"params": rnn_params(), "grads": grads_like(rnn_params()), "velocity": grads_like(rnn_params()),
                 "learning_rate": 0.1, "momentum": 0.9},
        {"params": ANY_PARAMS, "grads": STEP_GRADS, "velocity": STEP_GRADS, **SGD_SETTINGS}),
}
# CALLABLE's bad values that are callables are bad only where a callable's *result* is checked.
for name in ("init", "forward_batch", "backward"):
    ROWS["rnn_helpers.cells.Cell"].bad[name] = without(CALLABLE, "returns an array", "returns NaN",
                                                       "returns a string")


# Notebook 08's modules: the gradient-decay slider and the memory experiments.
PROFILE = {
    "None": lambda v: None,
    "a list": lambda v: list(v.values()),
    "a missing key": lambda v: {key: value for key, value in v.items() if key != "norms"},
    "NaN norms": lambda v: {**v, "norms": with_entry(v["norms"], np.nan)},
    "2-D norms": lambda v: {**v, "norms": v["norms"][None]},
    "a string radius": lambda v: {**v, "spectral_radius": "0.9"},
    "a negative slope": lambda v: {**v, "mean_tanh_slope": -0.5},
    "all-zero norms": lambda v: {**v, "norms": np.zeros_like(v["norms"])},
    "negative norms": lambda v: {**v, "norms": -v["norms"]},
}
# Parameters whose gradient at the last step is zero: nothing to follow back, no ratio to report.
ZERO_READOUT = {"Wy = 0": lambda v: {**v, "Wy": np.zeros_like(v["Wy"])}}


def probe():
    """Good inputs and labels for the gradient profile: 2 sequences of 22 steps (the fewest it takes)."""
    return spectral_explorer.probe_batch(2, 22, seed=0)


def tiny_memory_task():
    return memory.remember_first_setup(3, seed=0, hidden_size=4, num_sequences=10)


ROWS.update({
    "rnn_helpers.spectral_explorer.scaled_rnn": Row(
        spectral_explorer.scaled_rnn, lambda: {"radius": 1.5, "hidden_size": 4, "seed": 0},
        {"radius": plus(POSITIVE, above_100=101.0), "hidden_size": SIZE, "seed": SEED}),
    "rnn_helpers.spectral_explorer.probe_batch": Row(
        spectral_explorer.probe_batch, lambda: {"num_sequences": 2, "sequence_length": 22, "seed": 0},
        {"num_sequences": plus(SIZE, too_many_entries=10**6), "sequence_length": plus(SIZE, too_short=21),
         "seed": SEED}),
    "rnn_helpers.spectral_explorer.gradient_profile": Row(
        spectral_explorer.gradient_profile,
        lambda: {"params": spectral_explorer.scaled_rnn(1.0, hidden_size=4), "inputs": probe()[0],
                 "labels": probe()[1]},
        {"params": {**PARAMS, **ZERO_READOUT}, "inputs": plus(FLOAT_ARRAY, too_short=np.zeros((2, 21, 1))),
         "labels": plus(LABELS, IGNORE_at_the_last_step=np.where(np.arange(22) == 21, IGNORE, 0)[None].repeat(2, 0))}),
    "rnn_helpers.spectral_explorer.relative_norms": Row(
        spectral_explorer.relative_norms, lambda: {"norms": np.array([2.0, 1.0, 0.5]), "name": "norms"},
        {"norms": plus(FLOAT_ARRAY, all_zero=np.zeros(3), negative=np.array([1.0, -0.5]), two_d=np.ones((2, 3))),
         "name": plus({}, None_=None, a_number=3)}),
    "rnn_helpers.spectral_explorer.describe_profile": Row(
        spectral_explorer.describe_profile,
        lambda: {"profile": spectral_explorer.gradient_profile(spectral_explorer.scaled_rnn(1.0, hidden_size=4),
                                                               *probe())},
        {"profile": PROFILE}),
    "rnn_helpers.spectral_explorer.GradientExplorer": Row(
        spectral_explorer.GradientExplorer, lambda: {"radius": 1.0, "inputs": probe()[0], "labels": probe()[1]},
        {"radius": plus(NUMBER, above_the_slider=3.5, below_the_slider=0.1), "inputs": FLOAT_ARRAY,
         "labels": LABELS}),
    "rnn_helpers.memory.train_until_solved": Row(
        memory.train_until_solved,
        lambda: {"params": tiny_memory_task()[0], "train_data": tiny_memory_task()[1],
                 "test_data": tiny_memory_task()[2], "optimizer": training.Adam(0.001), "max_steps": 2, "batch_size": 4,
                 "clip_norm": 1.0, "target": 0.95, "cell": "rnn", "seed": 0},
        {"params": PARAMS, "train_data": TRAIN_DATA, "test_data": DATA_FOR_MODEL,
         "optimizer": OPTIMIZER, "max_steps": plus(SIZE, less_than_an_epoch=1), "batch_size": SIZE,
         "clip_norm": without(POSITIVE, "None"), "target": plus(POSITIVE, above_one=1.5), "cell": CHOICE,
         "seed": SEED}),
    "rnn_helpers.memory.small_rnn": Row(
        memory.small_rnn, lambda: {"hidden_size": 4, "radius": 0.5, "seed": 0},
        {"hidden_size": SIZE, "radius": plus(POSITIVE, above_100=101.0), "seed": SEED}),
    "rnn_helpers.memory.remember_first_setup": Row(
        memory.remember_first_setup,
        lambda: {"gap": 3, "seed": 0, "hidden_size": 4, "initial_radius": 0.5, "num_sequences": 10},
        {"gap": SIZE, "seed": SEED, "hidden_size": SIZE, "initial_radius": plus(POSITIVE, above_100=101.0),
         "num_sequences": plus(SIZE, too_few_to_split=1)}),
    "rnn_helpers.memory.gradient_reach": Row(
        memory.gradient_reach,
        lambda: {"params": tiny_memory_task()[0], "inputs": tiny_memory_task()[2]["inputs"],
                 "labels": tiny_memory_task()[2]["labels"]},
        {"params": {**PARAMS, **ZERO_READOUT}, "inputs": FLOAT_ARRAY, "labels": LABELS}),
    "rnn_helpers.memory.remember_first_run": Row(
        memory.remember_first_run,
        lambda: {"gap": 3, "seed": 0, "hidden_size": 4, "initial_radius": 0.5, "learning_rate": 0.01, "max_steps": 1,
                 "num_sequences": 10, "clip_norm": 5.0},
        {"gap": SIZE, "seed": SEED, "hidden_size": SIZE, "initial_radius": plus(POSITIVE, above_100=101.0),
         "learning_rate": plus(POSITIVE, huge=1e4), "max_steps": SIZE, "num_sequences": SIZE,
         "clip_norm": without(POSITIVE, "None")}),
    "rnn_helpers.memory.clipping_run": Row(  # without clipping the guard stops the run at its first batch: fast
        memory.clipping_run, lambda: {"seed": 0, "clip_norm": None},
        {"seed": SEED, "clip_norm": without(POSITIVE, "None")}),
    "rnn_helpers.memory.delayed_recall_run": Row(
        memory.delayed_recall_run, lambda: {"hidden_size": 2, "delay": 39, "seed": 0},
        {"hidden_size": SIZE, "delay": plus(SIZE, as_long_as_the_sequence=40), "seed": SEED}),
})


# ---------------------------------------------------------------- the tests


def public_callables():
    """(qualified name, callable) for every public function, class and method defined in MODULES."""
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module_name:
                continue
            if inspect.isclass(obj):
                if issubclass(obj, BaseException):
                    continue  # errors and warnings are raised, not called with user input
                yield f"{module_name}.{name}", obj
                for method_name, function in vars(obj).items():
                    if not method_name.startswith("_") and inspect.isfunction(function):
                        yield f"{module_name}.{name}.{method_name}", function
            elif inspect.isfunction(obj):
                yield f"{module_name}.{name}", obj


def named_arguments(function):
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return {name for name, parameter in inspect.signature(function).parameters.items()
            if parameter.kind in kinds and name != "self"}


def test_every_public_callable_has_a_row():
    found = dict(public_callables())
    missing, incomplete = [], []
    for qualified_name, function in found.items():
        arguments = named_arguments(function)
        if qualified_name in UNCHECKED or not arguments:
            continue
        if qualified_name not in ROWS:
            missing.append(qualified_name)
        elif set(ROWS[qualified_name].bad) != arguments:
            rows = sorted(ROWS[qualified_name].bad)
            incomplete.append(f"{qualified_name}: arguments {sorted(arguments)}, rows {rows}")
    assert not missing, f"public callables without a row of bad inputs: {missing}"
    assert not incomplete, f"rows that do not cover exactly the arguments: {incomplete}"
    assert set(ROWS) <= set(found), f"rows for callables that no longer exist: {sorted(set(ROWS) - set(found))}"
    assert set(UNCHECKED) <= set(found)
    for qualified_name in UNCHECKED:
        assert "no checks" in inspect.getdoc(found[qualified_name]).lower(), f"{qualified_name} must say so"


def test_every_module_is_in_the_table_or_says_why_not():
    modules = {f"rnn_helpers.{module.name}" for module in pkgutil.iter_modules(rnn.__path__)
               if not module.name.startswith("_")}
    assert modules == set(MODULES) | set(NOT_IN_THE_TABLE)


def test_every_row_works_with_its_good_arguments():
    """The good arguments are good: otherwise a bad call could fail for the wrong reason."""
    try:
        for row in ROWS.values():
            row.call(**row.good())
    finally:
        plt.close("all")


CASES = [(qualified_name, argument, description)
         for qualified_name, row in ROWS.items()
         for argument, catalogue in row.bad.items()
         for description in catalogue]


def arrays_in(value):
    """Every ndarray in ``value``, looking inside dicts, lists and tuples."""
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [array for item in value for array in arrays_in(item)]
    return []


@pytest.mark.parametrize("qualified_name, argument, description", CASES,
                         ids=[f"{q.removeprefix('rnn_helpers.')}-{a}-{d}" for q, a, d in CASES])
def test_a_bad_argument_gets_a_clear_error_before_any_work(qualified_name, argument, description):
    row = ROWS[qualified_name]
    kwargs = row.good()
    kwargs[argument] = row.bad[argument][description](kwargs[argument])
    others = [array for name, value in kwargs.items() if name != argument for array in arrays_in(value)]
    before = [array.copy() for array in others]
    try:
        with pytest.raises((ValueError, TypeError)) as error:
            row.call(**kwargs)
    finally:
        plt.close("all")
    message = str(error.value)
    assert argument in message and "got" in message, f"unclear message: {message}"
    for array, copy in zip(others, before, strict=True):
        np.testing.assert_array_equal(array, copy, err_msg="a rejected call changed an argument")


def test_the_table_is_large(report):
    report(f"bad inputs: {len(CASES)} calls of {len(ROWS)} public callables with one bad argument each")
    assert len(CASES) > 1000


# ---------------------------------------------------------------- messages and accepted inputs


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
        ([[1.0, 2.0, 3.0], [1.0]], ValueError, r"inputs must be a rectangular array, got a ragged"),
        (np.zeros((5, 3), dtype=complex), TypeError, r"inputs must be real, got complex"),
    ],
)
def test_rnn_forward_rejects_bad_inputs(params, inputs, error, message):
    with pytest.raises(error, match=message):
        rnn.rnn_forward(inputs, params)


@pytest.mark.parametrize(
    "name, value, error, message",
    [
        ("Wh", np.zeros((4, 3)), ValueError, r"params\['Wh'\] must have shape \(4, 4\), got \(4, 3\)"),
        ("bx", np.zeros((4, 1)), ValueError, r"params\['bx'\] must have 1 dimension\(s\), got shape \(4, 1\)"),
        ("by", np.zeros(3), ValueError, r"params\['by'\] must have shape \(2,\), got \(3,\)"),
        ("Wy", np.zeros((2, 5)), ValueError, r"params\['Wy'\] must have shape \(2, 4\), got \(2, 5\)"),
        ("Wx", np.ones((4, 3), dtype=np.int32), TypeError, r"params\['Wx'\] must be a float64 NumPy array"),
        ("Wh", np.full((4, 4), np.nan), ValueError, r"params\['Wh'\] contains NaN"),
        ("Wx", np.zeros((4, 3)).tolist(), TypeError, r"params\['Wx'\] must be a float64 NumPy array .* got list"),
    ],
)
def test_bad_parameters(params, name, value, error, message):
    params[name] = value
    with pytest.raises(error, match=message):
        rnn.rnn_forward(GOOD_INPUTS, params)


def test_missing_extra_parameter_and_wrong_container(params):
    with pytest.raises(ValueError, match=r"params has unexpected keys \['h0'\]"):
        rnn.rnn_forward(GOOD_INPUTS, {**params, "h0": np.zeros(4)})
    del params["by"]
    with pytest.raises(ValueError, match=r"params is missing \['by'\]"):
        rnn.rnn_forward(GOOD_INPUTS, params)
    with pytest.raises(TypeError, match=r"params must be a dict .* got list"):
        rnn.rnn_forward(GOOD_INPUTS, [1, 2])


def test_lower_precision_floats_are_widened_to_float64(params):
    inputs = np.random.RandomState(0).randn(5, 3).astype(np.float16)
    for dtype in (np.float16, np.float32):
        hidden_states, outputs = rnn.rnn_forward(inputs.astype(dtype), params)
        expected = rnn.rnn_forward(inputs.astype(np.float64), params)
        assert hidden_states.dtype == np.float64
        np.testing.assert_array_equal(hidden_states, expected[0])
        np.testing.assert_array_equal(outputs, expected[1])
    with pytest.raises(TypeError, match=r"params\['Wx'\] must be a float64 NumPy array .* got dtype float32"):
        rnn.rnn_forward(inputs, {**params, "Wx": params["Wx"].astype(np.float32)})


def test_sizes_have_an_upper_bound_before_anything_is_allocated():
    with pytest.raises(ValueError, match="sequence_length must be at most 10,000,000 .* got 1,000,000,000"):
        rnn.random_labels(10**9, 2, seed=0)
    with pytest.raises(ValueError, match=r"num_sequences \* sequence_length must ask for at most 10,000,000"):
        tasks.running_sign_task(10**5, 1000)
    with pytest.raises(ValueError, match="input_size, hidden_size and output_size must ask for at most"):
        rnn.init_params(3, 10**4, 2)
    with pytest.raises(ValueError, match="epochs must be at most 10,000"):
        training.train(rnn.init_params(1, 4, 2), small_task(), training.Adam(), epochs=10**9)


def test_labels_out_of_range_are_refused_everywhere():
    with pytest.raises(ValueError, match=r"true_labels must hold class indices 0 or more .* got values from -2"):
        rnn.accuracy([0, 1], [-2, 1])
    with pytest.raises(ValueError, match=r"labels must hold class indices in \[0, 1\] .* from -2 to 1"):
        backprop.softmax_cross_entropy(np.zeros((3, 2)), np.array([0, -2, 1]))
    data = small_task()
    data["labels"][0, 0] = 2
    with pytest.raises(ValueError, match=r"data\['labels'\] must hold class indices in \[0, 1\]"):
        training.evaluate(rnn.init_params(1, 4, 2), data)


def test_clipping_refuses_gradients_it_cannot_rescale_and_rescales_huge_finite_ones():
    with pytest.raises(ValueError, match=r"grads\['a'\] contains NaN or inf"):
        backprop.clip_gradients({"a": np.array([np.inf, 1.0])}, 1.0)
    huge = {"a": np.array([3e200, 4e200])}  # finite, but the sum of squares overflows
    clipped, norm = backprop.clip_gradients(huge, 1.0)
    assert norm == pytest.approx(5e200)
    np.testing.assert_allclose(clipped["a"], [0.6, 0.8])


def test_explorer_config_is_checked_in_one_place():
    """build_explorer used to clamp hidden_size=33 to 32 while simulate refused it: now both refuse it."""
    with pytest.raises(ValueError, match="hidden_size must be between 1 and 32, got 33"):
        explorer.build_explorer(explorer.ExplorerConfig(hidden_size=33))
    with pytest.raises(ValueError, match="value must be a finite number at least 0 .* got nan"):
        explorer.nice_bound(np.nan)


def test_data_without_labels_is_a_clear_value_error():
    with pytest.raises(ValueError, match=r"data is missing \['labels'\]"):
        training.evaluate(rnn.init_params(1, 4, 2), {"inputs": small_task()["inputs"]})


def test_optimiser_refuses_hyper_parameters_that_make_no_sense():
    with pytest.raises(ValueError, match="learning_rate must be a finite number above 0 .* got nan"):
        training.SGD(learning_rate=np.nan)
    with pytest.raises(ValueError, match="epsilon must be a finite number above 0 .* got 0"):
        training.Adam(epsilon=0)
    with pytest.raises(TypeError, match="momentum must be a real number, got bool True"):
        training.SGD(momentum=True)


def test_an_optimiser_is_not_reused_for_parameters_of_another_shape():
    optimizer = training.Adam()
    small = rnn.init_params(1, 4, 2)
    optimizer.step(small, grads_like(small))
    big = rnn.init_params(1, 8, 2)
    with pytest.raises(ValueError, match=r"params\['Wx'\] must keep the shape this optimiser saw before"):
        optimizer.step(big, grads_like(big))


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: rnn.init_params(3, 0, 2), ValueError, "hidden_size must be at least 1, got 0"),
        (lambda: rnn.init_params(3, 4.0, 2), TypeError, "hidden_size must be an integer, got float 4.0"),
        (lambda: rnn.random_inputs(0, 3, seed=0), ValueError, "sequence_length must be at least 1, got 0"),
        (lambda: rnn.make_rng("zero"), TypeError, "seed must be an int or np.random.RandomState, got str 'zero'"),
        (lambda: rnn.make_rng(-1), ValueError, r"seed must be between 0 and 4294967295 \(2\*\*32 - 1\), got -1"),
        (lambda: rnn.predict(np.array([[1, 2]])), TypeError, "outputs must be a floating-point array"),
        (lambda: rnn.predict(np.zeros((0, 2))), ValueError, "outputs must not be empty"),
        (lambda: rnn.accuracy(np.array([1, 0]), np.array([1, 0, 1])), ValueError,
         r"same shape, got \(2,\) and \(3,\)"),
        (lambda: rnn.accuracy(np.array([1.0, 0.0]), np.array([1, 0])), TypeError,
         "predicted_labels must be an integer array"),
        (lambda: rnn.accuracy(np.array([], dtype=int), np.array([], dtype=int)), ValueError, "must not be empty"),
        (lambda: rnn.accuracy(np.array([1, 0]), np.array([IGNORE, IGNORE])), ValueError,
         "true_labels must contain at least one step that is not IGNORE"),
        (lambda: rnn.spectral_radius(np.zeros((3, 2))), ValueError, r"matrix must have shape \(3, 3\)"),
        (lambda: rnn.saturated_fraction(np.array([np.nan])), ValueError, "NaN or inf"),
        (lambda: rnn.project_2d(np.zeros(4)), ValueError, r"hidden_states must have 2 dimension\(s\)"),
        (lambda: training.train(rnn.init_params(1, 4, 2), small_task(), training.Adam, 1), TypeError,
         "optimizer must be an object with a step.* got the class Adam itself"),
        (lambda: training.train(rnn.init_params(2, 4, 2), small_task(), training.Adam(), 1), ValueError,
         r"params and train_data\['inputs'\] \(shape \(8, 5, 1\)\) do not fit together"),
    ],
)
def test_other_functions_reject_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------- extreme but finite values (issue 17)
# Each row either computes the right answer (scaled arithmetic where it is representable), checked by
# ``expect``, or raises a clear error naming the argument, before any work. Fast path and reference agree.


def scaled_grads(name, value):
    """grads_like(rnn_params()) with every entry of grads[name] set to ``value``."""
    grads = grads_like(rnn_params())
    grads[name][:] = value
    return grads


def times(params, factor):
    return {name: value * factor for name, value in params.items()}


def gated_params(cell, factor=1.0):
    return times(getattr(gated, f"init_{cell}_params")(3, 4, 2, seed=0), factor)


def step_backward_with(name, value):
    """The arguments of reference.rnn_step_backward (the row's good ones) with every entry of ``name`` set."""
    arguments = {**step_arrays("d_y_t", "d_h_next", "x_t", "h_prev", "h_t"), "params": rnn_params()}
    arguments[name] = np.full_like(arguments[name], value)
    return arguments


def float32_params():
    return {name: value.astype(np.float32) for name, value in rnn_params().items()}


def states_with_one_huge_entry():
    states = np.linspace(-1, 1, 20).reshape(5, 4)
    states[0, 0] = 1e308
    return states


def adam_step_leaves_params_alone():
    params, grads = rnn_params(), scaled_grads("Wh", 1e200)
    before = {name: value.copy() for name, value in params.items()}
    with pytest.raises(ValueError, match=r"grads\['Wh'\] must have entries of at most 1e\+150 .* got entries up to "
                                         r"1e\+200.* clip it first"):
        training.Adam().step(params, grads)
    assert all(np.array_equal(params[name], before[name]) for name in params)


def clipping_agrees(module):
    clipped, norm = module.clip_gradients(scaled_grads("Wh", 1e200), 1.0)
    assert norm == pytest.approx(4e200)  # sqrt(16) * 1e200: the 16 entries of Wh dominate
    np.testing.assert_allclose(clipped["Wh"], 0.25)
    np.testing.assert_allclose(clipped["Wx"], 0.1 / 4e200)


def lstm_backward_agrees_at_huge_weights():
    problem = batch_problem(params=gated_params("lstm", 1e308))
    loss, grads = gated.lstm_backward(**problem)
    reference_loss, reference_grads = gated.lstm_backward_reference(**problem)
    assert np.isfinite(loss) and loss == pytest.approx(reference_loss, rel=1e-12)
    for name in grads:
        np.testing.assert_allclose(grads[name], reference_grads[name], rtol=1e-12, atol=1e-15)


def step_backward_is_scaled_exactly():
    """A huge d_h_next whose results fit: the same as on d_h_next / 2**1000, times 2**1000 (linear, exact)."""
    huge = step_backward_with("d_h_next", 1e308)
    huge["d_y_t"] = np.zeros((2, 2))
    small = {**huge, "d_h_next": huge["d_h_next"] / 2.0**1000}
    d_h_prev, grads = reference.rnn_step_backward(**huge)
    small_d_h_prev, small_grads = reference.rnn_step_backward(**small)
    np.testing.assert_array_equal(d_h_prev, small_d_h_prev * 2.0**1000)
    for name in grads:
        np.testing.assert_array_equal(grads[name], small_grads[name] * 2.0**1000)


def projection_is_scaled_exactly():
    states = states_with_one_huge_entry()
    coordinates, explained = rnn.project_2d(states)
    small_coordinates, small_explained = rnn.project_2d(states / 2.0**1000)
    np.testing.assert_array_equal(coordinates, small_coordinates * 2.0**1000)
    np.testing.assert_array_equal(explained, small_explained)
    assert explained[0] == pytest.approx(1.0)
    plots.plot_trajectory_2d(states)
    plots.plot_hidden_overview(states)
    plt.close("all")


def losses_agree_on_scores_far_apart():
    """A loss of 1.5e308 fits in float64: both softmax cross-entropies compute it."""
    outputs, labels = np.array([[1e308, -5e307]]), np.array([1])
    fast, reference_result = backprop.softmax_cross_entropy(outputs, labels), reference.softmax_cross_entropy(
        outputs, labels)
    assert fast[0] == reference_result[0] == pytest.approx(1.5e308)
    np.testing.assert_array_equal(fast[1], reference_result[1])


COMPUTED_AT_EXTREMES = {
    "softmax_cross_entropy and its reference, scores 1.5e308 apart": losses_agree_on_scores_far_apart,
    "reference.clip_gradients, Wh at 1e200": lambda: clipping_agrees(reference),
    "backprop.clip_gradients, Wh at 1e200": lambda: clipping_agrees(backprop),
    "relative_error(ones(3), full(3, 1e200)) is 1": lambda: pytest.approx(1.0) == backprop.relative_error(
        np.ones(3), np.full(3, 1e200)),
    "Adam.step, Wh at 1e200: refused, nothing changed": adam_step_leaves_params_alone,
    "lstm_backward and its reference, weights x 1e308": lstm_backward_agrees_at_huge_weights,
    "reference.rnn_step_backward, d_h_next at 1e308 whose results fit": step_backward_is_scaled_exactly,
    "project_2d, plot_trajectory_2d, plot_hidden_overview with an entry at 1e308": projection_is_scaled_exactly,
    "nice_bound(1e-320) is 1e-320": lambda: explorer.nice_bound(1e-320) == 1e-320,
    "nice_bound(5e-324), the smallest float": lambda: explorer.nice_bound(5e-324) == 5e-324,
    "softmax_with_temperature, logits of +-1e308 at temperature 0.5": lambda: np.array_equal(
        sampling.softmax_with_temperature(np.array([1e308, -1e308, 1e308]), 0.5), [0.5, 0.0, 0.5]),
}


@pytest.mark.parametrize("check", COMPUTED_AT_EXTREMES.values(), ids=COMPUTED_AT_EXTREMES)
def test_extreme_but_finite_values_get_the_right_answer(check):
    assert check() is not False


def gru_backward_huge(backward):
    return lambda: backward(**batch_problem(params=gated_params("gru", 1e308)))


GRU_OVERFLOW = r"params must be small enough for the loss to fit in float64 .* got entries up to 4\.88e\+307"


def grads_at_1e308():
    """grads_like(rnn_params()) with the first entry of each at 1e308: finite, but their joint norm is not."""
    grads = grads_like(rnn_params())
    for value in grads.values():
        value.flat[0] = 1e308
    return grads


NORM_OVERFLOW = (r"grads must be small enough for their joint norm to fit in float64 \(below about 1\.8e308\), got "
                 r"entries up to "
                 r"1e\+308 \(in grads\['Wx'\]\), whose joint norm is beyond it")


def gru_backward_huge_h0(backward):
    """A GRU whose h0 of 1e308 is carried into every state: summed over the steps, dL/dWy overflows."""
    h0 = np.zeros((2, 4))
    h0[0, 0] = 1e308
    return lambda: backward(**batch_problem(params=gated_params("gru")), h0=h0, reduction="sum")


GRADIENT_OVERFLOW = (r"params, inputs, h0 must be small enough for the results to fit in float64 \(below about "
                     r"1\.8e308\), got entries up to 0\.488 in params\['Wh'\], 2\.55 in inputs, 1e\+308 in h0")


def at_1e308(params):
    """Every entry of ``params`` set to +-1e308 by its sign: finite weights with which every forward pass overflows."""
    return {name: np.where(value < 0, -1e308, 1e308) for name, value in params.items()}


def row_with_params(qualified_name, make_params):
    """A call of the row ``qualified_name`` with its good arguments but params replaced by make_params(good params)."""
    def call():
        row = ROWS[qualified_name]
        good = row.good()
        return row.call(**{**good, "params": make_params(good["params"])})
    return call


FORWARD_OVERFLOW = (r"must be small enough for the forward pass to fit in float64 \(below about 1\.8e308\), got "
                    r"entries up to 1e\+308 in params\['\w+'\].* with which inf or NaN appear in {}\. Weights this "
                    r"large make the network unusable: initialise new ones")
# Forward passes with finite weights of 1e308 returned inf or NaN outputs; their callers failed naming inner
# arrays (h_prev, outputs, logits) or returned inf. Each now names params (and the pass's own arguments).
FORWARD_OVERFLOW_ROWS = {
    **{name: "^params, x_t, h_prev " + FORWARD_OVERFLOW.format("y_t")
       for name in ("core.rnn_step", "reference.rnn_step_forward", "gated.gru_step")},
    "gated.lstm_step": "^params, x_t, h_prev, c_prev " + FORWARD_OVERFLOW.format("y_t"),
    **{name: "^params, inputs, h0 " + FORWARD_OVERFLOW.format("the outputs")
       for name in ("core.rnn_forward", "reference.rnn_forward", "core.rnn_forward_batch", "gated.lstm_forward",
                    "gated.lstm_forward_batch", "gated.gru_forward", "gated.gru_forward_batch",
                    "lm_training.sequence_loss")},
    **{name: "^params, inputs " + FORWARD_OVERFLOW.format("the outputs")
       for name in ("bptt.gradient_through_time", "training.evaluate", "memory.gradient_reach",
                    "spectral_explorer.gradient_profile", "lm_training.text_loss", "lm_training.names_loss")},
    **{name: "^params " + FORWARD_OVERFLOW.format("the logits")
       for name in ("sampling.read_prefix", "sampling.sample_indices", "sampling.greedy_indices", "sampling.generate",
                    "sampling.generate_greedy", "sampling.next_character_distribution", "sampling.generate_names",
                    "lm_explorer.explorer_view")},
    # The readable backward passes name params as the fast ones do (they failed on h_prev with NaN).
    **{name: r"^params must be small enough for the loss to fit in float64 .* got entries up to 1e\+308 "
             r"\(in params\['Wx'\]\), which make the loss nan"
       for name in ("reference.rnn_backward", "gated.lstm_backward_reference", "gated.gru_backward_reference")},
}


@pytest.mark.parametrize(
    "call, error, message",
    [
        *[pytest.param(lambda module=module: module.softmax_cross_entropy(np.array([[1e308, -1e308]]), np.array([1])),
                       ValueError, r"outputs must be small enough for the loss to fit in float64 .* got entries up to "
                       r"1e\+308 \(in outputs\), which make the loss", id=f"{module.__name__}.softmax_cross_entropy")
          for module in (backprop, reference)],
        pytest.param(gru_backward_huge(gated.gru_backward), ValueError, GRU_OVERFLOW, id="gru_backward x 1e308"),
        pytest.param(gru_backward_huge(gated.gru_backward_reference), ValueError, GRU_OVERFLOW,
                     id="gru_backward_reference x 1e308"),
        pytest.param(lambda: backprop.gradient_check(**batch_problem(params=gated_params("gru", 1e308)), cell="gru"),
                     ValueError, GRU_OVERFLOW, id="gradient_check gru x 1e308"),
        pytest.param(lambda: backprop.gradient_check(**batch_problem(params=gated_params("lstm", 1e308)), cell="lstm"),
                     ValueError, r"params\['Wx'\] must have entries of at most 1e\+03 .* epsilon=1e-05, got entries up "
                     r"to 4\.81e\+307: float64 rounds x \+- epsilon", id="gradient_check lstm x 1e308"),
        pytest.param(lambda: backprop.gradient_check(np.zeros((8, 1000, 3)), np.zeros((8, 1000), dtype=int),
                                                     gated_params("gru"), cell="gru"),
                     ValueError, r"inputs and params are too large for a gradient check: it would run 284 loss "
                     r"evaluations .* 284,000 time steps in all, more than MAX_CHECK_STEPS = 100,000 .* got inputs of "
                     r"shape \(8, 1000, 3\)", id="gradient_check gru (8, 1000, 3)"),
        pytest.param(lambda: backprop.gradient_check(**batch_problem(params=gated.init_lstm_params(3, 300, 2)),
                                                     cell="lstm"),
                     ValueError, r"inputs and params are too large for a gradient check: it would run 732,004 loss "
                     r"evaluations", id="gradient_check lstm H=300"),
        pytest.param(lambda: backprop.gradient_check(np.zeros((1000, 2, 1000)), np.zeros((1000, 2), dtype=int),
                                                     rnn.init_params(1000, 4, 2)),
                     ValueError, r"MAX_CHECK_MULTIPLY_ADDS", id="gradient_check many long inputs"),
        pytest.param(lambda: reference.rnn_step_backward(**step_backward_with("d_y_t", 1e308)), ValueError,
                     r"d_y_t, d_h_next, h_t, params must be small enough for the results to fit in float64 .* got "
                     r"entries up to 1e\+308 in d_y_t, 0\.5 in d_h_next, 0\.5 in h_t, 2\.55 in params\['Wh'\]",
                     id="reference.rnn_step_backward d_y_t 1e308"),
        pytest.param(lambda: reference.rnn_step_backward(**{**step_backward_with("d_y_t", 0.5),
                                                            "params": times(rnn_params(), 1e200)}), ValueError,
                     r"d_y_t, d_h_next, h_t, params must be small enough .* 0\.5 in h_t, 2\.55e\+200 in "
                     r"params\['Wh'\]", id="reference.rnn_step_backward params x 1e200"),
        *[pytest.param(lambda module=module: module.clip_gradients(grads_at_1e308(), 1.0), ValueError, NORM_OVERFLOW,
                       id=f"{module.__name__}.clip_gradients, norm beyond float64")
          for module in (backprop, reference)],
        pytest.param(lambda: backprop.gradient_norm(grads_at_1e308()), ValueError, NORM_OVERFLOW,
                     id="gradient_norm beyond float64"),
        pytest.param(gru_backward_huge_h0(gated.gru_backward), ValueError, GRADIENT_OVERFLOW,
                     id="gru_backward h0 1e308 sum"),
        pytest.param(gru_backward_huge_h0(gated.gru_backward_reference), ValueError, GRADIENT_OVERFLOW,
                     id="gru_backward_reference h0 1e308 sum"),
        pytest.param(lambda: rnn.spectral_radius(np.full((3, 3), 1e308)), ValueError,
                     r"matrix must have a spectral radius that fits in float64 .* got entries up to 1e\+308",
                     id="spectral_radius beyond float64"),
        *[pytest.param(lambda name=name: getattr(lm_training, name)(**{**ROWS[f"rnn_helpers.lm_training.{name}"].good(),
                                                                          "params": times(lm_params(), 1e200)}),
                       ValueError, r"params must hold weights a network can be trained from, at most 1e\+06 .* "
                       r"unusable before any update .* no learning rate can help", id=f"{name} x 1e200")
          for name in ("train_on_text", "train_on_names")],
        *[pytest.param(row_with_params(f"rnn_helpers.{name}", at_1e308), ValueError, message,
                       id=f"{name} params at 1e308")
          for name, message in FORWARD_OVERFLOW_ROWS.items()],
        pytest.param(row_with_params("rnn_helpers.bptt.gradient_through_time", lambda params: times(params, 1e200)),
                     ValueError, r"^params, inputs must be small enough for the results to fit in float64 .* got "
                     r"entries up to 2\.55e\+200 in params\['Wh'\], 2\.55 in inputs, with which they overflow",
                     id="gradient_through_time params x 1e200"),
        pytest.param(row_with_params("rnn_helpers.lm_training.input_gradient_norms",
                                     lambda params: {name: np.where(value < 0, -1e200, 1e200)
                                                     for name, value in params.items()}),
                     ValueError, r"^params must be small enough for the results to fit in float64 .* got entries up to "
                     r"1e\+200 in params\['Wx'\], with which they overflow", id="input_gradient_norms params at 1e200"),
        pytest.param(lambda: reference.rnn_step_backward(**step_backward_with("h_t", 1e308)), ValueError,
                     r"0\.5 in d_h_next, 1e\+308 in h_t, 2\.55 in params\['Wh'\], with which they overflow",
                     id="reference.rnn_step_backward h_t 1e308"),
        pytest.param(lambda: rnn.project_2d(np.array([[1.5e308, 1.5e308], [-1.5e308, -1.5e308]])), ValueError,
                     r"hidden_states must spread over less than float64's range .* got entries up to 1\.5e\+308",
                     id="project_2d spread beyond float64"),
        pytest.param(lambda: plots.plot_gradient_decay({"a": np.zeros(5)}), ValueError,
                     r"norms_by_label\['a'\] must hold at least one norm above 0 to draw on the log axis .* got only "
                     r"zeros", id="plot_gradient_decay all zeros"),
        *[pytest.param(lambda cell=cell: training.train(times(cells.get_cell(cell).init(1, 4, 2, 0), 1e308),
                                                        small_task(), training.Adam(), 1, batch_size=4, cell=cell),
                       ValueError, r"params must hold weights a network can be trained from, at most 1e\+06 .* got "
                       r"entries up to .* unusable before any update .* no learning rate can help",
                       id=f"train {cell} x 1e308")
          for cell in ("lstm", "gru")],
        pytest.param(lambda: rnn.rnn_forward(GOOD_INPUTS, float32_params()), TypeError,
                     r"convert them all with params = "
                     r"\{k: np\.array\(v, dtype=np\.float64\) for k, v in params\.items\(\)\}",
                     id="float32 params say how to convert"),
        pytest.param(lambda: training.Adam().step(float32_params(), grads_like(rnn_params())),
                     TypeError, r"params = \{k: np\.array\(v, dtype=np\.float64\)",
                     id="float32 params of an optimiser"),
        pytest.param(lambda: gated.lstm_forward(GOOD_INPUTS, {**gated_params("lstm"), "h0": np.zeros(4)}),
                     ValueError,
                     r"params has unexpected keys \['h0'\]: .* keep only the parameters with params = \{k: params\[k\] "
                     r"for k in \['Wx', 'Wh', 'Wy', 'bx', 'by'\]\}", id="an extra key says how to drop it"),
        pytest.param(lambda: training.SGD().step(rnn_params(), {**grads_like(rnn_params()), "h0": np.zeros(4)}),
                     ValueError, r"grads has unexpected keys \['h0'\]: .* keep only those of params with "
                     r"grads = \{k: grads\[k\] for k in params\}", id="an extra gradient says how to drop it"),
    ],
)
def test_extreme_but_finite_values_get_a_clear_error(call, error, message):
    try:
        with pytest.raises(error, match=message):
            call()
    finally:
        plt.close("all")


def test_unrolled_diagram_takes_any_integer_type():
    """A NumPy integer, as from np.arange or an array's shape arithmetic, is a valid number of steps."""
    try:
        assert len(diagrams.unrolled_diagram(np.int64(4)).axes) == 1
        assert len(diagrams.unrolled_diagram(np.int32(2), backward=True).axes) == 1
    finally:
        plt.close("all")


# ---------------------------------------------------------------- the exercise checks' names
# The checks judge a student's answer (they do not raise for a wrong one), but the exercise's name is the
# notebook's own argument: a list or a number there is a TypeError naming `name`, an unknown name a ValueError.
EXERCISE_NAME_ROWS = [
    ("judge", ["01.1"], TypeError), ("judge", 1.1, TypeError), ("judge", "99.9", ValueError),
    ("check_answer", ["01.1"], TypeError),
    ("judge_function", ["rnn_forward"], TypeError), ("judge_function", "rnn_everything", ValueError),
    ("check_function", ["rnn_forward"], TypeError),
]


@pytest.mark.parametrize("function, name, error", EXERCISE_NAME_ROWS,
                         ids=[f"{function}-{name!r}" for function, name, _ in EXERCISE_NAME_ROWS])
def test_an_exercise_name_that_is_not_a_known_string_is_named(function, name, error):
    from rnn_helpers import exercises

    with pytest.raises(error, match=r"name must be|unknown .* exercise") as raised:
        getattr(exercises, function)(name, 0.5 if function in ("judge", "check_answer") else reference.rnn_forward)
    assert "unhashable" not in str(raised.value) and repr(name) in str(raised.value)


# ---------------------------------------------------------------- notebook 10: the language model

import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from rnn_helpers import lm_data, lm_explorer, lm_metrics, lm_training, sampling, text  # noqa: E402

MODULES += ["rnn_helpers.text", "rnn_helpers.lm_data", "rnn_helpers.lm_metrics", "rnn_helpers.lm_training",
            "rnn_helpers.sampling", "rnn_helpers.lm_explorer"]

# The return_state argument of the backward passes that can carry a state from chunk to chunk.
for _name in ("rnn_helpers.bptt.rnn_backward", "rnn_helpers.gated.gru_backward"):
    ROWS[_name] = Row(ROWS[_name].call, (lambda good: lambda: {**good(), "return_state": True})(ROWS[_name].good),
                      {**ROWS[_name].bad, "return_state": BOOL})

_FILES = Path(tempfile.mkdtemp(prefix="rnn-bad-inputs-"))
(_FILES / "good.txt").write_text("hello", encoding="utf-8")
(_FILES / "latin1.txt").write_bytes("café".encode("latin-1"))
(_FILES / "empty.txt").write_bytes(b"")

TEXT = plus({}, None_=None, a_number=3, empty="", a_list=["a"], bytes_=b"ab", an_unknown_character="hellQ")
VOCABULARY = plus({}, None_=None, a_number=3, empty="", unsorted="ba", repeated="aab", a_list=["a", "b"])
NAME_VOCABULARY = plus(VOCABULARY, without_the_boundary="abcde")
PATH = plus({}, None_=None, a_number=3, a_missing_file=str(_FILES / "missing.txt"),
            a_latin1_file=_FILES / "latin1.txt", an_empty_file=_FILES / "empty.txt", a_folder=_FILES)
INDICES = LABELS  # character indices: the same catalogue as class labels
NAMES = plus({}, None_=None, a_string="emma", empty_list=[], an_empty_name=["emma", ""],
             a_number=[3], with_the_boundary=["em.ma"], an_unknown_character=["emQa"])
LM_CELL = plus(CHOICE, lstm="lstm")
FRACTION = plus(NUMBER, zero=0.0, one=1.0, negative=-0.1)
TEMPERATURE = POSITIVE
OPTIONAL_SECONDS = without(plus(POSITIVE, a_year=10**8), "None")
OPTIONAL_POSITIVE_INT = without(SIZE, "None")


def lm_params(cell="rnn", vocabulary_size=6, hidden_size=4):
    return lm_training.init_language_model(vocabulary_size, hidden_size, cell, seed=0)


NAME_CHARS = lm_data.BOUNDARY + "abcde"
GOOD_NAMES = ["abc", "bead", "cab", "dd", "eca", "ab"]
SAMPLING_ARGS = {"params": PARAMS, "cell": LM_CELL}

ROWS.update({
    "rnn_helpers.text.read_text": Row(text.read_text, lambda: {"path": _FILES / "good.txt"}, {"path": PATH}),
    "rnn_helpers.text.build_vocabulary": Row(text.build_vocabulary, lambda: {"text": "hello"},
                                             {"text": without(TEXT, "an unknown character")}),
    "rnn_helpers.text.encode": Row(text.encode, lambda: {"text": "hello", "vocabulary": "ehlo"},
                                   {"text": TEXT, "vocabulary": VOCABULARY}),
    "rnn_helpers.text.encode_named": Row(text.encode_named, lambda: {"name": "text", "text": "hello",
                                                                      "vocabulary": "ehlo"},
                                         {"name": plus({}, None_=None, a_number=3), "text": TEXT,
                                          "vocabulary": VOCABULARY}),
    "rnn_helpers.text.decode": Row(text.decode, lambda: {"indices": np.array([0, 1, 2]), "vocabulary": "ehlo"},
                                   {"indices": INDICES, "vocabulary": VOCABULARY}),
    "rnn_helpers.text.one_hot": Row(text.one_hot, lambda: {"indices": np.array([[0, 1], [2, 3]]), "size": 5},
                                    {"indices": without(INDICES, "an extra axis"),
                                     "size": plus(SIZE, too_many_entries=10**7)}),
    "rnn_helpers.lm_data.split_text": Row(
        lm_data.split_text, lambda: {"indices": np.arange(20) % 5, "held_out_fraction": 0.1},
        {"indices": plus(INDICES, too_short=np.array([1, 2, 3])), "held_out_fraction": FRACTION}),
    "rnn_helpers.lm_data.split_names": Row(
        lm_data.split_names, lambda: {"names": GOOD_NAMES, "held_out_fraction": 0.2, "seed": 0},
        {"names": NAMES, "held_out_fraction": plus(FRACTION, none_held_out=0.01), "seed": SEED}),
    "rnn_helpers.lm_data.name_batch": Row(
        lm_data.name_batch, lambda: {"names": GOOD_NAMES, "vocabulary": NAME_CHARS},
        {"names": NAMES, "vocabulary": NAME_VOCABULARY}),
    "rnn_helpers.lm_data.text_streams": Row(
        lm_data.text_streams, lambda: {"indices": np.arange(20) % 5, "num_streams": 2},
        {"indices": INDICES, "num_streams": plus(SIZE, more_than_the_text=15)}),
    "rnn_helpers.lm_data.text_chunks": Row(
        lm_data.text_chunks, lambda: {"streams": np.arange(20).reshape(2, 10) % 5, "chunk_length": 4},
        {"streams": plus(INDICES, one_dimension=np.arange(5)), "chunk_length": plus(SIZE, longer_than_the_text=10)}),
    "rnn_helpers.lm_metrics.perplexity": Row(lm_metrics.perplexity, lambda: {"loss": 1.5},
                                             {"loss": plus(NUMBER, negative=-1.0)}),
    "rnn_helpers.lm_metrics.unigram_loss": Row(
        lm_metrics.unigram_loss, lambda: {"train_targets": np.array([0, 1, 1]), "held_out_targets": np.array([1, 0]),
                                          "vocabulary_size": 3, "smoothing": 1.0},
        {"train_targets": without(INDICES, "an extra axis", "only IGNORE"),
         "held_out_targets": without(INDICES, "an extra axis", "only IGNORE"), "vocabulary_size": SIZE,
         "smoothing": POSITIVE}),
    "rnn_helpers.lm_metrics.bigram_counts": Row(
        lm_metrics.bigram_counts, lambda: {"inputs": np.array([0, 1, 2]), "targets": np.array([1, 2, 0]),
                                           "vocabulary_size": 3, "smoothing": 1.0},
        {"inputs": plus(without(INDICES, "only IGNORE"), another_shape=np.array([0, 1])),
         "targets": plus(without(INDICES, "only IGNORE"), another_shape=np.array([0, 1])),
         "vocabulary_size": plus(SIZE, too_many_entries=10**7), "smoothing": POSITIVE}),
    "rnn_helpers.lm_metrics.bigram_loss": Row(
        lm_metrics.bigram_loss, lambda: {"probabilities": np.full((3, 3), 1 / 3), "inputs": np.array([0, 1, 2]),
                                         "targets": np.array([1, 2, 0])},
        {"probabilities": plus(FLOAT_ARRAY, not_square=np.full((3, 2), 0.5), a_zero=np.zeros((3, 3))),
         "inputs": plus(without(INDICES, "only IGNORE"), another_shape=np.array([0, 1])),
         "targets": plus(without(INDICES, "only IGNORE"), another_shape=np.array([0, 1]))}),
    "rnn_helpers.lm_training.init_language_model": Row(
        lm_training.init_language_model, lambda: {"vocabulary_size": 5, "hidden_size": 4, "cell": "gru", "seed": 0},
        {"vocabulary_size": SIZE, "hidden_size": plus(SIZE, too_many_entries=10**4), "cell": LM_CELL, "seed": SEED}),
    "rnn_helpers.lm_training.sequence_loss": Row(
        lm_training.sequence_loss, lambda: {"params": lm_params(), "inputs": np.array([[0, 1, 2]]),
                                            "targets": np.array([[1, 2, 3]]), "cell": "rnn", "h0": np.zeros((1, 4))},
        {"params": plus(PARAMS, not_a_language_model=rnn_params()), "inputs": INDICES, "targets": INDICES,
         "cell": LM_CELL, "h0": plus(OPTIONAL_ARRAY, the_wrong_size=np.zeros((1, 3)))}),
    "rnn_helpers.lm_training.text_loss": Row(
        lm_training.text_loss, lambda: {"params": lm_params(), "indices": np.arange(40) % 6, "cell": "rnn",
                                        "num_streams": 2, "chunk_length": 5},
        {"params": PARAMS, "indices": INDICES, "cell": LM_CELL, "num_streams": plus(SIZE, too_many=30),
         "chunk_length": SIZE}),
    "rnn_helpers.lm_training.names_loss": Row(
        lm_training.names_loss, lambda: {"params": lm_params(), "names": GOOD_NAMES, "vocabulary": NAME_CHARS,
                                         "cell": "rnn"},
        {"params": PARAMS, "names": NAMES, "vocabulary": NAME_VOCABULARY, "cell": LM_CELL}),
    "rnn_helpers.lm_training.truncated_bptt_gradients": Row(
        lm_training.truncated_bptt_gradients, lambda: {"streams": np.arange(20).reshape(2, 10) % 6,
                                                       "params": lm_params(), "chunk_length": 4},
        {"streams": plus(INDICES, one_dimension=np.arange(5)), "params": PARAMS,
         "chunk_length": plus(SIZE, longer_than_the_text=10)}),
    "rnn_helpers.lm_training.train_on_text": Row(
        lm_training.train_on_text,
        lambda: {"params": lm_params(), "indices": np.arange(60) % 6, "optimizer": training.Adam(), "steps": 2,
                 "num_streams": 2, "chunk_length": 5, "cell": "rnn", "clip_norm": 5.0, "carry_state": True,
                 "held_out": np.arange(30) % 6, "evaluate_every": 1, "max_seconds": 60.0, "decay": True,
                 "progress": False},
        {"params": PARAMS, "indices": INDICES, "optimizer": OPTIMIZER, "steps": SIZE,
         "num_streams": plus(SIZE, too_many=50), "chunk_length": plus(SIZE, longer_than_a_stream=30),
         "cell": LM_CELL, "clip_norm": without(POSITIVE, "None"), "carry_state": BOOL,
         "held_out": plus(without(INDICES, "None"), too_short=np.array([1, 2, 3])),
         "evaluate_every": OPTIONAL_POSITIVE_INT, "max_seconds": OPTIONAL_SECONDS, "decay": BOOL, "progress": BOOL}),
    "rnn_helpers.lm_training.train_on_names": Row(
        lm_training.train_on_names,
        lambda: {"params": lm_params(), "names": GOOD_NAMES, "vocabulary": NAME_CHARS, "optimizer": training.Adam(),
                 "steps": 2, "batch_size": 3, "cell": "rnn", "clip_norm": 5.0, "held_out": GOOD_NAMES[:2],
                 "evaluate_every": 1, "max_seconds": 60.0, "decay": True, "seed": 0, "progress": False},
        {"params": PARAMS, "names": NAMES, "vocabulary": plus(NAME_VOCABULARY, too_long=NAME_CHARS + "f"),
         "optimizer": OPTIMIZER, "steps": SIZE, "batch_size": SIZE, "cell": LM_CELL,
         "clip_norm": without(POSITIVE, "None"), "held_out": without(NAMES, "None"),
         "evaluate_every": OPTIONAL_POSITIVE_INT, "max_seconds": OPTIONAL_SECONDS, "decay": BOOL, "seed": SEED,
         "progress": BOOL}),
    "rnn_helpers.lm_training.input_gradient_norms": Row(
        lm_training.input_gradient_norms, lambda: {"params": lm_params("gru"), "indices": np.array([0, 1, 2, 3]),
                                                   "cell": "gru"},
        {"params": PARAMS, "indices": plus(INDICES, one_character=np.array([1])), "cell": LM_CELL}),
    "rnn_helpers.sampling.softmax_with_temperature": Row(
        sampling.softmax_with_temperature, lambda: {"logits": np.array([1.0, 2.0, 3.0]), "temperature": 0.5},
        {"logits": ANY_SHAPE_ARRAY, "temperature": TEMPERATURE}),
    "rnn_helpers.sampling.sample_next": Row(
        sampling.sample_next, lambda: {"logits": np.array([1.0, 2.0, 3.0]), "temperature": 0.5, "uniform": 0.3},
        {"logits": FLOAT_ARRAY, "temperature": TEMPERATURE, "uniform": PROBABILITY}),
    "rnn_helpers.sampling.read_prefix": Row(
        sampling.read_prefix, lambda: {"params": lm_params(), "prefix_indices": np.array([0, 1]), "cell": "rnn"},
        {**SAMPLING_ARGS, "prefix_indices": INDICES}),
    "rnn_helpers.sampling.sample_indices": Row(
        sampling.sample_indices, lambda: {"params": lm_params(), "prefix_indices": np.array([0, 1]),
                                          "uniforms": np.array([0.1, 0.9]), "temperature": 1.0, "cell": "rnn"},
        {**SAMPLING_ARGS, "prefix_indices": INDICES, "temperature": TEMPERATURE,
         "uniforms": plus(FLOAT_ARRAY, one_of_them_1=np.array([0.5, 1.0]), too_many=np.zeros(10**6))}),
    "rnn_helpers.sampling.greedy_indices": Row(
        sampling.greedy_indices, lambda: {"params": lm_params(), "prefix_indices": np.array([0, 1]), "length": 5,
                                          "cell": "rnn"},
        {**SAMPLING_ARGS, "prefix_indices": INDICES, "length": SIZE}),
    "rnn_helpers.sampling.generate": Row(
        sampling.generate, lambda: {"params": lm_params(), "vocabulary": "abcdef", "prefix": "ab", "length": 5,
                                    "temperature": 1.0, "seed": 0, "cell": "rnn"},
        {**SAMPLING_ARGS, "vocabulary": VOCABULARY, "prefix": TEXT, "length": SIZE, "temperature": TEMPERATURE,
         "seed": SEED}),
    "rnn_helpers.sampling.generate_greedy": Row(
        sampling.generate_greedy, lambda: {"params": lm_params(), "vocabulary": "abcdef", "prefix": "ab",
                                           "length": 5, "cell": "rnn"},
        {**SAMPLING_ARGS, "vocabulary": VOCABULARY, "prefix": TEXT, "length": SIZE}),
    "rnn_helpers.sampling.next_character_distribution": Row(
        sampling.next_character_distribution, lambda: {"params": lm_params(), "vocabulary": "abcdef",
                                                       "prefix": "ab", "temperature": 1.0, "cell": "rnn"},
        {**SAMPLING_ARGS, "vocabulary": VOCABULARY, "prefix": TEXT, "temperature": TEMPERATURE}),
    "rnn_helpers.sampling.generate_names": Row(
        sampling.generate_names, lambda: {"params": lm_params(), "vocabulary": NAME_CHARS, "count": 3,
                                          "temperature": 1.0, "seed": 0, "cell": "rnn", "max_length": 5},
        {**SAMPLING_ARGS, "vocabulary": NAME_VOCABULARY, "count": SIZE, "temperature": TEMPERATURE, "seed": SEED,
         "max_length": SIZE}),
    "rnn_helpers.lm_explorer.explorer_view": Row(
        lm_explorer.explorer_view, lambda: {"params": lm_params(), "vocabulary": "abcdef", "prefix": "ab",
                                            "temperature": 1.0, "cell": "rnn", "length": 5, "seed": 0},
        {**SAMPLING_ARGS, "vocabulary": VOCABULARY, "prefix": TEXT, "temperature": TEMPERATURE, "length": SIZE,
         "seed": SEED}),
    "rnn_helpers.lm_explorer.TemperatureExplorer": Row(
        lm_explorer.TemperatureExplorer, lambda: {"params": lm_params(), "vocabulary": "abcdef", "prefix": "ab",
                                                  "temperature": 1.0, "cell": "rnn", "length": 5},
        {**SAMPLING_ARGS, "vocabulary": VOCABULARY, "prefix": TEXT,
         "temperature": plus(TEMPERATURE, above_the_slider=5.0), "length": SIZE}),
    "rnn_helpers.diagrams.truncated_bptt_diagram": Row(
        diagrams.truncated_bptt_diagram, lambda: {"chunk_length": 3, "chunks": 2},
        {"chunk_length": plus(SIZE, too_many=5), "chunks": plus(SIZE, too_many=4)}),
})
