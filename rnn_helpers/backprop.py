"""Backpropagation through time (BPTT) for the vanilla RNN, and a numerical gradient check.

Loss: softmax cross-entropy of the outputs y_t against integer labels c_t, averaged over every
labelled step of every sequence (``reduction="mean"``) or summed (``reduction="sum"``). A label of
``IGNORE`` (-1) marks a step with no target; it adds nothing to the loss.

Backward recurrence, with dy_t = dL/dy_t and delta_{T+1} = 0::

    dh_t    = Wy^T dy_t + Wh^T delta_{t+1}          (gradient reaching h_t)
    delta_t = dh_t * (1 - h_t^2)                    (through tanh: dL/da_t)
    dWx = sum_t delta_t x_t^T,  dWh = sum_t delta_t h_{t-1}^T,  dbx = sum_t delta_t
    dWy = sum_t dy_t h_t^T,     dby = sum_t dy_t,   dh0 = Wh^T delta_1
"""

import threading

import numpy as np

from ._checks import (
    RNN_SHAPES,
    as_float_array,
    check_backward,
    check_bool,
    check_clipping,
    check_grads,
    check_loss,
    check_number,
    check_positive_int,
    describe_value,
)
from .core import IGNORE, recurrence_in_place, rnn_forward_batch

# numerical_gradient calls its function twice per entry: more entries than this would run for hours.
MAX_NUMERICAL_ENTRIES = 100_000

_scratch = threading.local()


def _scratch_array(name, shape):
    """A float64 array that ``rnn_backward`` reuses from one call to the next for its intermediates.

    A fresh multi-megabyte array costs a page fault for every 4 KiB the first time it is written,
    about a third of a backward pass at typical training sizes; reusing the previous call's array
    when the shape matches avoids that. These arrays never leave ``rnn_backward``, and each thread
    has its own, so callers never share one.
    """
    array = getattr(_scratch, name, None)
    if array is None or array.shape != shape:
        array = np.empty(shape)
        setattr(_scratch, name, array)
    return array


def _as_batch(inputs, labels, params, h0, reduction="mean", clip_norm=None, shapes=RNN_SHAPES):
    """Check the arguments (see ``_checks.check_backward``) and return inputs, labels and h0 with a batch
    axis, (N, T, D), (N, T), (N, H) or None, and whether they were one sequence.

    ``shapes``: the cell's parameter shapes (see ``_checks.check_params``)."""
    inputs, labels, h0 = check_backward(inputs, labels, params, h0, reduction, clip_norm, shapes)
    single = inputs.ndim == 2
    if single:
        return inputs[None], labels[None], None if h0 is None else h0[None], True
    return inputs, labels, h0, False


def softmax_cross_entropy(outputs, labels, reduction="mean"):
    """Softmax cross-entropy loss and its gradient with respect to the outputs.

    Inputs:
    - outputs: logits, shape (..., O), e.g. (N, T, O)
    - labels: class indices, shape (...), e.g. (N, T); IGNORE (-1) marks steps without a target
    - reduction: "mean" over labelled steps, or "sum"

    Returns (loss, d_outputs) with d_outputs shaped like outputs.
    """
    outputs, labels = check_loss(outputs, labels, reduction)
    num_classes = outputs.shape[-1]
    # Class-major scores, shape (O, M) for M steps: see _softmax_cross_entropy_class_major.
    loss, d_scores = _softmax_cross_entropy_class_major(outputs.reshape(-1, num_classes).T.copy(),
                                                        labels.reshape(-1), reduction)
    return loss, d_scores.T.reshape(outputs.shape)


def _softmax_cross_entropy_class_major(scores, labels, reduction):
    """Softmax cross-entropy on scores of shape (O, M) (one column per step), labels (M,).

    Class-major layout turns each reduction over the classes into O - 1 element-wise operations
    on long rows, far faster than reducing a short last axis. ``scores`` is overwritten; returns
    (loss, d_scores) with d_scores of shape (O, M). No checks: callers check the labels (at least one
    not IGNORE) and the reduction.
    """
    labelled = labels != IGNORE
    count = int(np.count_nonzero(labelled))
    scale = 1.0 / count if reduction == "mean" else 1.0
    scores -= scores.max(axis=0)  # shifting by the maximum keeps exp() finite; softmax is unchanged
    probabilities = np.exp(scores)
    normaliser = probabilities.sum(axis=0)
    probabilities /= normaliser
    steps = np.arange(len(labels))
    true_classes = np.where(labelled, labels, 0)
    log_likelihoods = scores[true_classes, steps] - np.log(normaliser)  # log softmax of the true class
    # d loss / d scores = softmax - one_hot(true class), on labelled steps only.
    probabilities[true_classes, steps] -= 1.0
    if count == len(labels):
        loss = -scale * np.sum(log_likelihoods)
        probabilities *= scale
    else:
        loss = -scale * np.sum(log_likelihoods, where=labelled)
        probabilities *= labelled * scale
    return float(loss), probabilities


def _joint_norm(grads):
    """sqrt of the sum of every squared entry; no checks (NaN or inf when an entry is, or when it overflows)."""
    with np.errstate(over="ignore", invalid="ignore"):  # callers test the result with np.isfinite
        return float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))


def _finite_norm(grads):
    """The joint norm of checked ``grads``; ValueError naming the first array with NaN or inf."""
    norm = _joint_norm(grads)
    if np.isfinite(norm):
        return norm
    check_grads(grads)  # raises for the first array with NaN or inf
    # Every entry is finite but the sum of squares overflowed: divide by the largest entry first.
    largest = max(float(np.abs(g).max()) for g in grads.values())
    return largest * _joint_norm({name: g / largest for name, g in grads.items()})


def _scaled_to(grads, norm, max_norm):
    """``grads``, whose joint norm is ``norm``, scaled together so that it is at most ``max_norm``."""
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return {name: g * factor for name, g in grads.items()}


def gradient_norm(grads):
    """The joint L2 norm of all gradients: sqrt of the sum of every squared entry.

    - grads: dict of finite arrays (any shapes)
    """
    return _finite_norm(check_grads(grads, finite=False))  # finiteness: through the norm


def clip_gradients(grads, max_norm):
    """Scale all gradients together so their joint L2 norm is at most ``max_norm``.

    - grads: dict of finite arrays (any shapes)
    - max_norm: a positive number

    Returns (clipped_grads, norm_before_clipping).
    """
    grads = check_clipping(grads, max_norm, finite=False)  # finiteness: through the norm
    norm = _finite_norm(grads)
    return _scaled_to(grads, norm, max_norm), norm


def rnn_backward(inputs, labels, params, h0=None, reduction="mean", clip_norm=None, return_state=False):
    """Loss and gradients for one sequence or a batch, by backpropagation through time.

    Inputs:
    - inputs: shape (T, D) for one sequence, or (N, T, D) for a batch
    - labels: integer class indices, shape (T,) or (N, T); IGNORE (-1) marks steps without a target
    - params: dict from ``init_params``
    - h0: initial hidden state, shape (H,) or (N, H); zeros if None
    - reduction: "mean" (average over labelled steps) or "sum"
    - clip_norm: if given, clip the joint gradient norm to this value (see ``clip_gradients``)
    - return_state: also return the last hidden state h_T, shaped like h0, to start the next chunk of a
      long text from (truncated BPTT, notebook 10)

    Returns (loss, grads), or (loss, grads, h_T) with ``return_state``: grads has the keys of params with
    their shapes, plus 'h0' shaped like h0 ((H,) or (N, H)).
    """
    inputs, labels, h0, single = _as_batch(inputs, labels, params, h0, reduction, clip_norm)
    check_bool("return_state", return_state)
    batch_size, sequence_length, input_size = inputs.shape
    hidden_size = params["Wh"].shape[0]
    if h0 is None:
        h0 = np.zeros((batch_size, hidden_size))
    # Work time-major, (T, N, ...), so that each step touches one contiguous block of memory. The
    # inputs carry an extra column of ones, so [Wx | bx] acts on them in one product, both ways.
    inputs_with_ones = np.ones((sequence_length * batch_size, input_size + 1))
    inputs_with_ones[:, :input_size] = inputs.transpose(1, 0, 2).reshape(-1, input_size)
    Wx_bx = np.column_stack([params["Wx"], params["bx"]])
    state_shape = (sequence_length, batch_size, hidden_size)
    input_terms = _scratch_array("hidden_states", state_shape)
    np.matmul(inputs_with_ones, Wx_bx.T, out=input_terms.reshape(-1, hidden_size))  # Wx x_t + bx
    hidden_states = recurrence_in_place(input_terms, params["Wh"], h0)
    flat_states = hidden_states.reshape(-1, hidden_size)  # row t * N + n is h_t of sequence n
    # Class-major scores (O, T * N): the outputs y_t of every step as columns.
    scores = params["Wy"] @ flat_states.T + params["by"][:, None]
    loss, d_scores = _softmax_cross_entropy_class_major(scores, labels.T.reshape(-1), reduction)

    # Everything that does not depend on the recurrence is done for all steps in one 2-D product.
    deltas = _scratch_array("deltas", state_shape)  # dL/dh_t from the outputs, then dL/da_t
    np.matmul(d_scores.T, params["Wy"], out=deltas.reshape(-1, hidden_size))
    delta_next = np.zeros((batch_size, hidden_size))
    tanh_slope = np.empty((batch_size, hidden_size))
    for t in range(sequence_length - 1, -1, -1):
        deltas[t] += delta_next @ params["Wh"]  # gradient reaching h_t from step t + 1
        np.multiply(hidden_states[t], hidden_states[t], out=tanh_slope)
        np.subtract(1.0, tanh_slope, out=tanh_slope)  # tanh'(a_t) = 1 - h_t^2
        deltas[t] *= tanh_slope
        delta_next = deltas[t]

    flat_deltas = deltas.reshape(-1, hidden_size)
    # dWh = sum_t delta_t h_{t-1}^T: steps 2..T pair with the stored states 1..T-1, step 1 with h0.
    d_Wh = flat_deltas[batch_size:].T @ flat_states[:-batch_size] + deltas[0].T @ h0
    # [dWx | dbx] in one product: the inputs carry an extra column of ones for the bias.
    d_Wx_bx = flat_deltas.T @ inputs_with_ones
    grads = {
        "Wx": d_Wx_bx[:, :input_size],
        "Wh": d_Wh,
        "Wy": d_scores @ flat_states,
        "bx": d_Wx_bx[:, input_size],
        "by": d_scores.sum(axis=1),
        "h0": delta_next @ params["Wh"],
    }
    if single:
        grads["h0"] = grads["h0"][0]
    if clip_norm is not None:
        grads, _ = clip_gradients(grads, clip_norm)
    if return_state:  # a copy: hidden_states is a scratch array the next call overwrites
        return loss, grads, hidden_states[-1, 0].copy() if single else hidden_states[-1].copy()
    return loss, grads


def rnn_loss(inputs, labels, params, h0=None, reduction="mean"):
    """The loss alone (forward pass only); same arguments as ``rnn_backward``."""
    inputs, labels, h0, _ = _as_batch(inputs, labels, params, h0, reduction)
    return softmax_cross_entropy(rnn_forward_batch(inputs, params, h0=h0)[1], labels, reduction)[0]


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
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return 0.0 if denominator == 0 else float(np.linalg.norm(analytic - numeric) / denominator)


def gradient_check(inputs, labels, params, h0=None, epsilon=1e-5, cell="rnn"):
    """Compare a cell's backward pass with central differences, parameter by parameter.

    Same inputs as ``rnn_backward`` (without clipping); ``cell`` names the cell ``params`` belong to,
    "rnn", "lstm" or "gru" (see ``rnn_helpers.cells``). Returns a dict mapping each parameter name
    and 'h0' to the relative error (see ``relative_error``); in float64 a correct backward pass gives
    errors around 1e-9 or smaller.
    """
    from .cells import get_cell  # imported here: cells imports this module

    check_number("epsilon", epsilon, 0, 1, low_open=True)
    backward = get_cell(cell).backward
    _, grads = backward(inputs, labels, params, h0=h0)  # checks every argument first
    params = {name: np.array(params[name], dtype=np.float64) for name in get_cell(cell).param_names}
    h0 = np.zeros(grads["h0"].shape) if h0 is None else np.array(h0, dtype=np.float64)
    errors = {}
    for name, array in [*params.items(), ("h0", h0)]:
        numeric = numerical_gradient(lambda: backward(inputs, labels, params, h0=h0)[0], array, epsilon)
        errors[name] = relative_error(grads[name], numeric)
    return errors


def gradient_through_time(inputs, labels, params):
    """How strongly the loss at the last step reaches back to each earlier hidden state.

    Only the last step's loss L_T is used; its gradient flows back through
    dL_T/dh_{t-1} = Wh^T (dL_T/dh_t * (1 - h_t^2)), one Jacobian factor per step.

    Inputs:
    - inputs: shape (N, T, D), or (T, D) for one sequence
    - labels: shape (N, T) or (T,); only the last step's labels are used and must not be IGNORE
    - params: dict from ``init_params``

    Returns norms of shape (T,): norms[k] = mean over the batch of ||dL_T / dh_{T-k}||, so
    norms[0] is the last state and norms[T-1] the first.
    """
    inputs, labels, _, _ = _as_batch(inputs, labels, params, None)
    if np.any(labels[:, -1] == IGNORE):
        raise ValueError("labels must label the last step of every sequence (its loss is followed back), "
                         "got IGNORE (-1)")
    hidden_states, outputs = rnn_forward_batch(inputs, params)
    _, d_last_output = softmax_cross_entropy(outputs[:, -1], labels[:, -1])
    d_hidden = d_last_output @ params["Wy"]  # dL_T/dh_T, shape (N, H)
    sequence_length = inputs.shape[1]
    norms = np.empty(sequence_length)
    for k in range(sequence_length):
        t = sequence_length - 1 - k
        norms[k] = np.mean(np.linalg.norm(d_hidden, axis=1))
        d_hidden = (d_hidden * (1.0 - hidden_states[:, t] ** 2)) @ params["Wh"]
    return norms
