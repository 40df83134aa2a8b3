"""Gated recurrent cells, the LSTM and the GRU, with the same interface as the vanilla RNN.

Both follow PyTorch's equations and gate order, so their parameters map one to one onto a
single-layer ``torch.nn.LSTM`` / ``torch.nn.GRU`` followed by a ``torch.nn.Linear`` read-out.
Sizes: D input, H hidden, O output, T steps, N sequences; sigma is the logistic sigmoid.

LSTM, gates i, f, g, o stacked in this order in the rows of Wx, Wh and bx::

    [a_i; a_f; a_g; a_o] = Wx x_t + Wh h_{t-1} + bx    pre-activations, shape (4H,)
    i_t = sigma(a_i)       input gate: how much of the candidate to write
    f_t = sigma(a_f)       forget gate: how much of the old cell state to keep
    g_t = tanh(a_g)        candidate values
    o_t = sigma(a_o)       output gate: how much of the cell state to show
    c_t = f_t * c_{t-1} + i_t * g_t                     cell state, (H,); c_0 = 0
    h_t = o_t * tanh(c_t)                               hidden state, (H,)
    y_t = Wy h_t + by                                   output (logits), (O,)

    torch.nn.LSTM(D, H): weight_ih_l0 = Wx (4H, D), weight_hh_l0 = Wh (4H, H),
    bias_ih_l0 + bias_hh_l0 = bx (4H,): torch's two biases are only ever added, so we keep one.

GRU, gates r, z, n stacked in this order::

    r_t = sigma(Wx_r x_t + bx_r + Wh_r h_{t-1})                reset gate
    z_t = sigma(Wx_z x_t + bx_z + Wh_z h_{t-1})                update gate
    n_t = tanh(Wx_n x_t + bx_n + r_t * (Wh_n h_{t-1} + bhn))   candidate state
    h_t = (1 - z_t) * n_t + z_t * h_{t-1}

    torch.nn.GRU(D, H): weight_ih_l0 = Wx (3H, D), weight_hh_l0 = Wh (3H, H), bias_ih_l0 = bx (3H,),
    bias_hh_l0 = [0, 0, bhn]: the r and z parts of torch's second bias only add to bx, but its n part
    sits inside r_t * (...), so it is a parameter of its own, bhn (H,).

Both: nn.Linear(H, O) with weight = Wy (O, H) and bias = by (O,).

The module has two halves. The **reference** (``lstm_step``, ``lstm_step_backward``, ``lstm_forward``,
``lstm_backward_reference`` and the same for the GRU) reads like notebook 09: one step at a time,
one line per equation; open it to see how a gated cell works. The **fast path**
(``lstm_forward_batch``, ``lstm_backward`` and the GRU's), which training, the gradient check and the
benchmark use, computes the same numbers time-major with few temporaries; the tests check that the
two agree to 1e-12.
"""

import numpy as np

from ._checks import (
    check_backward_batch,
    check_bool,
    check_entries,
    check_finite_loss,
    check_finite_outputs,
    check_finite_results,
    check_forward,
    check_number,
    check_positive_int,
    check_step,
    overflow_blames_params,
    param_shape,
    steps_overflow_as,
)
from ._scratch import scratch_array
from .clipping import clip_gradients
from .core import make_rng, read_out, tanh_in_place
from .losses import softmax_cross_entropy, softmax_cross_entropy_class_major

# Parameter shapes in the notation of ``_checks.check_params``: "4H" is four gates' blocks stacked.
LSTM_SHAPES = {"Wx": ("4H", "D"), "Wh": ("4H", "H"), "Wy": ("O", "H"), "bx": ("4H",), "by": ("O",)}
GRU_SHAPES = {"Wx": ("3H", "D"), "Wh": ("3H", "H"), "Wy": ("O", "H"), "bx": ("3H",), "bhn": ("H",), "by": ("O",)}


def _uniform_params(shapes, input_size, hidden_size, output_size, seed, bias_name, bias):
    """Every weight uniform in [-1/sqrt(H), 1/sqrt(H)] (PyTorch's default), every bias zero but the
    second gate block of bx (rows H..2H-1: the LSTM's forget gate, the GRU's update gate), ``bias``.

    Checks every argument first (``bias_name`` names ``bias`` in errors); draws the weight matrices
    in the order of ``shapes``; returns a dict with its keys.
    """
    sizes = {"D": input_size, "H": hidden_size, "O": output_size}
    for name, size in (("input_size", input_size), ("hidden_size", hidden_size), ("output_size", output_size)):
        check_positive_int(name, size)
    param_shapes = {name: param_shape(symbols, sizes) for name, symbols in shapes.items()}
    check_entries("input_size, hidden_size and output_size", sum(np.prod(shape) for shape in param_shapes.values()))
    check_number(bias_name, bias)
    rng = make_rng(seed)
    bound = 1.0 / np.sqrt(hidden_size)
    params = {name: rng.uniform(-bound, bound, size=shape) if name.startswith("W") else np.zeros(shape)
              for name, shape in param_shapes.items()}
    params["bx"][hidden_size : 2 * hidden_size] = bias
    return params


def init_lstm_params(input_size, hidden_size, output_size, seed=0, forget_bias=1.0):
    """LSTM parameters: weights uniform in [-1/sqrt(H), 1/sqrt(H)], biases zero but the forget gate's.

    The forget gate's bias, ``forget_bias``, sets how long the cell remembers before any training:
    f = sigma(forget_bias) is the fraction of the cell state kept per step, and of the gradient
    passed back along it. The default 1 (f = 0.73) is the value Jozefowicz, Zaremba & Sutskever (2015)
    recommend over 0 (f = 0.5); a task that must remember over T steps wants f^T not too small, e.g.
    3 (f = 0.95).

    Returns a dict with 'Wx' (4H, D), 'Wh' (4H, H), 'Wy' (O, H), 'bx' (4H,), 'by' (O,); draws in that order.
    """
    return _uniform_params(LSTM_SHAPES, input_size, hidden_size, output_size, seed, "forget_bias", forget_bias)


def init_gru_params(input_size, hidden_size, output_size, seed=0, update_bias=0.0):
    """GRU parameters: weights uniform in [-1/sqrt(H), 1/sqrt(H)], biases zero but the update gate's.

    The update gate's bias, ``update_bias``, plays the forget-gate bias's part: z = sigma(update_bias)
    is the fraction of the old state kept per step. The default 0 (z = 0.5) is PyTorch's.

    Returns a dict with 'Wx' (3H, D), 'Wh' (3H, H), 'Wy' (O, H), 'bx' (3H,), 'bhn' (H,), 'by' (O,).
    """
    return _uniform_params(GRU_SHAPES, input_size, hidden_size, output_size, seed, "update_bias", update_bias)


# ---------------------------------------------------------------------------------------------
# Reference implementation: one step at a time, as in notebook 09.
# ---------------------------------------------------------------------------------------------


def sigmoid(a):
    """The logistic function 1 / (1 + e^(-a)), element-wise, any shape.

    Written as (1 + tanh(a / 2)) / 2, the same function, because that form never overflows.
    No checks: it runs inside every step, on arrays the step has checked.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def lstm_gates(x_t, h_prev, params):
    """The four gate values of one LSTM step (no checks: ``lstm_step`` checks).

    - x_t: shape (D,) or (N, D); h_prev: shape (H,) or (N, H)

    Returns (i, f, g, o), each shaped like h_prev.
    """
    # Row-vector form: x @ Wx.T is Wx x for every row at once; the 4H columns are the four blocks.
    a = x_t @ params["Wx"].T + h_prev @ params["Wh"].T + params["bx"]
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=-1)
    return sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)


def lstm_step(x_t, h_prev, c_prev, params):
    """One step of the LSTM cell, for one sequence or a batch.

    Inputs:
    - x_t: input at this step, shape (D,) or (N, D)
    - h_prev, c_prev: previous hidden and cell states, shape (H,) or (N, H)
    - params: dict from ``init_lstm_params``

    Returns (h_t, c_t, y_t): hidden state (H,) or (N, H), cell state (same), output (O,) or (N, O).
    """
    x_t, h_prev, c_prev = check_step(params, x_t, LSTM_SHAPES, h_prev=h_prev, c_prev=c_prev)
    i, f, g, o = lstm_gates(x_t, h_prev, params)
    c_t = f * c_prev + i * g  # keep a fraction f of the old memory, write a fraction i of the candidate
    h_t = o * np.tanh(c_t)  # show a fraction o of the squashed memory
    y_t = h_t @ params["Wy"].T + params["by"]
    check_finite_outputs(y_t, "y_t", params=params, x_t=x_t, h_prev=h_prev, c_prev=c_prev)  # huge weights overflow
    return h_t, c_t, y_t


def lstm_forward(inputs, params, h0=None):
    """Unroll the LSTM step by step over one sequence (T, D) or a batch (N, T, D).

    - params: dict from ``init_lstm_params``
    - h0: initial hidden state, shape (H,) or (N, H); zeros if None. The cell state starts at zero.

    Returns (hidden_states, cell_states, outputs), shapes (T, H), (T, H), (T, O), or with a leading N.
    """
    inputs, h0 = check_forward(inputs, params, h0, LSTM_SHAPES)
    c = np.zeros(inputs.shape[:-2] + params["Wh"].shape[1:])
    h = np.zeros_like(c) if h0 is None else h0
    hidden_states, cell_states, outputs = [], [], []
    with steps_overflow_as("the outputs", params=params, inputs=inputs, h0=h0):  # named as lstm_forward_batch does
        for t in range(inputs.shape[-2]):
            h, c, y = lstm_step(inputs[..., t, :], h, c, params)
            hidden_states.append(h)
            cell_states.append(c)
            outputs.append(y)
    return tuple(np.stack(values, axis=-2) for values in (hidden_states, cell_states, outputs))


def lstm_step_backward(d_h, d_c, x_t, h_prev, c_prev, params):
    """Backpropagate through one LSTM step, for a batch.

    Inputs (all (N, .)):
    - d_h: dL/dh_t, everything that reaches h_t (its output and the next step), shape (N, H)
    - d_c: dL/dc_t through the next step's cell state only, shape (N, H)
    - x_t (N, D), h_prev (N, H), c_prev (N, H): this step's inputs, as ``lstm_step`` got them
    - params: dict from ``init_lstm_params``

    Returns (d_h_prev, d_c_prev, grads): dL/dh_{t-1} and dL/dc_{t-1}, both (N, H), and this step's
    contributions to the gradients, a dict with 'Wx' (4H, D), 'Wh' (4H, H) and 'bx' (4H,).
    """
    x_t, d_h, d_c, h_prev, c_prev = check_step(params, x_t, LSTM_SHAPES, ndim=2, d_h=d_h, d_c=d_c, h_prev=h_prev,
                                               c_prev=c_prev)
    i, f, g, o = lstm_gates(x_t, h_prev, params)
    tanh_c = np.tanh(f * c_prev + i * g)
    d_o = d_h * tanh_c
    d_c = d_c + d_h * o * (1.0 - tanh_c**2)  # c_t reaches the loss through h_t and through c_{t+1}
    d_i, d_f, d_g = d_c * g, d_c * c_prev, d_c * i
    d_c_prev = d_c * f  # the additive path: one factor f_t per step back, no weight matrix
    # Back through the gate non-linearities: sigma'(a) = s (1 - s) and tanh'(a) = 1 - g^2.
    d_a = np.concatenate([d_i * i * (1 - i), d_f * f * (1 - f), d_g * (1 - g**2), d_o * o * (1 - o)], axis=-1)
    grads = {"Wx": d_a.T @ x_t, "Wh": d_a.T @ h_prev, "bx": d_a.sum(axis=0)}
    return d_a @ params["Wh"], d_c_prev, grads


def lstm_backward_reference(inputs, labels, params, h0=None, reduction="mean"):
    """``lstm_backward`` written step by step with ``lstm_step_backward``: the same loss and gradients.

    Same arguments and returns as ``lstm_backward`` (without clipping).
    """
    inputs, labels, h0, single = check_backward_batch(inputs, labels, params, h0, reduction, shapes=LSTM_SHAPES)
    hidden_size = params["Wh"].shape[1]
    h0 = np.zeros((len(inputs), hidden_size)) if h0 is None else h0
    with overflow_blames_params(params):  # outputs or a loss beyond float64: named as the fast path names them
        hidden_states, cell_states, outputs = lstm_forward(inputs, params, h0)
        loss, d_outputs = softmax_cross_entropy(outputs, labels, reduction)
    # The states before each step: h_0, h_1 .. h_{T-1} and c_0 = 0, c_1 .. c_{T-1}.
    h_before = np.concatenate([h0[:, None], hidden_states[:, :-1]], axis=1)
    c_before = np.concatenate([np.zeros_like(h0)[:, None], cell_states[:, :-1]], axis=1)
    grads = _read_out_grads(d_outputs, hidden_states)
    grads.update({name: np.zeros_like(params[name]) for name in ("Wx", "Wh", "bx")})
    d_h_next, d_c_next = np.zeros_like(h0), np.zeros_like(h0)
    for t in reversed(range(inputs.shape[1])):
        d_h = d_outputs[:, t] @ params["Wy"] + d_h_next
        d_h_next, d_c_next, step_grads = lstm_step_backward(
            d_h, d_c_next, inputs[:, t], h_before[:, t], c_before[:, t], params
        )
        for name, grad in step_grads.items():
            grads[name] += grad
    grads["h0"] = d_h_next[0] if single else d_h_next
    check_finite_results([grads], params=params, inputs=inputs, h0=h0)  # sums of huge terms overflow
    return loss, grads


def _read_out_grads(d_outputs, hidden_states):
    """dL/dWy (O, H) and dL/dby (O,) from d_outputs (N, T, O) and hidden_states (N, T, H)."""
    return {
        "Wy": np.einsum("nto,nth->oh", d_outputs, hidden_states),
        "by": d_outputs.sum(axis=(0, 1)),
    }


def gru_gates(x_t, h_prev, params):
    """The gate values of one GRU step (no checks: ``gru_step`` checks).

    - x_t: shape (D,) or (N, D); h_prev: shape (H,) or (N, H)

    Returns (r, z, n, hidden_n), each shaped like h_prev; hidden_n = Wh_n h_{t-1} + bhn is the part
    the reset gate scales, which the backward pass needs.
    """
    x_r, x_z, x_n = np.split(x_t @ params["Wx"].T + params["bx"], 3, axis=-1)
    h_r, h_z, h_n = np.split(h_prev @ params["Wh"].T, 3, axis=-1)
    r = sigmoid(x_r + h_r)
    z = sigmoid(x_z + h_z)
    hidden_n = h_n + params["bhn"]
    n = np.tanh(x_n + r * hidden_n)
    return r, z, n, hidden_n


def gru_step(x_t, h_prev, params):
    """One step of the GRU cell, for one sequence or a batch.

    Inputs:
    - x_t: input at this step, shape (D,) or (N, D)
    - h_prev: previous hidden state, shape (H,) or (N, H)
    - params: dict from ``init_gru_params``

    Returns (h_t, y_t): new hidden state (H,) or (N, H), and output (O,) or (N, O).
    """
    x_t, h_prev = check_step(params, x_t, GRU_SHAPES, h_prev=h_prev)
    r, z, n, _ = gru_gates(x_t, h_prev, params)
    h_t = (1.0 - z) * n + z * h_prev  # keep a fraction z of the old state, take the rest from the candidate
    y_t = h_t @ params["Wy"].T + params["by"]
    check_finite_outputs(y_t, "y_t", params=params, x_t=x_t, h_prev=h_prev)  # huge weights overflow float64
    return h_t, y_t


def gru_forward(inputs, params, h0=None):
    """Unroll the GRU step by step over one sequence (T, D) or a batch (N, T, D).

    - params: dict from ``init_gru_params``
    - h0: initial hidden state, shape (H,) or (N, H); zeros if None

    Returns (hidden_states, outputs), shapes (T, H) and (T, O), or with a leading N.
    """
    inputs, h0 = check_forward(inputs, params, h0, GRU_SHAPES)
    h = np.zeros(inputs.shape[:-2] + params["Wh"].shape[1:]) if h0 is None else h0
    hidden_states, outputs = [], []
    with steps_overflow_as("the outputs", params=params, inputs=inputs, h0=h0):  # named as gru_forward_batch does
        for t in range(inputs.shape[-2]):
            h, y = gru_step(inputs[..., t, :], h, params)
            hidden_states.append(h)
            outputs.append(y)
    return np.stack(hidden_states, axis=-2), np.stack(outputs, axis=-2)


def gru_step_backward(d_h, x_t, h_prev, params):
    """Backpropagate through one GRU step, for a batch.

    Inputs (all (N, .)):
    - d_h: dL/dh_t, everything that reaches h_t (its output and the next step), shape (N, H)
    - x_t (N, D), h_prev (N, H): this step's inputs, as ``gru_step`` got them
    - params: dict from ``init_gru_params``

    Returns (d_h_prev, grads): dL/dh_{t-1} (N, H) and this step's contributions to the gradients, a
    dict with 'Wx' (3H, D), 'Wh' (3H, H), 'bx' (3H,) and 'bhn' (H,).
    """
    x_t, d_h, h_prev = check_step(params, x_t, GRU_SHAPES, ndim=2, d_h=d_h, h_prev=h_prev)
    r, z, n, hidden_n = gru_gates(x_t, h_prev, params)
    d_n = d_h * (1.0 - z)
    d_z = d_h * (h_prev - n)
    d_a_n = d_n * (1.0 - n**2)  # through tanh
    d_hidden_n = d_a_n * r  # dL/d(Wh_n h_{t-1} + bhn)
    d_a_r = d_a_n * hidden_n * r * (1.0 - r)
    d_a_z = d_z * z * (1.0 - z)
    d_input_terms = np.concatenate([d_a_r, d_a_z, d_a_n], axis=-1)  # dL/d(Wx x_t + bx)
    d_hidden_terms = np.concatenate([d_a_r, d_a_z, d_hidden_n], axis=-1)  # dL/d(Wh h_{t-1})
    grads = {
        "Wx": d_input_terms.T @ x_t,
        "Wh": d_hidden_terms.T @ h_prev,
        "bx": d_input_terms.sum(axis=0),
        "bhn": d_hidden_n.sum(axis=0),
    }
    # h_{t-1} reaches h_t directly, through z_t * h_{t-1}, and through the gates' Wh h_{t-1}.
    d_h_prev = d_h * z + d_hidden_terms @ params["Wh"]
    return d_h_prev, grads


def gru_backward_reference(inputs, labels, params, h0=None, reduction="mean"):
    """``gru_backward`` written step by step with ``gru_step_backward``: the same loss and gradients.

    Same arguments and returns as ``gru_backward`` (without clipping).
    """
    inputs, labels, h0, single = check_backward_batch(inputs, labels, params, h0, reduction, shapes=GRU_SHAPES)
    hidden_size = params["Wh"].shape[1]
    h0 = np.zeros((len(inputs), hidden_size)) if h0 is None else h0
    with overflow_blames_params(params):  # outputs or a loss beyond float64: named as the fast path names them
        hidden_states, outputs = gru_forward(inputs, params, h0)
        loss, d_outputs = softmax_cross_entropy(outputs, labels, reduction)
    h_before = np.concatenate([h0[:, None], hidden_states[:, :-1]], axis=1)  # h_0 .. h_{T-1}
    grads = _read_out_grads(d_outputs, hidden_states)
    grads.update({name: np.zeros_like(params[name]) for name in ("Wx", "Wh", "bx", "bhn")})
    d_h_next = np.zeros_like(h0)
    for t in reversed(range(inputs.shape[1])):
        d_h = d_outputs[:, t] @ params["Wy"] + d_h_next
        d_h_next, step_grads = gru_step_backward(d_h, inputs[:, t], h_before[:, t], params)
        for name, grad in step_grads.items():
            grads[name] += grad
    grads["h0"] = d_h_next[0] if single else d_h_next
    check_finite_results([grads], params=params, inputs=inputs, h0=h0)  # sums of huge terms overflow
    return loss, grads


# ---------------------------------------------------------------------------------------------
# Fast path: what training and the benchmark use. Same numbers, computed gate-major and time-major.
# ---------------------------------------------------------------------------------------------
#
# Like ``rnn_backward``: do every product that does not depend on the recurrence (the input terms,
# the read-out, the weight gradients) once for all steps as one big matrix product, and write each
# step's results into preallocated arrays instead of making new ones. The gates are stored
# gate-major, shape (G, T, N, H): ``i, f, g, o = gates`` are each (T, N, H), and one gate at one
# step, ``i[t]``, is a contiguous (N, H) block, so every element-wise operation runs over
# contiguous memory (a column slice of an (N, 4H) array is several times slower for small H).
# Products with the stacked weights become batched products over the gates: Wh (4H, H) viewed as
# (4, H, H). Two identities save work: sigma(a) = 1 / (1 + exp(-a)) and tanh(a) = 2 sigma(2a) - 1.
# NumPy's exp is vectorised and its float64 tanh is not, so the weights are pre-scaled (by -1, and
# by -2 for the LSTM's candidate g) and one exp, +1, 1/x over all gates of a step gives them all.


def _time_major_with_ones(inputs):
    """Inputs (N, T, D) as rows (T * N, D + 1), step-major, with a column of ones for the bias."""
    batch_size, sequence_length, input_size = inputs.shape
    inputs_with_ones = np.ones((sequence_length * batch_size, input_size + 1))
    inputs_with_ones[:, :input_size] = inputs.transpose(1, 0, 2).reshape(-1, input_size)
    return inputs_with_ones


def _sigmoid_of_negated_in_place(values):
    """Overwrite ``values`` = -a with sigma(a) = 1 / (1 + exp(-a)); returns it."""
    np.exp(values, out=values)  # overflows to inf for a < -709: 1 / inf = 0 is still exact
    values += 1.0
    return np.divide(1.0, values, out=values)  # measured faster than np.reciprocal


def _gate_major_weights(params, scale):
    """[Wx | bx] and Wh^T per gate, each gate's rows multiplied by its entry of ``scale`` (G,).

    Returns (Wx_bx (G, D + 1, H), Wh_transposed (G, H, H)): x (T * N, D + 1) @ Wx_bx[k] is gate k's
    input term, h (N, H) @ Wh_transposed[k] its recurrent term.
    """
    gates, hidden_size = len(scale), params["Wh"].shape[1]
    Wx_bx = np.column_stack([params["Wx"], params["bx"]]).reshape(gates, hidden_size, -1) * scale[:, None, None]
    Wh = params["Wh"].reshape(gates, hidden_size, hidden_size) * scale[:, None, None]
    return np.ascontiguousarray(Wx_bx.transpose(0, 2, 1)), np.ascontiguousarray(Wh.transpose(0, 2, 1))


def _lstm_run(inputs_with_ones, params, h0, new_array):
    """The LSTM over every step at once (no checks: callers check).

    - inputs_with_ones: (T * N, D + 1) from ``_time_major_with_ones``; h0: (N, H)
    - new_array(name, shape): makes each result array (np.empty, or a reused scratch array)

    Returns (gates (4, T, N, H) holding i, f, g, o; cells (T, N, H) holding c_t; tanh_cells
    (T, N, H) holding tanh(c_t); states (T, N, H) holding h_t).
    """
    batch_size, hidden_size = h0.shape
    sequence_length = len(inputs_with_ones) // batch_size
    # Every gate's rows scaled by -1, the candidate's by -2: see the note above the fast path.
    Wx_bx, Wh_transposed = _gate_major_weights(params, np.array([-1.0, -1.0, -2.0, -1.0]))
    gates = new_array("lstm_gates", (4, sequence_length, batch_size, hidden_size))
    np.matmul(inputs_with_ones, Wx_bx, out=gates.reshape(4, -1, hidden_size))  # input terms, every step
    cells, tanh_cells, states = (
        new_array(name, (sequence_length, batch_size, hidden_size)) for name in ("lstm_c", "lstm_tanh_c", "lstm_h")
    )
    i, f, g, o = gates
    h, c = h0, np.zeros_like(h0)
    recurrent_terms = np.empty((4, batch_size, hidden_size))
    with np.errstate(over="ignore"):  # see _sigmoid_of_negated_in_place and tanh_in_place
        for t in range(sequence_length):
            gates[:, t] += np.matmul(h, Wh_transposed, out=recurrent_terms)
            _sigmoid_of_negated_in_place(gates[:, t])  # sigma(a) for i, f, o; sigma(2 a_g) for g
            g[t] *= 2.0
            g[t] -= 1.0  # g = tanh(a_g) = 2 sigma(2 a_g) - 1
            np.multiply(f[t], c, out=cells[t])
            np.multiply(i[t], g[t], out=tanh_cells[t])
            cells[t] += tanh_cells[t]  # c_t = f * c_{t-1} + i * g
            np.copyto(tanh_cells[t], cells[t])
            tanh_in_place(tanh_cells[t])
            np.multiply(o[t], tanh_cells[t], out=states[t])  # h_t = o * tanh(c_t)
            h, c = states[t], cells[t]
    return gates, cells, tanh_cells, states


def lstm_forward_batch(inputs, params, h0=None):
    """Unroll the LSTM over N sequences at once (the fast path; equal to ``lstm_forward``).

    Inputs:
    - inputs: shape (N, T, D)
    - params: dict from ``init_lstm_params``
    - h0: initial hidden states, shape (N, H); zeros if None. The cell state starts at zero.

    Returns (hidden_states, outputs) with shapes (N, T, H) and (N, T, O).
    """
    inputs, h0, start = _check_forward_batch(inputs, params, h0, LSTM_SHAPES)
    states = _lstm_run(_time_major_with_ones(inputs), params, start, lambda name, shape: np.empty(shape))[3]
    outputs = read_out(states, params)
    check_finite_outputs(outputs, "the outputs", params=params, inputs=inputs, h0=h0)  # one pass, no loop
    return states.transpose(1, 0, 2), outputs.transpose(1, 0, 2)


def _check_forward_batch(inputs, params, h0, shapes):
    """Check a batched forward's arguments; returns inputs (N, T, D), h0 (N, H) or None, and the starting state
    (N, H): h0, or zeros if None."""
    inputs, h0 = check_forward(inputs, params, h0, shapes, ndim=3)
    return inputs, h0, np.zeros((len(inputs), params["Wh"].shape[1])) if h0 is None else h0


def _loss_and_output_gradients(states, labels, params, reduction):
    """Loss and dL/dh_t from each step's own output (not yet from later steps).

    - states: (T, N, H) time-major hidden states; labels: (N, T)

    Returns (loss, d_scores (O, T * N), d_states (T, N, H)).
    """
    hidden_size = states.shape[2]
    scores = params["Wy"] @ states.reshape(-1, hidden_size).T + params["by"][:, None]  # class-major (O, T * N)
    loss, d_scores = softmax_cross_entropy_class_major(scores, labels.T.reshape(-1), reduction)
    check_finite_loss(loss, "params", params)
    d_states = scratch_array("gated_d_states", states.shape)
    np.matmul(d_scores.T, params["Wy"], out=d_states.reshape(-1, hidden_size))
    return loss, d_scores, d_states


def _input_weight_gradients(d_input_terms, inputs_with_ones):
    """[dWx | dbx] = sum over steps and sequences of d_a x^T, for every gate in one batched product.

    - d_input_terms: (G, T, N, H), dL/d(Wx x_t + bx) per gate; inputs_with_ones: (T * N, D + 1)

    Returns (G * H, D + 1): dWx in the first D columns, dbx in the last.
    """
    gates, hidden_size = d_input_terms.shape[0], d_input_terms.shape[-1]
    flat = d_input_terms.reshape(gates, -1, hidden_size)
    return np.matmul(flat.transpose(0, 2, 1), inputs_with_ones).reshape(gates * hidden_size, -1)


def _hidden_weight_gradients(d_hidden_terms, states, h0):
    """dWh = sum over steps of d_a_t h_{t-1}^T, for every gate in batched products.

    - d_hidden_terms: (G, T, N, H), dL/d(Wh h_{t-1}) per gate; states: (T, N, H); h0: (N, H)

    Returns (G * H, H).
    """
    gates, _, batch_size, hidden_size = d_hidden_terms.shape
    flat = d_hidden_terms.reshape(gates, -1, hidden_size)
    flat_states = states.reshape(-1, hidden_size)
    # Steps 2..T pair with the stored states 1..T-1, step 1 with h0.
    d_Wh = np.matmul(flat[:, batch_size:].transpose(0, 2, 1), flat_states[:-batch_size])
    d_Wh += np.matmul(d_hidden_terms[:, 0].transpose(0, 2, 1), h0)
    return d_Wh.reshape(gates * hidden_size, hidden_size)


def _finish_gradients(grads, d_scores, states, d_h0, single, clip_norm, arguments):
    """Add the read-out's gradients and 'h0' to ``grads``, clip if asked; returns the grads.

    ``arguments``: the backward pass's params, inputs and h0 by name, blamed if a gradient overflowed.
    """
    grads["Wy"] = d_scores @ states.reshape(-1, states.shape[-1])
    grads["by"] = d_scores.sum(axis=1)
    grads["h0"] = d_h0[0] if single else d_h0
    check_finite_results([grads], **arguments)  # sums of huge terms overflow
    if clip_norm is not None:
        grads, _ = clip_gradients(grads, clip_norm)
    return grads


def lstm_backward(inputs, labels, params, h0=None, reduction="mean", clip_norm=None):
    """Loss and gradients of the LSTM for one sequence or a batch, by backpropagation through time.

    Inputs:
    - inputs: shape (T, D) for one sequence, or (N, T, D) for a batch
    - labels: integer class indices, shape (T,) or (N, T); IGNORE (-1) marks steps without a target
    - params: dict from ``init_lstm_params``
    - h0: initial hidden state, shape (H,) or (N, H); zeros if None. The cell state starts at zero.
    - reduction: "mean" (average over labelled steps) or "sum"
    - clip_norm: if given, clip the joint gradient norm to this value (see ``clip_gradients``)

    Returns (loss, grads): grads has the keys of params with their shapes, plus 'h0' shaped like h0.
    Backward recurrence per step, with d_c the gradient reaching c_t (see ``lstm_step_backward``)::

        d_c = d_c_next + d_h * o * (1 - tanh(c_t)^2);   d_c_next = d_c * f
        d_a = [d_c g i (1 - i), d_c c_{t-1} f (1 - f), d_c i (1 - g^2), d_h tanh(c_t) o (1 - o)]
        d_h_next = Wh^T d_a
    """
    inputs, labels, h0, single = check_backward_batch(inputs, labels, params, h0, reduction, clip_norm,
                                                      shapes=LSTM_SHAPES)
    batch_size, sequence_length, _ = inputs.shape
    hidden_size = params["Wh"].shape[1]
    h0 = np.zeros((batch_size, hidden_size)) if h0 is None else h0
    inputs_with_ones = _time_major_with_ones(inputs)
    gates, cells, tanh_cells, states = _lstm_run(inputs_with_ones, params, h0, scratch_array)
    loss, d_scores, d_states = _loss_and_output_gradients(states, labels, params, reduction)

    # Each step overwrites its gate values i, f, g, o with dL/da for them.
    i, f, g, o = gates
    Wh = params["Wh"].reshape(4, hidden_size, hidden_size)
    d_c = np.zeros((batch_size, hidden_size))
    d_c_next, d_h_next, work, other = (np.zeros_like(d_c) for _ in range(4))
    per_gate = np.empty((4, batch_size, hidden_size))
    zeros = np.zeros_like(d_c)
    for t in range(sequence_length - 1, -1, -1):
        d_h, tanh_c = d_states[t], tanh_cells[t]
        c_prev = cells[t - 1] if t > 0 else zeros
        d_h += d_h_next
        np.multiply(tanh_c, tanh_c, out=work)
        np.subtract(1.0, work, out=work)
        work *= o[t]
        work *= d_h
        d_c += work  # d_c = d_c_next + d_h * o * (1 - tanh(c_t)^2)
        np.multiply(d_h, tanh_c, out=work)  # dL/do
        np.subtract(1.0, o[t], out=other)
        o[t] *= other
        o[t] *= work  # dL/da_o = dL/do * o (1 - o)
        np.multiply(d_c, c_prev, out=work)  # dL/df
        np.multiply(d_c, f[t], out=d_c_next)  # the additive path
        np.subtract(1.0, f[t], out=other)
        f[t] *= other
        f[t] *= work  # dL/da_f
        np.multiply(d_c, g[t], out=work)  # dL/di
        d_c *= i[t]  # dL/dg, reusing d_c: it is not needed any more
        np.subtract(1.0, i[t], out=other)
        i[t] *= other
        i[t] *= work  # dL/da_i
        np.multiply(g[t], g[t], out=other)
        np.subtract(1.0, other, out=g[t])
        g[t] *= d_c  # dL/da_g = dL/dg * (1 - g^2)
        np.matmul(gates[:, t], Wh, out=per_gate)
        np.sum(per_gate, axis=0, out=d_h_next)  # Wh^T d_a, summed over the four gates
        d_c, d_c_next = d_c_next, d_c

    d_Wx_bx = _input_weight_gradients(gates, inputs_with_ones)
    grads = {"Wx": d_Wx_bx[:, :-1], "Wh": _hidden_weight_gradients(gates, states, h0), "bx": d_Wx_bx[:, -1]}
    return loss, _finish_gradients(grads, d_scores, states, d_h_next, single, clip_norm,
                                   {"params": params, "inputs": inputs, "h0": h0})


def _gru_run(inputs_with_ones, params, h0, new_array):
    """The GRU over every step at once (no checks: callers check).

    - inputs_with_ones: (T * N, D + 1) from ``_time_major_with_ones``; h0: (N, H)
    - new_array(name, shape): makes each result array (np.empty, or a reused scratch array)

    Returns (gates (3, T, N, H) holding r, z, n; hidden_n (T, N, H) holding Wh_n h_{t-1} + bhn;
    states (T, N, H) holding h_t).
    """
    batch_size, hidden_size = h0.shape
    sequence_length = len(inputs_with_ones) // batch_size
    # The rows of r and z negated, so one exp-based pass gives both sigmoids (see the note above).
    Wx_bx, Wh_transposed = _gate_major_weights(params, np.array([-1.0, -1.0, 1.0]))
    gates = new_array("gru_gates", (3, sequence_length, batch_size, hidden_size))
    np.matmul(inputs_with_ones, Wx_bx, out=gates.reshape(3, -1, hidden_size))  # input terms, every step
    hidden_n, states = (new_array(name, (sequence_length, batch_size, hidden_size)) for name in ("gru_hn", "gru_h"))
    r, z, n = gates
    h = h0
    recurrent_terms = np.empty((3, batch_size, hidden_size))
    with np.errstate(over="ignore"):  # see _sigmoid_of_negated_in_place and tanh_in_place
        for t in range(sequence_length):
            np.matmul(h, Wh_transposed, out=recurrent_terms)
            gates[:2, t] += recurrent_terms[:2]
            _sigmoid_of_negated_in_place(gates[:2, t])  # r and z
            np.add(recurrent_terms[2], params["bhn"], out=hidden_n[t])
            np.multiply(r[t], hidden_n[t], out=states[t])
            n[t] += states[t]
            tanh_in_place(n[t])  # n = tanh(Wx_n x + bx_n + r * (Wh_n h + bhn))
            np.subtract(h, n[t], out=states[t])
            states[t] *= z[t]
            states[t] += n[t]  # h_t = n + z * (h_{t-1} - n) = (1 - z) n + z h_{t-1}
            h = states[t]
    return gates, hidden_n, states


def gru_forward_batch(inputs, params, h0=None):
    """Unroll the GRU over N sequences at once (the fast path; equal to ``gru_forward``).

    Inputs:
    - inputs: shape (N, T, D)
    - params: dict from ``init_gru_params``
    - h0: initial hidden states, shape (N, H); zeros if None

    Returns (hidden_states, outputs) with shapes (N, T, H) and (N, T, O).
    """
    inputs, h0, start = _check_forward_batch(inputs, params, h0, GRU_SHAPES)
    states = _gru_run(_time_major_with_ones(inputs), params, start, lambda name, shape: np.empty(shape))[2]
    outputs = read_out(states, params)
    check_finite_outputs(outputs, "the outputs", params=params, inputs=inputs, h0=h0)  # one pass, no loop
    return states.transpose(1, 0, 2), outputs.transpose(1, 0, 2)


def gru_backward(inputs, labels, params, h0=None, reduction="mean", clip_norm=None, return_state=False):
    """Loss and gradients of the GRU for one sequence or a batch, by backpropagation through time.

    Inputs:
    - inputs: shape (T, D) for one sequence, or (N, T, D) for a batch
    - labels: integer class indices, shape (T,) or (N, T); IGNORE (-1) marks steps without a target
    - params: dict from ``init_gru_params``
    - h0: initial hidden state, shape (H,) or (N, H); zeros if None
    - reduction: "mean" (average over labelled steps) or "sum"
    - clip_norm: if given, clip the joint gradient norm to this value (see ``clip_gradients``)
    - return_state: also return the last hidden state h_T, shaped like h0 (truncated BPTT, notebook 10)

    Returns (loss, grads), or (loss, grads, h_T) with ``return_state``: grads has the keys of params with
    their shapes, plus 'h0' shaped like h0. Backward recurrence per step, as in ``gru_step_backward``::

        d_a_n = d_h (1 - z) (1 - n^2);   d_a_z = d_h (h_{t-1} - n) z (1 - z);   d_a_r = d_a_n hidden_n r (1 - r)
        d_h_next = d_h z + Wh^T [d_a_r, d_a_z, d_a_n r]
    """
    inputs, labels, h0, single = check_backward_batch(inputs, labels, params, h0, reduction, clip_norm,
                                                      shapes=GRU_SHAPES)
    check_bool("return_state", return_state)
    batch_size, sequence_length, _ = inputs.shape
    hidden_size = params["Wh"].shape[1]
    h0 = np.zeros((batch_size, hidden_size)) if h0 is None else h0
    inputs_with_ones = _time_major_with_ones(inputs)
    gates, hidden_n, states = _gru_run(inputs_with_ones, params, h0, scratch_array)
    loss, d_scores, d_states = _loss_and_output_gradients(states, labels, params, reduction)

    # Each step overwrites its gates r, z, n with dL/d(Wh h_{t-1} + [0, 0, bhn]) = [d_a_r, d_a_z, d_a_n r],
    # and its hidden_n with d_a_n: the input terms' gradient is [d_a_r, d_a_z, d_a_n].
    r, z, n = gates
    Wh = params["Wh"].reshape(3, hidden_size, hidden_size)
    d_h_next, d_a_n, work, other = (np.zeros((batch_size, hidden_size)) for _ in range(4))
    per_gate = np.empty((3, batch_size, hidden_size))
    for t in range(sequence_length - 1, -1, -1):
        d_h = d_states[t]
        h_prev = states[t - 1] if t > 0 else h0
        d_h += d_h_next
        np.subtract(1.0, z[t], out=work)
        work *= d_h  # dL/dn
        np.multiply(n[t], n[t], out=d_a_n)
        np.subtract(1.0, d_a_n, out=d_a_n)
        d_a_n *= work  # dL/da_n, through tanh
        np.subtract(h_prev, n[t], out=work)
        work *= d_h  # dL/dz
        np.multiply(d_h, z[t], out=d_h_next)  # the direct path z * h_{t-1}
        np.subtract(1.0, z[t], out=other)
        z[t] *= other
        z[t] *= work  # dL/da_z
        np.multiply(d_a_n, r[t], out=n[t])  # dL/d(Wh_n h + bhn)
        np.multiply(d_a_n, hidden_n[t], out=work)  # dL/dr
        np.subtract(1.0, r[t], out=other)
        r[t] *= other
        r[t] *= work  # dL/da_r
        np.copyto(hidden_n[t], d_a_n)
        np.matmul(gates[:, t], Wh, out=per_gate)
        d_h_next += per_gate.sum(axis=0, out=work)  # + Wh^T [d_a_r, d_a_z, d_a_n r]

    d_Wx_bx = np.concatenate([_input_weight_gradients(gates[:2], inputs_with_ones),
                              _input_weight_gradients(hidden_n[None], inputs_with_ones)])
    grads = {"Wx": d_Wx_bx[:, :-1], "Wh": _hidden_weight_gradients(gates, states, h0), "bx": d_Wx_bx[:, -1],
             "bhn": n.sum(axis=(0, 1))}
    grads = _finish_gradients(grads, d_scores, states, d_h_next, single, clip_norm,
                              {"params": params, "inputs": inputs, "h0": h0})
    if return_state:  # a copy: states is a scratch array the next call overwrites
        return loss, grads, states[-1, 0].copy() if single else states[-1].copy()
    return loss, grads
