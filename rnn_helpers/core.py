"""The vanilla RNN forward pass, exactly as in the original notebook.

Notation (same letters as the original notebook)::

    a_t = Wx x_t + Wh h_{t-1} + bx      pre-activation,  shape (H,)
    h_t = tanh(a_t)                     hidden state,    shape (H,)
    y_t = Wy h_t + by                   output (logits), shape (O,)

Sizes: D = input size, H = hidden size, O = output size, T = sequence length, N = batch size.
Sequences are stored time-major per sequence: ``inputs[t]`` is the input vector at step t.
"""

import numpy as np

from ._checks import (
    IGNORE,
    MAX_SEED,
    all_finite,
    as_float_array,
    as_label_array,
    check_entries,
    check_finite_outputs,
    check_forward,
    check_number,
    check_positive_int,
    check_step,
    describe_value,
    expect_shape,
    power_of_two_scale,
    steps_overflow_as,
)


def make_rng(seed):
    """Return a ``np.random.RandomState``.

    ``seed`` is an int in [0, 2**32 - 1] (a fresh generator seeded with it, the same stream as
    ``np.random.seed(seed)``) or an existing RandomState, used as it is so that several draws
    continue one stream, as the original notebook's global generator does.
    """
    if isinstance(seed, np.random.RandomState):
        return seed
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int or np.random.RandomState, got {describe_value(seed)}")
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be between 0 and {MAX_SEED} (2**32 - 1), got {seed}")
    return np.random.RandomState(seed)


def init_params(input_size, hidden_size, output_size, seed=0):
    """Draw the RNN weights from a standard normal, in the original notebook's order.

    Order of draws: Wx (H, D), Wh (H, H), Wy (O, H), bx (H,), by (O,), so that
    ``init_params(3, 4, 2, seed=0)`` gives the original numbers exactly.

    Returns a dict with keys 'Wx' (H, D), 'Wh' (H, H), 'Wy' (O, H), 'bx' (H,), 'by' (O,).
    """
    for name, size in (("input_size", input_size), ("hidden_size", hidden_size), ("output_size", output_size)):
        check_positive_int(name, size)
    check_entries("input_size, hidden_size and output_size",
                  (hidden_size + output_size + 1) * hidden_size + hidden_size * input_size + output_size)
    rng = make_rng(seed)
    return {
        "Wx": rng.randn(hidden_size, input_size),
        "Wh": rng.randn(hidden_size, hidden_size),
        "Wy": rng.randn(output_size, hidden_size),
        # The original draws biases as (H, 1) columns; the same numbers come out as (H,).
        "bx": rng.randn(hidden_size, 1)[:, 0],
        "by": rng.randn(output_size, 1)[:, 0],
    }


def random_inputs(sequence_length, input_size, seed):
    """Draw a standard-normal input sequence the way the original does: ``randn(D, T)``.

    Returns inputs of shape (T, D): row t is the input vector x_t (the original's column t).
    """
    check_positive_int("sequence_length", sequence_length)
    check_positive_int("input_size", input_size)
    check_entries("sequence_length * input_size", sequence_length * input_size)
    return make_rng(seed).randn(input_size, sequence_length).T


def random_labels(sequence_length, num_classes, seed):
    """Draw uniformly random class labels, shape (T,), as the original's ``randint``."""
    check_positive_int("sequence_length", sequence_length)
    check_positive_int("num_classes", num_classes)
    return make_rng(seed).randint(0, num_classes, size=sequence_length)


def original_example(seed=0):
    """Rebuild everything the original notebook draws, in its order, from one stream.

    Returns a dict with 'params' (see ``init_params``), 'inputs' (5, 3) and 'labels' (5,).
    """
    rng = make_rng(seed)
    params = init_params(3, 4, 2, seed=rng)
    inputs = random_inputs(5, 3, seed=rng)
    labels = random_labels(5, 2, seed=rng)
    return {"params": params, "inputs": inputs, "labels": labels}


def rnn_step(x_t, h_prev, params):
    """One step of the RNN cell, for one sequence or a batch.

    Inputs:
    - x_t: input at this step, shape (D,) or (N, D)
    - h_prev: previous hidden state, shape (H,) or (N, H) (same leading shape as x_t)
    - params: dict from ``init_params``

    Returns (h_t, y_t): new hidden state (H,) or (N, H), and output (O,) or (N, O).
    """
    x_t, h_prev = check_step(params, x_t, h_prev=h_prev)
    # Row-vector form: x @ Wx.T is Wx x for every row at once.
    h_t = np.tanh(x_t @ params["Wx"].T + h_prev @ params["Wh"].T + params["bx"])
    y_t = h_t @ params["Wy"].T + params["by"]
    check_finite_outputs(y_t, "y_t", params=params, x_t=x_t, h_prev=h_prev)  # huge weights overflow float64
    return h_t, y_t


def rnn_forward(inputs, params, h0=None):
    """Unroll the RNN over one sequence.

    Inputs:
    - inputs: shape (T, D), row t is x_t
    - params: dict from ``init_params``
    - h0: initial hidden state, shape (H,); zeros if None

    Returns (hidden_states, outputs) with shapes (T, H) and (T, O).
    """
    inputs, h0 = check_forward(inputs, params, h0, ndim=2)
    h = np.zeros(params["Wh"].shape[0]) if h0 is None else h0
    hidden_states, outputs = [], []
    with steps_overflow_as("the outputs", params=params, inputs=inputs, h0=h0):  # named as rnn_forward_batch does
        for x_t in inputs:
            h, y = rnn_step(x_t, h, params)
            hidden_states.append(h)
            outputs.append(y)
    return np.array(hidden_states), np.array(outputs)


def rnn_forward_batch(inputs, params, h0=None):
    """Unroll the RNN over N sequences at once (vectorised over the batch).

    Inputs:
    - inputs: shape (N, T, D)
    - params: dict from ``init_params``
    - h0: initial hidden states, shape (N, H); zeros if None

    Returns (hidden_states, outputs) with shapes (N, T, H) and (N, T, O).
    """
    inputs, h0 = check_forward(inputs, params, h0, ndim=3)
    batch_size, sequence_length, input_size = inputs.shape
    h0_argument = h0  # None (zeros) is left out of an overflow's message
    if h0 is None:
        h0 = np.zeros((batch_size, params["Wh"].shape[0]))
    # The input term Wx x_t + bx does not depend on h, so compute it for every step at once, as
    # one 2-D product (one BLAS call; a 3-D product would loop over the steps).
    time_major_inputs = inputs.transpose(1, 0, 2).reshape(-1, input_size)
    input_terms = (time_major_inputs @ params["Wx"].T + params["bx"]).reshape(sequence_length, batch_size, -1)
    hidden_states = recurrence_in_place(input_terms, params["Wh"], h0)
    outputs = read_out(hidden_states, params)
    check_finite_outputs(outputs, "the outputs", params=params, inputs=inputs, h0=h0_argument)  # one pass, no loop
    return hidden_states.transpose(1, 0, 2), outputs.transpose(1, 0, 2)


def read_out(hidden_states, params):
    """Outputs y = Wy h + by for hidden states of shape (..., H); returns shape (..., O).

    The product is done on a 2-D view: one BLAS call instead of a loop over the leading axes.
    No checks: callers check their arguments.
    """
    hidden_size = hidden_states.shape[-1]
    outputs = hidden_states.reshape(-1, hidden_size) @ params["Wy"].T + params["by"]
    return outputs.reshape(hidden_states.shape[:-1] + (-1,))


# Below this many entries per step NumPy's own tanh is faster than the exp form (fewer calls).
_EXP_TANH_MIN_SIZE = 2048


def tanh_in_place(values):
    """Overwrite ``values`` (any shape) with tanh(values) and return it.

    NumPy's float64 tanh is not vectorised on common x86 CPUs, but exp is, so for large arrays
    tanh(a) = 1 - 2 / (1 + exp(2a)) is about 1.6x faster; it agrees with np.tanh to ~3e-16.
    No checks: it runs once per time step, on arrays its callers have checked.
    """
    if values.size < _EXP_TANH_MIN_SIZE:
        return np.tanh(values, out=values)
    # exp(2a) overflows to inf for a > 354, which still gives tanh = 1 exactly; callers in a
    # loop silence the overflow warning once, around the loop, with np.errstate(over="ignore").
    np.multiply(values, 2.0, out=values)
    np.exp(values, out=values)
    values += 1.0
    np.divide(-2.0, values, out=values)
    values += 1.0
    return values


def recurrence_in_place(input_terms, Wh, h0):
    """Run h_t = tanh(input_terms[t] + Wh h_{t-1}) for every step, overwriting ``input_terms``.

    Inputs (no checks: callers check their arguments):
    - input_terms: shape (T, N, H), time-major, holding Wx x_t + bx for every step; on return it
      holds the hidden states h_t. Time-major means each step reads and writes one contiguous block.
    - Wh: shape (H, H)
    - h0: shape (N, H)

    Returns ``input_terms``, now the hidden states (T, N, H).
    """
    Wh_transposed = np.ascontiguousarray(Wh.T)
    h = h0
    with np.errstate(over="ignore"):  # see tanh_in_place
        for t in range(len(input_terms)):
            input_terms[t] += h @ Wh_transposed  # a_t = Wx x_t + bx + Wh h_{t-1}
            h = tanh_in_place(input_terms[t])
    return input_terms


def predict(outputs):
    """Predicted class per step: the argmax of the outputs over the last axis.

    - outputs: shape (O,), (T, O) or (N, T, O)

    Returns an integer array of shape (), (T,) or (N, T).
    """
    outputs = as_float_array("outputs", outputs, (1, 2, 3))
    return np.argmax(outputs, axis=-1)


def accuracy(predicted_labels, true_labels):
    """Fraction of labelled positions where the prediction equals the label, a float in [0, 1].

    - predicted_labels, true_labels: integer arrays of class indices (>= 0) of the same shape, e.g.
      (T,) or (N, T). Positions whose true label is IGNORE (-1) have no target and are left out.
    """
    predicted = as_label_array("predicted_labels", predicted_labels, None)
    true = as_label_array("true_labels", true_labels, None, allow_ignore=True)
    if predicted.shape != true.shape:
        raise ValueError(
            f"predicted_labels and true_labels must have the same shape, got {predicted.shape} and {true.shape}"
        )
    labelled = true != IGNORE
    return float(np.mean(predicted[labelled] == true[labelled]))


def spectral_radius(matrix):
    """Largest absolute eigenvalue of a square matrix, shape (H, H)."""
    matrix = as_float_array("matrix", matrix, 2)
    expect_shape("matrix", matrix, (matrix.shape[0], matrix.shape[0]))
    radius = float(np.max(np.abs(np.linalg.eigvals(matrix))))  # LAPACK scales internally: finite when representable
    if not np.isfinite(radius):
        raise ValueError(f"matrix must have a spectral radius that fits in float64 (below about 1.8e308), got "
                         f"entries up to {float(np.abs(matrix).max()):.3g}, whose radius is beyond it")
    return radius


def saturated_fraction(hidden_states, threshold=0.95):
    """Fraction of hidden activations with |h| > threshold (tanh's flat, saturated region).

    - hidden_states: shape (H,), (T, H) or (N, T, H)
    - threshold: a number in [0, 1)
    """
    hidden_states = as_float_array("hidden_states", hidden_states, (1, 2, 3))
    check_number("threshold", threshold, 0, 1, high_open=True)
    return float(np.mean(np.abs(hidden_states) > threshold))


def project_2d(hidden_states):
    """Project a hidden-state trajectory onto its two principal components.

    - hidden_states: shape (T, H)

    Returns (coordinates, explained) where coordinates has shape (T, 2) and explained (2,) is
    the fraction of the trajectory's variance along each component. With H == 1 or a
    trajectory with no spread, the missing components are zero.
    """
    hidden_states = as_float_array("hidden_states", hidden_states, 2)
    # Work on the states divided by a power of two near their largest entry (exact, so the same bits for
    # usual values): then no mean or SVD overflows on huge ones. The coordinates are scaled back at the end.
    scale = power_of_two_scale(hidden_states)
    centred = hidden_states / scale - (hidden_states / scale).mean(axis=0)
    # SVD of the centred trajectory: the right singular vectors are the principal directions.
    _, singular_values, directions = np.linalg.svd(centred, full_matrices=False)
    coordinates = np.zeros((hidden_states.shape[0], 2))
    explained = np.zeros(2)
    k = min(2, directions.shape[0])
    with np.errstate(over="ignore"):  # checked just below
        coordinates[:, :k] = (centred @ directions[:k].T) * scale
    if not all_finite(coordinates):
        raise ValueError(f"hidden_states must spread over less than float64's range (about 1.8e308) for their "
                         f"coordinates to fit, got entries up to {float(np.abs(hidden_states).max()):.3g}")
    total = np.sum(singular_values**2)
    if total > 0:
        explained[:k] = singular_values[:k] ** 2 / total
    return coordinates, explained
