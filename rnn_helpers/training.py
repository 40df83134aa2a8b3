"""Optimisers and a training loop for the RNN of ``rnn_helpers.core``.

Parameters are the dict from ``init_params``; the optimisers update its arrays in place, the
way ``torch.optim`` optimisers update a model's tensors.

Training that goes wrong says so: ``train`` stops with ``TrainingDivergedError`` when the loss or
the parameters stop being finite or the gradient explodes, and warns with ``DivergenceWarning`` when
the loss stays finite but climbs far above where it started.
"""

import numbers
import warnings

import numpy as np

from ._checks import (
    IGNORE,
    MAX_LEARNING_RATE,
    MAX_TRAINABLE_WEIGHT,  # noqa: F401 (re-exported: train's limit on the starting weights)
    FloatOverflowError,
    all_finite,
    as_label_array,
    check_bool,
    check_data,
    check_like_params,
    check_magnitude,
    check_momentum,
    check_number,
    check_param_dict,
    check_positive_int,
    check_trainable,
    describe_value,
)
from .cells import get_cell
from .clipping import joint_norm, scaled_to_norm
from .core import accuracy, make_rng, predict

MAX_EPOCHS = 10_000
# A gradient whose norm (after clipping, if any) is above this has exploded: in notebooks 07 and 08 no
# batch's gradient norm reaches 25, while an RNN with spectral radius 4 and small inputs starts above
# 6e7 on 60-step sequences (see tests/test_backprop_and_training.py).
MAX_GRADIENT_NORM = 1e6
# A finite run is diverging when an epoch's mean loss is more than this many times the loss it
# started from (the first batch's, before any update).
DIVERGENCE_FACTOR = 2.0
# Adam squares the gradients: above 1e150 the square (1e300) and its division by the bias correction
# 1 - beta2^k (as small as 1e-3 or less) come close to float64's largest number, 1.8e308.
MAX_ADAM_GRADIENT = 1e150


class TrainingDivergedError(RuntimeError):
    """``train`` stopped: the loss or the parameters stopped being finite, or the gradient exploded.

    Attributes:
    - history: ``train``'s history dict, with the epochs finished before the divergence
    - epoch, batch: where it happened, counted from 1 (as in the message)
    The caller's params dict holds the last finite parameters (from before the failing update).
    """

    def __init__(self, message, history, epoch, batch):
        super().__init__(message)
        self.history = history
        self.epoch = epoch
        self.batch = batch


class DivergenceWarning(UserWarning):
    """``train``'s loss stayed finite but rose to more than DIVERGENCE_FACTOR times its starting value."""


def _check_step(params, grads, state):
    """Check an optimiser step's arguments before it changes anything; returns the grads as float64 arrays.

    - params: dict of finite float64 arrays (updated in place by the step)
    - grads: dict with exactly the keys of params, each finite and shaped like its parameter
    - state: the optimiser's per-parameter arrays from earlier steps (name -> array shaped like the parameter)
    """
    check_param_dict(params)
    checked = check_like_params("grads", grads, params)
    for name, param in params.items():
        if name in state and state[name].shape != param.shape:
            raise ValueError(f"params[{name!r}] must keep the shape this optimiser saw before, "
                             f"{state[name].shape}, got {param.shape}: use a new optimiser for new parameters")
    return checked


class SGD:
    """Stochastic gradient descent with momentum.

    v <- momentum * v - learning_rate * g;   p <- p + v
    """

    def __init__(self, learning_rate=0.1, momentum=0.9):
        check_momentum(learning_rate, momentum)
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.velocity = {}

    def step(self, params, grads):
        """Update every array of ``params`` in place from ``grads`` (same keys and shapes)."""
        grads = _check_step(params, grads, self.velocity)
        for name, param in params.items():
            velocity = self.velocity.setdefault(name, np.zeros_like(param))
            velocity *= self.momentum
            velocity -= self.learning_rate * grads[name]
            param += velocity


class Adam:
    """Adam (Kingma & Ba, 2015): per-parameter step sizes from running gradient moments.

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  p <- p - lr * m_hat / (sqrt(v_hat) + eps),
    with m_hat = m / (1 - b1^k) and v_hat = v / (1 - b2^k) after k steps.
    """

    def __init__(self, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
        check_number("learning_rate", learning_rate, 0, MAX_LEARNING_RATE, low_open=True)
        check_number("beta1", beta1, 0, 1, high_open=True)
        check_number("beta2", beta2, 0, 1, high_open=True)
        check_number("epsilon", epsilon, 0, 1, low_open=True)  # above 0: it keeps the step finite where v = 0
        self.learning_rate, self.beta1, self.beta2, self.epsilon = learning_rate, beta1, beta2, epsilon
        self.first_moment, self.second_moment = {}, {}
        self.steps = 0

    def step(self, params, grads):
        """Update every array of ``params`` in place from ``grads`` (same keys and shapes).

        Gradients with entries above MAX_ADAM_GRADIENT are refused before anything changes: v holds their
        squares, which would overflow to inf and turn that parameter's update into exactly 0.
        """
        grads = _check_step(params, grads, self.first_moment)
        for name, grad in grads.items():
            check_magnitude(f"grads[{name!r}]", grad, MAX_ADAM_GRADIENT, "(MAX_ADAM_GRADIENT) for Adam",
                            "Adam's second moment v holds squared gradients, which overflow float64 to inf and would "
                            "freeze this parameter (its update becomes exactly 0). A gradient this large has exploded: "
                            "clip it first (clip_gradients, or train(..., clip_norm=1.0))")
        self.steps += 1
        correction1 = 1 - self.beta1**self.steps
        correction2 = 1 - self.beta2**self.steps
        for name, param in params.items():
            m = self.first_moment.setdefault(name, np.zeros_like(param))
            v = self.second_moment.setdefault(name, np.zeros_like(param))
            m += (1 - self.beta1) * (grads[name] - m)
            v += (1 - self.beta2) * (grads[name] ** 2 - v)
            param -= self.learning_rate * (m / correction1) / (np.sqrt(v / correction2) + self.epsilon)


def _check_task(name, data, params, cell):
    """Check a task's data dict and that it fits ``params`` (of the Cell ``cell``), before any work.

    Returns (inputs (N, T, D), labels (N, T)) as arrays.
    """
    inputs, labels = check_data(name, data)
    check_param_dict(params, dict.fromkeys(cell.param_names))
    try:  # one step of one sequence checks the parameters' shapes against each other and the inputs
        num_classes = cell.forward_batch(inputs[:1, :1], params)[1].shape[-1]
    except FloatOverflowError:  # the shapes fit (the step ran) but its outputs overflow: the caller's pass says so
        num_classes = params["Wy"].shape[0]
    except ValueError as error:
        raise ValueError(f"params and {name}['inputs'] (shape {inputs.shape}) do not fit together: {error}") from None
    as_label_array(f"{name}['labels']", labels, 2, num_classes, allow_ignore=True)
    return inputs, labels


def _accuracy(params, inputs, labels, cell):
    """Accuracy on checked arrays: inputs (N, T, D), labels (N, T)."""
    return accuracy(predict(cell.forward_batch(inputs, params)[1]), labels)


def evaluate(params, data, cell="rnn"):
    """Accuracy of a recurrent network on a task's sequences (labelled steps only).

    - params: dict of the cell's parameters, e.g. from ``init_params``
    - data: dict with 'inputs' (N, T, D) and 'labels' (N, T)
    - cell: which cell ``params`` belong to, "rnn" or a gated cell (see ``rnn_helpers.cells``)
    """
    recurrent_cell = get_cell(cell)
    inputs, labels = _check_task("data", data, params, recurrent_cell)
    return _accuracy(params, inputs, labels, recurrent_cell)


def train(params, train_data, optimizer, epochs, batch_size=32, test_data=None, clip_norm=None, seed=0,
          progress=False, cell="rnn"):
    """Train ``params`` in place with mini-batches of shuffled sequences.

    Inputs:
    - params: dict from ``init_params`` (updated in place)
    - train_data, test_data: dicts with 'inputs' (N, T, D) and 'labels' (N, T); test_data optional.
      Every training sequence needs at least one labelled step (not IGNORE).
    - optimizer: an object with ``step(params, grads)``, e.g. ``Adam()`` or ``SGD()``
    - epochs, batch_size: passes over the training data (at most MAX_EPOCHS), and sequences per gradient step
    - clip_norm: clip each gradient's joint norm to this value (None: no clipping)
    - seed: seeds the shuffling, so a run is reproducible
    - progress: show a progress bar (tqdm's notebook bar in Jupyter, a text bar elsewhere)
    - cell: which cell ``params`` belong to, "rnn" or a gated cell (see ``rnn_helpers.cells``)

    Returns a history dict of per-epoch lists: 'loss' (mean training loss), 'train_accuracy',
    'test_accuracy' (empty without test_data) and 'gradient_norm' (mean norm before clipping).

    Every argument is checked before the first update. A run that diverges stops with
    ``TrainingDivergedError`` (see its attributes) when a batch's loss or gradient is NaN or inf, when the
    gradient to apply (after clipping) has a norm above MAX_GRADIENT_NORM, or when an update makes a
    parameter NaN or inf; params then hold their values from before that update. A run whose loss stays
    finite but whose epoch mean rises above DIVERGENCE_FACTOR times the first batch's loss gets one
    ``DivergenceWarning``.
    """
    recurrent_cell = get_cell(cell)
    inputs, labels = _check_task("train_data", train_data, params, recurrent_cell)
    unlabelled = np.flatnonzero(np.all(labels == IGNORE, axis=1))
    if unlabelled.size:
        raise ValueError(f"train_data['labels'] must label at least one step of every sequence, got none in "
                         f"{unlabelled.size} sequence(s), e.g. number {unlabelled[0]}")
    if test_data is not None:
        test_inputs, test_labels = _check_task("test_data", test_data, params, recurrent_cell)
    if isinstance(optimizer, type) or not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must be an object with a step(params, grads) method, e.g. Adam(), "
                        f"got {describe_value(optimizer)}")
    check_positive_int("epochs", epochs, maximum=MAX_EPOCHS)
    check_positive_int("batch_size", batch_size)
    if clip_norm is not None:
        check_number("clip_norm", clip_norm, 0, low_open=True)
    rng = make_rng(seed)
    check_bool("progress", progress)
    check_trainable(params, cell)

    num_sequences = len(inputs)
    history = {"loss": [], "train_accuracy": [], "test_accuracy": [], "gradient_norm": []}
    last_finite = {name: value.copy() for name, value in params.items()}  # params before each update
    starting_loss, warned = None, False
    epoch_range = range(1, epochs + 1)
    if progress:
        from tqdm.auto import tqdm  # only when asked for: the math does not need it

        epoch_range = tqdm(epoch_range, desc="training", unit="epoch")
    for epoch in epoch_range:
        order = rng.permutation(num_sequences)
        losses, norms = [], []
        for batch, start in enumerate(range(0, num_sequences, batch_size), start=1):
            rows = order[start : start + batch_size]
            try:
                loss, grads = recurrent_cell.backward(inputs[rows], labels[rows], params)
            except FloatOverflowError as error:  # the updates made the weights too large for float64
                raise diverged_error(f"the loss or the gradients overflow float64 ({error})", history, epoch, batch,
                                     optimizer, clip_norm) from None
            del grads["h0"]  # the initial state is fixed at zero, not learned
            norm = joint_norm(grads)
            problem = bad_batch_reason(loss, norm, clip_norm)
            if problem:
                raise diverged_error(problem, history, epoch, batch, optimizer, clip_norm)
            if clip_norm is not None:
                grads = scaled_to_norm(grads, norm, clip_norm)
            for name, value in params.items():
                np.copyto(last_finite[name], value)
            optimizer.step(params, grads)
            if not all(all_finite(value) for value in params.values()):
                for name, value in last_finite.items():
                    np.copyto(params[name], value)
                raise diverged_error("an update made parameters NaN or inf", history, epoch, batch, optimizer,
                                     clip_norm)
            if starting_loss is None:
                starting_loss = loss
            losses.append(loss)
            norms.append(norm)
        history["loss"].append(float(np.mean(losses)))
        history["gradient_norm"].append(float(np.mean(norms)))
        history["train_accuracy"].append(_accuracy(params, inputs, labels, recurrent_cell))
        if test_data is not None:
            history["test_accuracy"].append(_accuracy(params, test_inputs, test_labels, recurrent_cell))
        if progress:
            epoch_range.set_postfix(loss=f"{history['loss'][-1]:.3f}", accuracy=f"{history['train_accuracy'][-1]:.1%}")
        if not warned and history["loss"][-1] > DIVERGENCE_FACTOR * starting_loss:
            warned = True
            warnings.warn(
                f"training is diverging: the mean loss of epoch {epoch} is {history['loss'][-1]:.3g}, more than "
                f"{DIVERGENCE_FACTOR:g} times the starting loss {starting_loss:.3g}. {_advice(optimizer, clip_norm)}",
                DivergenceWarning,
                stacklevel=2,
            )
    return history


def bad_batch_reason(loss, norm, clip_norm):
    """What is wrong with a batch's loss and gradient norm (before clipping), or None if nothing is.

    No checks: called at every training step (here and in ``lm_training``) on the step's own numbers.
    """
    if not np.isfinite(loss):
        return f"the loss is {loss}"
    if not np.isfinite(norm):
        return f"the gradient norm is {norm}"
    applied_norm = norm if clip_norm is None else min(norm, clip_norm)
    if applied_norm > MAX_GRADIENT_NORM:
        return f"the gradient norm is {applied_norm:.3g}, above MAX_GRADIENT_NORM = {MAX_GRADIENT_NORM:g}"
    return None


def _advice(optimizer, clip_norm):
    """What to try when training diverges."""
    rate = getattr(optimizer, "learning_rate", None)
    lower_rate = "a lower learning rate" + (f" (now {rate:g})" if isinstance(rate, numbers.Real) else "")
    clipping = "clipping (e.g. clip_norm=1.0)" if clip_norm is None else f"a smaller clip_norm (now {clip_norm:g})"
    return f"Try {lower_rate} or {clipping}."


def diverged_error(what, history, epoch, batch, optimizer, clip_norm):
    """The TrainingDivergedError for a run that went wrong at (epoch, batch).

    No checks: called with what ``bad_batch_reason`` found, by the training loops.
    """
    finished = len(history["loss"])
    return TrainingDivergedError(
        f"training diverged at epoch {epoch}, batch {batch}: {what}. params hold their last finite values, "
        f"and this error's .history the {finished} finished epoch(s). {_advice(optimizer, clip_norm)}",
        history, epoch, batch,
    )
