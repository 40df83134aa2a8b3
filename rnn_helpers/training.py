"""Optimisers and a training loop for the RNN of ``rnn_helpers.core``.

Parameters are the dict from ``init_params``; the optimisers update its arrays in place, the
way ``torch.optim`` optimisers update a model's tensors.
"""

import numpy as np

from ._checks import check_positive_int
from .backprop import clip_gradients, gradient_norm
from .cells import get_cell
from .core import accuracy, make_rng, predict


class SGD:
    """Stochastic gradient descent with momentum.

    v <- momentum * v - learning_rate * g;   p <- p + v
    """

    def __init__(self, learning_rate=0.1, momentum=0.9):
        if learning_rate <= 0 or not 0 <= momentum < 1:
            raise ValueError(f"need learning_rate > 0 and 0 <= momentum < 1, got {learning_rate}, {momentum}")
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.velocity = {}

    def step(self, params, grads):
        """Update every array of ``params`` in place from ``grads`` (same keys and shapes)."""
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
        if learning_rate <= 0 or not (0 <= beta1 < 1 and 0 <= beta2 < 1):
            raise ValueError(f"need learning_rate > 0 and betas in [0, 1), got {learning_rate}, {beta1}, {beta2}")
        self.learning_rate, self.beta1, self.beta2, self.epsilon = learning_rate, beta1, beta2, epsilon
        self.first_moment, self.second_moment = {}, {}
        self.steps = 0

    def step(self, params, grads):
        """Update every array of ``params`` in place from ``grads`` (same keys and shapes)."""
        self.steps += 1
        correction1 = 1 - self.beta1**self.steps
        correction2 = 1 - self.beta2**self.steps
        for name, param in params.items():
            m = self.first_moment.setdefault(name, np.zeros_like(param))
            v = self.second_moment.setdefault(name, np.zeros_like(param))
            m += (1 - self.beta1) * (grads[name] - m)
            v += (1 - self.beta2) * (grads[name] ** 2 - v)
            param -= self.learning_rate * (m / correction1) / (np.sqrt(v / correction2) + self.epsilon)


def evaluate(params, data, cell="rnn"):
    """Accuracy of a recurrent network on a task's sequences (labelled steps only).

    - data: dict with 'inputs' (N, T, D) and 'labels' (N, T)
    - cell: which cell ``params`` belong to, "rnn" or a gated cell (see ``rnn_helpers.cells``)
    """
    outputs = get_cell(cell).forward_batch(data["inputs"], params)[1]
    return accuracy(predict(outputs), data["labels"])


def train(params, train_data, optimizer, epochs, batch_size=32, test_data=None, clip_norm=None, seed=0,
          progress=False, cell="rnn"):
    """Train ``params`` in place with mini-batches of shuffled sequences.

    Inputs:
    - params: dict from ``init_params`` (updated in place)
    - train_data, test_data: dicts with 'inputs' (N, T, D) and 'labels' (N, T); test_data optional
    - optimizer: an object with ``step(params, grads)``, e.g. ``Adam()`` or ``SGD()``
    - epochs, batch_size: passes over the training data, and sequences per gradient step
    - clip_norm: clip each gradient's joint norm to this value (None: no clipping)
    - seed: seeds the shuffling, so a run is reproducible
    - progress: show a progress bar (tqdm's notebook bar in Jupyter, a text bar elsewhere)
    - cell: which cell ``params`` belong to, "rnn" or a gated cell (see ``rnn_helpers.cells``)

    Returns a history dict of per-epoch lists: 'loss' (mean training loss), 'train_accuracy',
    'test_accuracy' (empty without test_data) and 'gradient_norm' (mean norm before clipping).
    """
    check_positive_int("epochs", epochs)
    check_positive_int("batch_size", batch_size)
    backward = get_cell(cell).backward
    rng = make_rng(seed)
    num_sequences = len(train_data["inputs"])
    history = {"loss": [], "train_accuracy": [], "test_accuracy": [], "gradient_norm": []}
    epoch_range = range(epochs)
    if progress:
        from tqdm.auto import tqdm  # only when asked for: the math does not need it

        epoch_range = tqdm(epoch_range, desc="training", unit="epoch")
    for _ in epoch_range:
        order = rng.permutation(num_sequences)
        losses, norms = [], []
        for start in range(0, num_sequences, batch_size):
            batch = order[start : start + batch_size]
            loss, grads = backward(train_data["inputs"][batch], train_data["labels"][batch], params)
            del grads["h0"]  # the initial state is fixed at zero, not learned
            if clip_norm is None:
                norm = gradient_norm(grads)
            else:
                grads, norm = clip_gradients(grads, clip_norm)
            optimizer.step(params, grads)
            losses.append(loss)
            norms.append(norm)
        history["loss"].append(float(np.mean(losses)))
        history["gradient_norm"].append(float(np.mean(norms)))
        history["train_accuracy"].append(evaluate(params, train_data, cell))
        if test_data is not None:
            history["test_accuracy"].append(evaluate(params, test_data, cell))
        if progress:
            epoch_range.set_postfix(loss=f"{history['loss'][-1]:.3f}", accuracy=f"{history['train_accuracy'][-1]:.1%}")
    return history
