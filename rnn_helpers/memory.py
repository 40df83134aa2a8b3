"""The memory experiment of notebook 09: which cells learn to carry one bit across a gap?

Each trial trains a fresh network on ``remember_first_task`` (the label at the last step is the
first input's sign; random distractor bits fill the gap) with a fixed budget of Adam steps, and
reports how many steps it needed to reach the target test accuracy, or None if it did not.
The settings are module constants, so the notebook and the tests use the same ones.
"""

import numpy as np
from threadpoolctl import threadpool_limits

from ._checks import check_entries, check_number, check_positive_int
from .cells import get_cell
from .core import make_rng
from .tasks import remember_first_task
from .training import Adam, evaluate

# Hidden sizes that give the three cells about the same number of parameters with one input and
# two outputs: 1154 (vanilla, H^2 + 4H + 2), 1186 (LSTM, 4H^2 + 10H + 2), 1136 (GRU, 3H^2 + 9H + 2).
MATCHED_HIDDEN_SIZES = {"rnn": 32, "lstm": 16, "gru": 18}
# Initial gate biases for the experiment: the gates that keep the old state (the LSTM's forget
# gate, the GRU's update gate) start at sigma(3) = 0.95, so memory and gradient survive ~20 steps.
GATE_BIAS = 3.0

BATCH_SIZE = 64  # every step draws a fresh batch of sequences: the network cannot memorise them
TEST_SEQUENCES = 256
MAX_STEPS = 320  # the fixed budget of Adam steps
STEPS_BETWEEN_TESTS = 16
LEARNING_RATE = 0.005
CLIP_NORM = 5.0
TARGET_ACCURACY = 0.95


def initial_params(cell, seed, gate_bias=GATE_BIAS):
    """A fresh network for the experiment, input size 1, output size 2, hidden size matched.

    The vanilla RNN gets the collection's initialisation (standard normal / sqrt(H), notebooks 07-08,
    spectral radius about 1) and ignores ``gate_bias``; the LSTM starts its forget gate's bias, the
    GRU its update gate's, at ``gate_bias``.
    """
    cell = get_cell(cell).name
    check_number("gate_bias", gate_bias)
    hidden_size = MATCHED_HIDDEN_SIZES[cell]
    if cell == "lstm":
        return get_cell(cell).init(1, hidden_size, 2, seed=seed, forget_bias=gate_bias)
    if cell == "gru":
        return get_cell(cell).init(1, hidden_size, 2, seed=seed, update_bias=gate_bias)
    return {name: value / np.sqrt(hidden_size) for name, value in get_cell(cell).init(1, hidden_size, 2, seed).items()}


def steps_to_remember(cell, gap, seed, gate_bias=GATE_BIAS):
    """Train a fresh ``cell`` ("rnn", "lstm" or "gru") on ``remember_first_task`` with ``gap`` distractors.

    Every step draws a fresh batch; every ``STEPS_BETWEEN_TESTS`` steps the accuracy on a fixed test
    set is measured, and training stops once it reaches ``TARGET_ACCURACY`` or after ``MAX_STEPS``.
    ``seed`` seeds the data and the weights; ``gate_bias`` is the initial bias of the gate that keeps
    the old state (see ``initial_params``).

    Returns (steps, test_accuracy): the number of Adam steps taken when the target was reached (None
    if it never was), and the last test accuracy measured.
    """
    backward = get_cell(cell).backward
    check_positive_int("gap", gap)
    check_entries("gap", max(BATCH_SIZE, TEST_SEQUENCES) * (gap + 1))
    check_number("gate_bias", gate_bias)
    data_stream = make_rng(seed)
    test_data = remember_first_task(TEST_SEQUENCES, gap, seed=data_stream)
    params = initial_params(cell, seed, gate_bias)
    optimizer = Adam(learning_rate=LEARNING_RATE)
    # One BLAS thread: these products are small, so a second thread gains little, and when the other
    # core is busy (another notebook, a test running two at once) waiting for it made training about six
    # times slower (measured). It also makes the results independent of the machine's thread count.
    with threadpool_limits(limits=1, user_api="blas"):
        for step in range(1, MAX_STEPS + 1):
            batch = remember_first_task(BATCH_SIZE, gap, seed=data_stream)
            _, grads = backward(batch["inputs"], batch["labels"], params, clip_norm=CLIP_NORM)
            del grads["h0"]  # the initial state stays zero
            optimizer.step(params, grads)
            if step % STEPS_BETWEEN_TESTS == 0:
                test_accuracy = evaluate(params, test_data, cell=cell)
                if test_accuracy >= TARGET_ACCURACY:
                    return step, test_accuracy
    return None, test_accuracy
