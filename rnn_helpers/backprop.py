"""Backpropagation through time for the vanilla RNN, and a numerical gradient check for every cell.

Notebook 06's tools in one place. The backward pass itself, ``rnn_backward`` (and ``rnn_loss``,
``gradient_through_time``), lives in ``rnn_helpers.bptt``; the loss in ``rnn_helpers.losses``; the
gradient norm and clipping in ``rnn_helpers.clipping``. This module imports them and adds the gradient
check, which takes any cell of ``rnn_helpers.cells`` by name: so it sits above the cells, and nothing in
the package below it imports it (the imports run one way, from here down).

Gradient check: each parameter entry is moved by +-epsilon and the loss's change compared with the
backward pass's gradient, df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps).
"""

import math

import numpy as np

from ._checks import (
    as_float_array,
    check_magnitude,
    check_number,
    check_positive_int,
    describe_value,
    power_of_two_scale,
)
from .bptt import gradient_through_time, rnn_backward, rnn_loss
from .cells import get_cell
from .clipping import clip_gradients, gradient_norm
from .losses import softmax_cross_entropy

# Exported for notebook 06 (and 08, 09), which import them from here.
__all__ = ["clip_gradients", "gradient_check", "gradient_norm", "gradient_through_time", "numerical_gradient",
           "relative_error", "rnn_backward", "rnn_loss", "softmax_cross_entropy"]

# numerical_gradient calls its function twice per entry: more entries than this would run for hours.
MAX_NUMERICAL_ENTRIES = 100_000


def numerical_gradient(function, array, epsilon=1e-5):
    """Central-difference gradient of a scalar ``function()`` with respect to ``array`` (changed in place
    and restored): df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps). Same shape as ``array``.

    - function: called without arguments, returns a real number (e.g. a loss that reads ``array``)
    - array: a float64 ndarray of any shape, at most MAX_NUMERICAL_ENTRIES entries
    - epsilon: the step, a number in (0, 1]
    """
    if not callable(function):
        raise TypeError(f"function must be callable without arguments, got {describe_value(function)}")
    if not isinstance(array, np.ndarray) or array.dtype != np.float64:
        arrived = f"dtype {array.dtype}" if isinstance(array, np.ndarray) else describe_value(array)
        raise TypeError(f"array must be a float64 NumPy array (it is changed in place), got {arrived}")
    as_float_array("array", array, None)
    check_positive_int("array.size", array.size, maximum=MAX_NUMERICAL_ENTRIES)
    check_number("epsilon", epsilon, 0, 1, low_open=True)
    check_number("the value of function()", function())
    gradient = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + epsilon
        plus = function()
        array[index] = original - epsilon
        minus = function()
        array[index] = original
        gradient[index] = (plus - minus) / (2 * epsilon)
    return gradient


def relative_error(analytic, numeric):
    """||analytic - numeric|| / (||analytic|| + ||numeric||), 0 when both are zero.

    - analytic, numeric: finite arrays of the same shape (any)
    """
    analytic = as_float_array("analytic", analytic, None)
    numeric = as_float_array("numeric", numeric, None)
    if analytic.shape != numeric.shape:
        raise ValueError(f"analytic and numeric must have the same shape, got {analytic.shape} and {numeric.shape}")
    # The ratio does not change when both are divided by a power of two near their largest entry, and then
    # no norm overflows (entries near 1e200 would square to inf and give inf / inf = NaN).
    scale = power_of_two_scale(analytic, numeric)
    analytic, numeric = analytic / scale, numeric / scale
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return 0.0 if denominator == 0 else float(np.linalg.norm(analytic - numeric) / denominator)


def gradient_check(inputs, labels, params, h0=None, epsilon=1e-5, cell="rnn"):
    """Compare a cell's backward pass with central differences, parameter by parameter.

    Same inputs as ``rnn_backward`` (without clipping); ``cell`` names the cell ``params`` belong to,
    "rnn", "lstm" or "gru" (see ``rnn_helpers.cells``). Returns a dict mapping each parameter name
    and 'h0' to the relative error (see ``relative_error``); in float64 a correct backward pass gives
    errors around 1e-9 or smaller.

    The check evaluates the loss twice per entry of params and h0, so it refuses sizes that would run
    for minutes (more than MAX_CHECK_STEPS time steps or MAX_CHECK_MULTIPLY_ADDS multiply-adds in all),
    and entries so large (above MAX_CHECK_WEIGHT_PER_EPSILON * epsilon) that float64 rounds x +- epsilon
    too coarsely for the differences to mean anything.
    """
    check_number("epsilon", epsilon, 0, 1, low_open=True)
    recurrent_cell = get_cell(cell)
    _, grads = recurrent_cell.backward(inputs, labels, params, h0=h0)  # checks every argument first
    params = {name: np.array(params[name], dtype=np.float64) for name in recurrent_cell.param_names}
    h0 = np.zeros(grads["h0"].shape) if h0 is None else np.array(h0, dtype=np.float64)
    _check_gradient_check_size(np.shape(inputs), params, h0, epsilon)
    errors = {}
    for name, array in [*params.items(), ("h0", h0)]:
        numeric = numerical_gradient(lambda: recurrent_cell.backward(inputs, labels, params, h0=h0)[0], array,
                                     epsilon)
        errors[name] = relative_error(grads[name], numeric)
    return errors


# A gradient check evaluates the loss twice per entry. Beyond these totals it runs for minutes (a time step
# costs tens of microseconds in Python, a multiply-add about a nanosecond), and tells nothing a check on a
# few short sequences and a few units does not.
MAX_CHECK_STEPS = 100_000
MAX_CHECK_MULTIPLY_ADDS = 10**10
# x + epsilon is rounded to float64's resolution, about |x| * 1.1e-16: for entries above this many times
# epsilon the rounding moves the differences by more than 1e-8 of themselves, against errors of 1e-7 to detect.
MAX_CHECK_WEIGHT_PER_EPSILON = 1e8


def _check_gradient_check_size(inputs_shape, params, h0, epsilon):
    """Raise ValueError for a gradient check that would run for minutes or whose entries drown epsilon.

    - inputs_shape: (T, D) or (N, T, D); params: the cell's checked float64 arrays; h0: (H,) or (N, H)
    """
    arrays = {**{f"params[{name!r}]": value for name, value in params.items()}, "h0": h0}
    entries = sum(array.size for array in arrays.values())
    steps = inputs_shape[-2]
    sequences = math.prod(inputs_shape[:-2])
    evaluations = 2 * entries
    # One step of one sequence multiplies x_t and h_{t-1} by every gate's weights and h_t by Wy.
    per_step = params["Wx"].size + params["Wh"].size + params["Wy"].size
    work = f"{evaluations:,} loss evaluations (2 per entry of params and h0, {entries:,} entries)"
    if evaluations * steps > MAX_CHECK_STEPS:
        raise ValueError(
            f"inputs and params are too large for a gradient check: it would run {work} over {steps:,} steps "
            f"each, {evaluations * steps:,} time steps in all, more than MAX_CHECK_STEPS = {MAX_CHECK_STEPS:,} "
            f"(at tens of microseconds a step, minutes or more); got inputs of shape {inputs_shape}. Check on "
            f"fewer and shorter sequences and a small hidden size, e.g. inputs[:2, :10]: a correct backward pass "
            f"is correct at every size"
        )
    multiply_adds = evaluations * steps * sequences * per_step
    if multiply_adds > MAX_CHECK_MULTIPLY_ADDS:
        raise ValueError(
            f"inputs and params are too large for a gradient check: it would run {work} of {multiply_adds:,.3g} "
            f"multiply-adds in all, more than MAX_CHECK_MULTIPLY_ADDS = {MAX_CHECK_MULTIPLY_ADDS:.0e} (minutes); "
            f"got inputs of shape {inputs_shape} and {per_step:,} weights per step. Check on fewer sequences and "
            f"a small hidden size: a correct backward pass is correct at every size"
        )
    limit = MAX_CHECK_WEIGHT_PER_EPSILON * epsilon
    for name, array in arrays.items():
        check_magnitude(name, array, limit, f"(MAX_CHECK_WEIGHT_PER_EPSILON * epsilon) for a gradient check with "
                        f"epsilon={epsilon:g}", "float64 rounds x +- epsilon so coarsely there that the central "
                        "differences are noise, not a verdict on the backward pass")
