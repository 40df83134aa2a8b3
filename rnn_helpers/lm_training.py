"""Training and evaluating a character-level language model: truncated BPTT over a long text, batches of names.

The model is any cell of ``rnn_helpers.cells`` whose backward pass can return its last state ("rnn" or
"gru"): one-hot characters in (D = V), logits over the next character out (O = V). Inputs and targets
are character indices of shape (N, T) (see ``rnn_helpers.lm_data``); they are made one-hot here.

Truncated BPTT: a long text is read in chunks of T' characters. Each chunk starts from the hidden state
the previous chunk ended in (its *value*, an array), so the model sees context from before the chunk;
the gradient is computed within the chunk only, because that array is not connected to the previous
chunk's computation. Loss: the mean of -ln p(target) over the targets that are not IGNORE, in nats.
"""

import time

import numpy as np

from ._checks import (
    IGNORE,
    FloatOverflowError,
    as_label_array,
    check_bool,
    check_finite_results,
    check_number,
    check_param_dict,
    check_positive_int,
    check_trainable,
    describe_value,
    expect_shape,
)
from .cells import get_cell
from .clipping import joint_norm, scaled_to_norm
from .lm_data import batch_rows, name_batch, text_chunks, text_streams
from .losses import softmax_cross_entropy
from .text import one_hot
from .training import bad_batch_reason, diverged_error

CELLS_WITH_STATE = ("rnn", "gru")  # cells whose backward pass returns its last state (return_state=True)
MAX_STEPS = 1_000_000


def _model(params, cell):
    """The Cell ``cell`` and the vocabulary size V of ``params`` (one-hot in, logits out: D = O = V)."""
    if cell not in CELLS_WITH_STATE:
        raise ValueError(f"cell must be one of {list(CELLS_WITH_STATE)}, got {describe_value(cell)}")
    recurrent_cell = get_cell(cell)
    check_param_dict(params, dict.fromkeys(recurrent_cell.param_names))
    vocabulary_size = params["Wy"].shape[0]
    if params["Wx"].shape[-1] != vocabulary_size:
        raise ValueError(f"params must read and predict the same characters: params['Wx'] must have "
                         f"{vocabulary_size} columns (params['Wy'] has {vocabulary_size} rows), got shape "
                         f"{params['Wx'].shape}")
    return recurrent_cell, vocabulary_size


def _check_pair(inputs, targets, vocabulary_size):
    inputs = as_label_array("inputs", inputs, 2, vocabulary_size)
    targets = as_label_array("targets", targets, 2, vocabulary_size, allow_ignore=True)
    expect_shape("targets", targets, inputs.shape)
    return inputs, targets


def sequence_loss(params, inputs, targets, cell="rnn", h0=None):
    """The mean loss (nats/char) of predicting ``targets`` from ``inputs``, and the last hidden state.

    - params: dict of the cell's parameters, with D = O = V
    - inputs, targets: character indices, shape (N, T); targets may be IGNORE (not counted)
    - cell: "rnn" or "gru"
    - h0: the starting state, shape (N, H); zeros if None

    Returns (loss, h_T) with h_T of shape (N, H).
    """
    recurrent_cell, vocabulary_size = _model(params, cell)
    inputs, targets = _check_pair(inputs, targets, vocabulary_size)
    hidden_states, outputs = recurrent_cell.forward_batch(one_hot(inputs, vocabulary_size), params, h0)
    return softmax_cross_entropy(outputs, targets)[0], hidden_states[:, -1]


def text_loss(params, indices, cell="rnn", num_streams=8, chunk_length=500):
    """The loss (nats/char) of a model on an encoded text, read as ``num_streams`` streams in chunks with the
    state carried from chunk to chunk: each stream's first character is the only one read without context.

    - indices: the text, shape (T,); num_streams, chunk_length: as in ``text_streams`` and ``text_chunks``
      (a chunk_length longer than a stream is shortened to it)
    """
    _model(params, cell)
    streams = text_streams(indices, num_streams)
    chunks = text_chunks(streams, min(chunk_length, streams.shape[1] - 1))
    state, total = None, 0.0
    for inputs, targets in chunks:
        loss, state = sequence_loss(params, inputs, targets, cell, state)
        total += loss * targets.size
    return float(total / (streams.shape[0] * (streams.shape[1] - 1)))


def names_loss(params, names, vocabulary, cell="rnn"):
    """The loss (nats/char) of a model on a list of names, every character and each name's end counted once.

    - names: list of str; vocabulary: str with the boundary symbol (see ``name_batch``)
    """
    return sequence_loss(params, *name_batch(names, vocabulary), cell)[0]


def truncated_bptt_gradients(streams, params, chunk_length):
    """Truncated BPTT over a batch of streams without updating: each chunk's loss and the sum of their gradients.

    The reference of notebook 10's exercise: chunk after chunk (``text_chunks``), the vanilla RNN starts from
    the state the previous chunk ended in (zeros for the first), and the gradient stays within the chunk.

    - streams: character indices, shape (N, L); params: vanilla RNN parameters with D = O = V
    - chunk_length: T', at most L - 1

    Returns (losses, grads): losses of shape (K,) for the K chunks, grads a dict of the parameters'
    gradients summed over the chunks (shapes of params).
    """
    _, vocabulary_size = _model(params, "rnn")
    from .backprop import rnn_backward  # the vanilla RNN's fast backward pass

    losses, total = [], {name: np.zeros_like(value) for name, value in params.items()}
    state = np.zeros((len(streams), params["Wh"].shape[0]))
    for inputs, targets in text_chunks(as_label_array("streams", streams, 2, vocabulary_size), chunk_length):
        # state is a plain array: this chunk starts from its value, and no gradient flows back through it.
        loss, grads, state = rnn_backward(one_hot(inputs, vocabulary_size), targets, params, h0=state,
                                          return_state=True)
        losses.append(loss)
        for name in total:
            total[name] += grads[name]
    return np.array(losses), total


def _check_training(params, cell, optimizer, steps, clip_norm, evaluate_every, max_seconds, decay, progress):
    recurrent_cell, vocabulary_size = _model(params, cell)
    if isinstance(optimizer, type) or not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must be an object with a step(params, grads) method, e.g. Adam(), "
                        f"got {describe_value(optimizer)}")
    check_positive_int("steps", steps, maximum=MAX_STEPS)
    if clip_norm is not None:
        check_number("clip_norm", clip_norm, 0, low_open=True)
    if evaluate_every is not None:
        check_positive_int("evaluate_every", evaluate_every, maximum=MAX_STEPS)
    if max_seconds is not None:
        check_number("max_seconds", max_seconds, 0, 86400, low_open=True)
    check_bool("decay", decay)
    check_bool("progress", progress)
    if decay and not isinstance(getattr(optimizer, "learning_rate", None), float | int):
        raise TypeError(f"optimizer must have a numeric learning_rate to decay, got {describe_value(optimizer)}")
    check_trainable(params, cell)  # weights unusable from the start are not a divergence
    return recurrent_cell, vocabulary_size


def _train(params, make_batch, optimizer, steps, recurrent_cell, vocabulary_size, clip_norm, evaluate,
           evaluate_every, max_seconds, decay, progress, epoch_of):
    """The loop shared by ``train_on_text`` and ``train_on_names`` (arguments checked by the caller).

    ``make_batch(step, state)`` returns (inputs, targets, h0) for step ``step`` (from 0), given the last
    state; ``evaluate(params)`` returns a held-out loss (or is None); ``epoch_of(step)`` gives (epoch, batch)
    for error messages. Training time excludes the time spent evaluating.
    """
    history = {"step": [], "loss": [], "held_out_loss": [], "seconds": []}
    start_rate = getattr(optimizer, "learning_rate", None)
    step_range = range(steps)
    if progress:
        from tqdm.auto import tqdm  # only when asked for: the math does not need it

        step_range = tqdm(step_range, desc="training", unit="step")
    state, window, trained_seconds = None, [], 0.0
    for step in step_range:
        started = time.perf_counter()
        if decay:  # linear decay to zero over the run: by steps, or by the time budget if that ends first
            done = step / steps if max_seconds is None else max(step / steps, trained_seconds / max_seconds)
            optimizer.learning_rate = start_rate * max(1.0 - done, 0.0)
        inputs, targets, h0 = make_batch(step, state)
        try:
            loss, grads, state = recurrent_cell.backward(one_hot(inputs, vocabulary_size), targets, params, h0=h0,
                                                         return_state=True)
        except FloatOverflowError as error:  # the updates made the weights too large for float64
            raise diverged_error(f"the loss or the gradients overflow float64 ({error})", history, *epoch_of(step),
                                 optimizer, clip_norm) from None
        del grads["h0"]  # the starting state is data (zeros or the previous chunk's), not learned
        norm = joint_norm(grads)
        problem = bad_batch_reason(loss, norm, clip_norm)
        if problem:
            raise diverged_error(problem, history, *epoch_of(step), optimizer, clip_norm)
        if clip_norm is not None:
            grads = scaled_to_norm(grads, norm, clip_norm)
        optimizer.step(params, grads)
        window.append(loss)
        trained_seconds += time.perf_counter() - started
        finished = step == steps - 1 or (max_seconds is not None and trained_seconds >= max_seconds)
        if finished or (evaluate_every is not None and (step + 1) % evaluate_every == 0):
            history["step"].append(step + 1)
            history["loss"].append(float(np.mean(window)))
            history["seconds"].append(trained_seconds)
            if evaluate is not None:
                history["held_out_loss"].append(evaluate(params))
            window = []
            if progress:
                step_range.set_postfix(loss=f"{history['loss'][-1]:.3f}")
        if finished:
            break
    if decay:
        optimizer.learning_rate = start_rate
    return history


def train_on_text(params, indices, optimizer, steps, num_streams=32, chunk_length=50, cell="rnn", clip_norm=5.0,
                  carry_state=True, held_out=None, evaluate_every=None, max_seconds=None, decay=False,
                  progress=False):
    """Train a language model in place on one long encoded text by truncated BPTT.

    The text is cut into ``num_streams`` streams (``text_streams``), read chunk by chunk (``text_chunks``),
    one gradient step per chunk, from the first chunk again after the last.

    - params: dict of the cell's parameters (D = O = V), updated in place
    - indices: the training text, shape (T,); held_out: a held-out text (T2,) or None
    - optimizer: e.g. ``Adam(0.01)``; steps: the number of gradient steps (at most MAX_STEPS)
    - num_streams, chunk_length: N and T' (a batch of N chunks of T' characters per step)
    - cell: "rnn" or "gru"; clip_norm: clip each gradient's joint norm to this (None: no clipping)
    - carry_state: start each chunk from the state the previous one ended in (False: from zeros)
    - evaluate_every: record the losses every this many steps (and at the end)
    - max_seconds: stop after this many seconds of training (a benchmark's budget), even before ``steps``
    - decay: decay the learning rate linearly to 0 over the steps (or the time budget, if it ends first)
    - progress: show a progress bar

    Returns a history dict of lists, one entry per record: 'step', 'loss' (the mean training loss since the
    last record), 'held_out_loss' (``text_loss``; empty without held_out) and 'seconds' (of training).
    Raises TrainingDivergedError when a loss or gradient stops being finite or explodes.
    """
    recurrent_cell, vocabulary_size = _check_training(params, cell, optimizer, steps, clip_norm, evaluate_every,
                                                      max_seconds, decay, progress)
    chunks = text_chunks(text_streams(as_label_array("indices", indices, 1, vocabulary_size), num_streams),
                         chunk_length)
    check_bool("carry_state", carry_state)
    if held_out is not None:
        held_out = as_label_array("held_out", held_out, 1, vocabulary_size)
        text_streams(held_out, min(8, len(held_out) // 2))  # checks it is long enough to evaluate

    def make_batch(step, state):
        inputs, targets = chunks[step % len(chunks)]
        fresh = step % len(chunks) == 0 or not carry_state  # a new pass over the text starts from zeros
        return inputs, targets, None if fresh else state

    def evaluate(trained):
        return text_loss(trained, held_out, cell, num_streams=min(8, len(held_out) // 2))

    return _train(params, make_batch, optimizer, steps, recurrent_cell, vocabulary_size, clip_norm,
                  None if held_out is None else evaluate, evaluate_every, max_seconds, decay, progress,
                  lambda step: (step // len(chunks) + 1, step % len(chunks) + 1))


def train_on_names(params, names, vocabulary, optimizer, steps, batch_size=32, cell="rnn", clip_norm=5.0,
                   held_out=None, evaluate_every=None, max_seconds=None, decay=False, seed=0, progress=False):
    """Train a language model in place on names: each step a batch of names drawn at random, padded and masked.

    - names: list of str (training names); vocabulary: str with the boundary symbol (``name_batch``)
    - held_out: a list of held-out names or None (then 'held_out_loss' stays empty)
    - batch_size: names per step; seed: seeds the draws of the batches
    - the other arguments as in ``train_on_text``

    Returns the same history dict as ``train_on_text`` ('held_out_loss' from ``names_loss``).
    """
    recurrent_cell, vocabulary_size = _check_training(params, cell, optimizer, steps, clip_norm, evaluate_every,
                                                      max_seconds, decay, progress)
    every_name = name_batch(names, vocabulary)  # checks the names and the vocabulary, and encodes them once
    if held_out is not None:
        name_batch(held_out, vocabulary)
    check_positive_int("batch_size", batch_size)
    if len(vocabulary) != vocabulary_size:
        raise ValueError(f"vocabulary must have one character per row of params['Wy'] ({vocabulary_size}), "
                         f"got {len(vocabulary)}")
    from .core import make_rng

    rng = make_rng(seed)

    def make_batch(step, state):
        rows = rng.randint(0, len(names), size=batch_size)
        return (*batch_rows(*every_name, rows), None)

    def evaluate(trained):
        return names_loss(trained, held_out, vocabulary, cell)

    return _train(params, make_batch, optimizer, steps, recurrent_cell, vocabulary_size, clip_norm,
                  None if held_out is None else evaluate, evaluate_every, max_seconds, decay, progress,
                  lambda step: (1, step + 1))


def input_gradient_norms(params, indices, cell="rnn"):
    """How much the prediction of the last character depends on each earlier one: ||dL/du_t|| for t = 1 .. T-1.

    L = -ln p(c_T | c_1 .. c_{T-1}) is the loss of predicting the text's last character, and
    u_t = Wx x_t the input term of character t (the column of Wx it selects: its embedding). The gradient
    reaching state h_t, dL/dh_t, is the 'h0' gradient of our backward pass over the characters after t
    started from h_t; one step back through the cell gives dL/du_t.

    - params: dict of the cell's parameters (D = O = V); indices: a text of T >= 2 characters, shape (T,)
    - cell: "rnn" or "gru"

    Returns an array of shape (T - 1,): entry t - 1 is ||dL/du_t|| for the input character c_t.
    """
    from .gated import gru_step_backward

    recurrent_cell, vocabulary_size = _model(params, cell)
    indices = as_label_array("indices", indices, 1, vocabulary_size)
    if len(indices) < 2:
        raise ValueError(f"indices must hold at least 2 characters (inputs and the one to predict), got {len(indices)}")
    inputs = one_hot(indices[:-1], vocabulary_size)[None]  # (1, T - 1, V)
    hidden_states = recurrent_cell.forward_batch(inputs, params)[0][0]  # h_1 .. h_{T-1}
    length = len(indices) - 1
    labels = np.full((1, length), IGNORE)
    labels[0, -1] = indices[-1]
    norms = np.zeros(length)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is checked, and named, below
        try:
            for t in range(length):  # t counts from 0 here: character c_{t+1}, state h_{t+1}
                if t == length - 1:  # the last state reaches the loss through the read-out alone
                    logits = hidden_states[-1:] @ params["Wy"].T + params["by"]  # (1, V)
                    d_h = (softmax_cross_entropy(logits, labels[0, -1:])[1] @ params["Wy"])[0]
                else:
                    d_h = recurrent_cell.backward(inputs[:, t + 1 :], labels[:, t + 1 :], params,
                                                  h0=hidden_states[t][None])[1]["h0"][0]
                if cell == "rnn":
                    d_u = d_h * (1.0 - hidden_states[t] ** 2)  # u_t enters a_t = u_t + Wh h_{t-1} + bx, then tanh
                else:  # the GRU's step backward: with a one-hot input, column c_t of its Wx gradient is dL/du_t
                    h_prev = np.zeros_like(hidden_states[0]) if t == 0 else hidden_states[t - 1]
                    step_grads = gru_step_backward(d_h[None], inputs[:, t], h_prev[None], params)[1]
                    d_u = step_grads["Wx"][:, indices[t]]
                norms[t] = np.linalg.norm(d_u)
        except FloatOverflowError:  # a loss or a backward pass over the later characters overflowed
            norms[:] = np.inf
    check_finite_results([norms], params=params)  # the one-hot inputs are finite and small: huge weights overflow
    return norms


def init_language_model(vocabulary_size, hidden_size, cell="rnn", seed=0):
    """Parameters of a character-level language model: D = O = ``vocabulary_size``, H = ``hidden_size``.

    - cell "rnn": ``init_params``'s standard-normal draws, the weights divided by sqrt(H) so that Wh's
      spectral radius starts near 1 (neither vanishing nor exploding) and tanh is not saturated; biases zero
    - cell "gru": ``init_gru_params`` (PyTorch's initialisation)
    """
    from .core import init_params
    from .gated import init_gru_params

    if cell not in CELLS_WITH_STATE:
        raise ValueError(f"cell must be one of {list(CELLS_WITH_STATE)}, got {describe_value(cell)}")
    if cell == "gru":
        return init_gru_params(vocabulary_size, hidden_size, vocabulary_size, seed=seed)
    params = init_params(vocabulary_size, hidden_size, vocabulary_size, seed=seed)
    return {name: value / np.sqrt(hidden_size) if name.startswith("W") else np.zeros_like(value)
            for name, value in params.items()}
