"""The vanilla RNN written to be read: the loops and equations of notebooks 01-07, one idea per function.

This is the code a stuck student opens, and the code the implementation exercises are checked
against (``rnn_helpers.exercises.check_function``). It is plain: one line of argument checks at the
top of each function (from ``rnn_helpers._checks``, so a bad argument gets a clear error), then the
math; no scratch buffers, one step at a time. The fast path used for training and benchmarks
(``rnn_helpers.core.rnn_forward_batch``, ``rnn_helpers.bptt.rnn_backward``) computes the same
numbers, vectorised and reusing memory; the tests hold the two equal to 1e-12. (CS231n splits
``layers.py`` from ``fast_layers.py`` the same way.)

Notation, as in the notebooks::

    a_t = Wx x_t + Wh h_{t-1} + bx      pre-activation,  shape (H,)
    h_t = tanh(a_t)                     hidden state,    shape (H,)
    y_t = Wy h_t + by                   output (logits), shape (O,)

Sizes: D input, H hidden, O output, T sequence length, N batch size. A batch stacks vectors as
rows, so Wx x_t becomes x_t @ Wx.T: the same formula then serves one vector (D,) and a batch (N, D).
``params`` is the dict of ``rnn_helpers.init_params``: 'Wx' (H, D), 'Wh' (H, H), 'Wy' (O, H),
'bx' (H,), 'by' (O,). Predictions and accuracy are in ``rnn_helpers.core`` (``predict``,
``accuracy``), already as plain as this.
"""

import numpy as np

from ._checks import (
    check_backward,
    check_clipping,
    check_finite_loss,
    check_finite_norm,
    check_finite_outputs,
    check_finite_results,
    check_forward,
    check_loss,
    check_momentum_step,
    check_step,
    overflow_blames_params,
    power_of_two_scale,
    steps_overflow_as,
)

IGNORE = -1  # a label of -1 marks a step without a target (same value as rnn_helpers.core.IGNORE)


def rnn_step_forward(x_t, h_prev, params):
    """One step of the RNN cell (notebook 01).

    Inputs:
    - x_t: input at step t, shape (D,), or (N, D) for a batch
    - h_prev: previous hidden state h_{t-1}, shape (H,) or (N, H)
    - params: dict with 'Wx' (H, D), 'Wh' (H, H), 'Wy' (O, H), 'bx' (H,), 'by' (O,)

    Returns (h_t, y_t): new hidden state (H,) or (N, H), and output scores (O,) or (N, O).
    """
    x_t, h_prev = check_step(params, x_t, h_prev=h_prev)  # the checks only guard the arguments; the math follows
    a_t = x_t @ params["Wx"].T + h_prev @ params["Wh"].T + params["bx"]
    h_t = np.tanh(a_t)
    y_t = h_t @ params["Wy"].T + params["by"]
    check_finite_outputs(y_t, "y_t", params=params, x_t=x_t, h_prev=h_prev)  # huge weights overflow float64
    return h_t, y_t


def rnn_forward(inputs, params, h0=None):
    """Run the cell over a whole sequence, carrying the hidden state from step to step (notebook 02).

    Inputs:
    - inputs: shape (T, D) for one sequence, or (N, T, D) for a batch; ``inputs[..., t, :]`` is step t
    - params: as in ``rnn_step_forward``
    - h0: initial hidden state, shape (H,) or (N, H); zeros if None

    Returns (hidden_states, outputs): shapes (T, H) and (T, O), or (N, T, H) and (N, T, O).
    """
    inputs, h0 = check_forward(inputs, params, h0)
    h_t = np.zeros(inputs.shape[:-2] + params["Wh"].shape[:1]) if h0 is None else h0
    hidden_states, outputs = [], []
    # A step whose y_t overflows float64 raises; the error then names this function's arguments.
    with steps_overflow_as("the outputs", params=params, inputs=inputs, h0=h0):
        for t in range(inputs.shape[-2]):
            h_t, y_t = rnn_step_forward(inputs[..., t, :], h_t, params)  # h_t is fed back in at the next step
            hidden_states.append(h_t)
            outputs.append(y_t)
    # Stack along the time axis, which sits just before the last axis.
    return np.stack(hidden_states, axis=-2), np.stack(outputs, axis=-2)


def softmax_cross_entropy(outputs, labels, reduction="mean"):
    """Softmax cross-entropy over the labelled steps, and its gradient (notebook 06).

    p = softmax(y),  L = -(1/count) sum over labelled steps of log p[c],  dL/dy = (p - onehot(c)) / count.

    Inputs:
    - outputs: scores y, shape (T, O) or (N, T, O)
    - labels: true classes c, integers, shape (T,) or (N, T); IGNORE (-1) marks a step without a target
    - reduction: "mean" divides by the count of labelled steps, "sum" does not

    Returns (loss, d_outputs): a float, and dL/dy shaped like outputs (zero at IGNORE steps).
    """
    outputs, labels = check_loss(outputs, labels, reduction)
    # Subtracting each row's maximum keeps exp() finite; softmax does not change.
    shifted = outputs - outputs.max(axis=-1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    probabilities = np.exp(log_probabilities)
    labelled = (labels != IGNORE)[..., None]  # shape (..., 1): 1 on steps with a target, 0 on IGNORE steps
    # Row c of the identity is the one-hot vector of class c; IGNORE steps (row -1) are masked to zero.
    one_hot = np.eye(outputs.shape[-1])[labels] * labelled
    divisor = np.count_nonzero(labelled) if reduction == "mean" else 1
    loss = -np.sum(one_hot * log_probabilities) / divisor
    d_outputs = (probabilities * labelled - one_hot) / divisor
    check_finite_loss(loss, "outputs", outputs)  # scores too far apart overflow float64
    return float(loss), d_outputs


def rnn_step_backward(d_y_t, d_h_next, x_t, h_prev, h_t, params):
    """Backpropagate through one step t (notebook 06).

    dh_t = Wy^T dy_t + (gradient from step t+1);  delta_t = dh_t * (1 - h_t^2);  dh_{t-1} = Wh^T delta_t.

    Inputs (a batch has a leading N on every one of them):
    - d_y_t: dL/dy_t, shape (O,) or (N, O)
    - d_h_next: the gradient reaching h_t from step t+1, Wh^T delta_{t+1}, shape (H,) or (N, H); zeros at t = T
    - x_t: input at step t, shape (D,) or (N, D)
    - h_prev: h_{t-1}, shape (H,) or (N, H)
    - h_t: h_t, shape (H,) or (N, H)
    - params: as in ``rnn_step_forward``

    Returns (d_h_prev, grads): d_h_prev = dL/dh_{t-1} through this step, shape (H,) or (N, H), and
    this step's share of the parameter gradients, a dict 'Wx' (H, D), 'Wh' (H, H), 'bx' (H,),
    'Wy' (O, H), 'by' (O,), summed over the batch.
    """
    x_t, d_y_t, d_h_next, h_prev, h_t = check_step(params, x_t, d_y_t=d_y_t, d_h_next=d_h_next, h_prev=h_prev, h_t=h_t)
    d_h_t = d_y_t @ params["Wy"] + d_h_next  # through y_t and through a_{t+1}
    delta_t = d_h_t * (1.0 - h_t**2)  # through tanh: tanh'(a_t) = 1 - h_t^2
    d_h_prev = delta_t @ params["Wh"]
    # A single vector becomes a batch of one, so that one formula sums the outer products over the batch.
    delta_t, d_y_t, x_t, h_prev, h_t = (np.atleast_2d(v) for v in (delta_t, d_y_t, x_t, h_prev, h_t))
    grads = {
        "Wx": delta_t.T @ x_t,  # sum over the batch of delta_t x_t^T
        "Wh": delta_t.T @ h_prev,
        "bx": delta_t.sum(axis=0),
        "Wy": d_y_t.T @ h_t,
        "by": d_y_t.sum(axis=0),
    }
    check_finite_results([d_h_prev, grads], d_y_t=d_y_t, d_h_next=d_h_next, h_t=h_t, params=params)  # huge: overflow
    return d_h_prev, grads


def rnn_backward(inputs, labels, params, h0=None, reduction="mean", clip_norm=None):
    """Loss and gradients by backpropagation through time: forward, loss, then the steps backwards.

    Same arguments and returns as ``rnn_helpers.bptt.rnn_backward``:
    - inputs: shape (T, D) or (N, T, D)
    - labels: integer classes, shape (T,) or (N, T); IGNORE (-1) marks a step without a target
    - params: as in ``rnn_step_forward``
    - h0: initial hidden state, shape (H,) or (N, H); zeros if None
    - reduction: "mean" over the labelled steps, or "sum"
    - clip_norm: if given, clip the joint gradient norm to this value (``clip_gradients``)

    Returns (loss, grads): grads has the keys of params with their shapes, plus 'h0' shaped like h0.
    """
    inputs, labels, h0 = check_backward(inputs, labels, params, h0, reduction, clip_norm)
    if h0 is None:
        h0 = np.zeros(inputs.shape[:-2] + params["Wh"].shape[:1])
    with overflow_blames_params(params):  # outputs or a loss beyond float64: the error names params, as the fast path
        hidden_states, outputs = rnn_forward(inputs, params, h0)
        loss, d_outputs = softmax_cross_entropy(outputs, labels, reduction)
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    d_h_next = np.zeros_like(h0)  # nothing comes after the last step
    for t in reversed(range(inputs.shape[-2])):
        h_prev = hidden_states[..., t - 1, :] if t > 0 else h0
        d_h_next, step_grads = rnn_step_backward(
            d_outputs[..., t, :], d_h_next, inputs[..., t, :], h_prev, hidden_states[..., t, :], params)
        for name, step_grad in step_grads.items():  # every weight is used at every step: add up
            grads[name] += step_grad
    grads["h0"] = d_h_next  # the gradient reaching h_0 through step 1
    check_finite_results([grads], params=params, inputs=inputs, h0=h0)  # sums of huge terms overflow
    if clip_norm is not None:
        grads, _ = clip_gradients(grads, clip_norm)
    return loss, grads


def clip_gradients(grads, max_norm):
    """Scale all gradients together so that their joint L2 norm is at most ``max_norm`` (notebook 06).

    g <- g * min(1, max_norm / ||g||), with ||g|| the norm of every entry of every gradient at once.

    Inputs:
    - grads: dict of arrays, any shapes
    - max_norm: positive float

    Returns (clipped_grads, norm): a new dict, same keys and shapes, and ||g|| before clipping.
    """
    grads = check_clipping(grads, max_norm)
    # ||g|| = s ||g / s||: dividing by s, a power of two near the largest entry, first keeps the squares of
    # entries above ~1e154 from overflowing to inf (which would clip everything to zero).
    s = power_of_two_scale(*grads.values())
    norm = s * float(np.sqrt(sum(np.sum((grad / s) ** 2) for grad in grads.values())))
    check_finite_norm(norm, grads)  # a norm beyond float64's range (about 1.8e308) cannot be returned
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return {name: grad * scale for name, grad in grads.items()}, float(norm)


def sgd_momentum_step(params, grads, velocity, learning_rate=0.1, momentum=0.9):
    """One step of stochastic gradient descent with momentum (notebook 07).

    v <- momentum * v - learning_rate * g;   p <- p + v

    Inputs:
    - params: dict of parameter arrays, any shapes
    - grads: dict with the same keys and shapes, dL/dp
    - velocity: dict with the same keys and shapes, the running step v (zeros before the first step)
    - learning_rate, momentum: floats, learning_rate > 0 and 0 <= momentum < 1

    Returns (new_params, new_velocity): new dicts; the arguments are not changed.
    """
    grads, velocity = check_momentum_step(params, grads, velocity, learning_rate, momentum)
    new_velocity = {name: momentum * velocity[name] - learning_rate * grads[name] for name in params}
    new_params = {name: params[name] + new_velocity[name] for name in params}
    return new_params, new_velocity
