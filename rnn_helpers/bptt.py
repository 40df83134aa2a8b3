"""Backpropagation through time (BPTT) for the vanilla RNN: the fast path that training uses.

Loss: softmax cross-entropy (``rnn_helpers.losses``). Backward recurrence, with dy_t = dL/dy_t and
delta_{T+1} = 0::

    dh_t    = Wy^T dy_t + Wh^T delta_{t+1}          (gradient reaching h_t)
    delta_t = dh_t * (1 - h_t^2)                    (through tanh: dL/da_t)
    dWx = sum_t delta_t x_t^T,  dWh = sum_t delta_t h_{t-1}^T,  dbx = sum_t delta_t
    dWy = sum_t dy_t h_t^T,     dby = sum_t dy_t,   dh0 = Wh^T delta_1

The same numbers, one step at a time and written to be read, are ``rnn_helpers.reference.rnn_backward``;
the tests hold the two equal. ``rnn_helpers.backprop`` gathers these functions with the gradient check.
"""

import numpy as np

from ._checks import IGNORE, check_backward_batch, check_bool, check_finite_loss, check_finite_results
from ._scratch import scratch_array
from .clipping import clip_gradients
from .core import recurrence_in_place, rnn_forward_batch
from .losses import softmax_cross_entropy, softmax_cross_entropy_class_major


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
    inputs, labels, h0, single = check_backward_batch(inputs, labels, params, h0, reduction, clip_norm)
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
    input_terms = scratch_array("hidden_states", state_shape)
    np.matmul(inputs_with_ones, Wx_bx.T, out=input_terms.reshape(-1, hidden_size))  # Wx x_t + bx
    hidden_states = recurrence_in_place(input_terms, params["Wh"], h0)
    flat_states = hidden_states.reshape(-1, hidden_size)  # row t * N + n is h_t of sequence n
    # Class-major scores (O, T * N): the outputs y_t of every step as columns.
    scores = params["Wy"] @ flat_states.T + params["by"][:, None]
    loss, d_scores = softmax_cross_entropy_class_major(scores, labels.T.reshape(-1), reduction)
    check_finite_loss(loss, "params", params)

    # Everything that does not depend on the recurrence is done for all steps in one 2-D product.
    deltas = scratch_array("deltas", state_shape)  # dL/dh_t from the outputs, then dL/da_t
    np.matmul(d_scores.T, params["Wy"], out=deltas.reshape(-1, hidden_size))
    # tanh'(a_t) = 1 - h_t^2 for every step at once: one pass over the states instead of T small ones.
    tanh_slopes = scratch_array("tanh_slopes", state_shape)
    np.multiply(hidden_states, hidden_states, out=tanh_slopes)
    np.subtract(1.0, tanh_slopes, out=tanh_slopes)
    delta_next = np.zeros((batch_size, hidden_size))
    from_next_step = np.empty((batch_size, hidden_size))
    for t in range(sequence_length - 1, -1, -1):
        np.matmul(delta_next, params["Wh"], out=from_next_step)  # gradient reaching h_t from step t + 1
        deltas[t] += from_next_step
        deltas[t] *= tanh_slopes[t]
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
    check_finite_results([grads], params=params, inputs=inputs, h0=h0)  # sums of huge terms overflow
    if clip_norm is not None:
        grads, _ = clip_gradients(grads, clip_norm)
    if return_state:  # a copy: hidden_states is a scratch array the next call overwrites
        return loss, grads, hidden_states[-1, 0].copy() if single else hidden_states[-1].copy()
    return loss, grads


def rnn_loss(inputs, labels, params, h0=None, reduction="mean"):
    """The loss alone (forward pass only); same arguments as ``rnn_backward``."""
    inputs, labels, h0, _ = check_backward_batch(inputs, labels, params, h0, reduction)
    outputs = rnn_forward_batch(inputs, params, h0=h0)[1]
    # Class-major scores (O, N * T), as in rnn_backward.
    loss, _ = softmax_cross_entropy_class_major(outputs.reshape(-1, outputs.shape[-1]).T.copy(),
                                                labels.reshape(-1), reduction)
    check_finite_loss(loss, "params", params)
    return loss


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
    inputs, labels, _, _ = check_backward_batch(inputs, labels, params, None)
    if np.any(labels[:, -1] == IGNORE):
        raise ValueError("labels must label the last step of every sequence (its loss is followed back), "
                         "got IGNORE (-1)")
    hidden_states, outputs = rnn_forward_batch(inputs, params)
    _, d_last_output = softmax_cross_entropy(outputs[:, -1], labels[:, -1])
    d_hidden = d_last_output @ params["Wy"]  # dL_T/dh_T, shape (N, H)
    sequence_length = inputs.shape[1]
    norms = np.empty(sequence_length)
    with np.errstate(over="ignore", invalid="ignore"):  # checked just below
        for k in range(sequence_length):
            t = sequence_length - 1 - k
            norms[k] = np.mean(np.linalg.norm(d_hidden, axis=1))
            d_hidden = (d_hidden * (1.0 - hidden_states[:, t] ** 2)) @ params["Wh"]
    check_finite_results([norms], params=params, inputs=inputs)  # huge weights: the norms overflow float64
    return norms
