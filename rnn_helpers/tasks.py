"""Sequence tasks whose labels depend on the inputs, so an RNN has something to learn.

Each task returns a dict with 'inputs' (N, T, D) float64 and 'labels' (N, T) int64, generated from
a seed so every run gets the same data.
"""

import numpy as np

from ._checks import check_data, check_entries, check_number, check_positive_int
from .core import IGNORE, make_rng


def running_sign_task(num_sequences, sequence_length, seed=0):
    """Label each step by the sign of the running sum of the inputs so far.

    Inputs x_t ~ N(0, 1), shape (N, T, 1); label c_t = 1 if x_1 + ... + x_t > 0 else 0, shape (N, T).
    The RNN must keep a running total in its hidden state: memory of the whole prefix.
    """
    check_positive_int("num_sequences", num_sequences)
    check_positive_int("sequence_length", sequence_length)
    check_entries("num_sequences * sequence_length", num_sequences * sequence_length)
    inputs = make_rng(seed).randn(num_sequences, sequence_length, 1)
    labels = (np.cumsum(inputs[..., 0], axis=1) > 0).astype(np.int64)
    return {"inputs": inputs, "labels": labels}


def delayed_recall_task(num_sequences, sequence_length, delay, seed=0):
    """Label each step by the bit that was shown ``delay`` steps earlier.

    Inputs are random bits shown as x_t = +1 or -1, shape (N, T, 1); label c_t = bit_{t - delay}
    (1 for +1, 0 for -1), shape (N, T). The first ``delay`` steps have nothing to recall and are
    labelled IGNORE (-1). The RNN must hold each bit for exactly ``delay`` steps.
    """
    check_positive_int("num_sequences", num_sequences)
    check_positive_int("sequence_length", sequence_length)
    check_positive_int("delay", delay)
    if delay >= sequence_length:
        raise ValueError(f"delay must be shorter than sequence_length ({sequence_length}), got {delay}")
    check_entries("num_sequences * sequence_length", num_sequences * sequence_length)
    bits = make_rng(seed).randint(0, 2, size=(num_sequences, sequence_length))
    labels = np.full((num_sequences, sequence_length), IGNORE, dtype=np.int64)
    labels[:, delay:] = bits[:, :-delay]
    return {"inputs": (2.0 * bits - 1.0)[..., None], "labels": labels}


def train_test_split(data, test_fraction=0.2, seed=0):
    """Shuffle the sequences of a task and split them into (train, test) dicts of the same form.

    - data: dict with 'inputs' (N, T, D) and 'labels' (N, T)
    - test_fraction: the share of the sequences that goes to the test set, in (0, 1)
    """
    inputs, labels = check_data("data", data)
    check_number("test_fraction", test_fraction, 0, 1, low_open=True, high_open=True)
    num_sequences = len(inputs)
    num_test = int(round(num_sequences * test_fraction))
    if not 0 < num_test < num_sequences:
        raise ValueError(f"test_fraction must leave at least one sequence on each side of the split of "
                         f"{num_sequences}, got {test_fraction} ({num_test} test sequences)")
    order = make_rng(seed).permutation(num_sequences)
    test, train = order[:num_test], order[num_test:]
    return (
        {"inputs": inputs[train], "labels": labels[train]},
        {"inputs": inputs[test], "labels": labels[test]},
    )


def remember_first_task(num_sequences, gap, seed=0):
    """Remember one bit across a gap of distractors: the label at the last step is the first input's sign.

    Inputs are random bits shown as x_t = +1 or -1, shape (N, gap + 1, 1): the first is the bit to
    remember, the ``gap`` after it are random distractors. Labels, shape (N, gap + 1), are IGNORE (-1)
    everywhere but the last step, which is 1 if the first input was +1 and 0 if it was -1.
    One bit must be held for ``gap`` steps, so hidden-state capacity is never the limit: only how far
    back the gradient (and the learned memory) can reach.
    """
    check_positive_int("num_sequences", num_sequences)
    check_positive_int("gap", gap)
    check_entries("num_sequences * (gap + 1)", num_sequences * (gap + 1))
    bits = make_rng(seed).randint(0, 2, size=(num_sequences, gap + 1))
    labels = np.full((num_sequences, gap + 1), IGNORE, dtype=np.int64)
    labels[:, -1] = bits[:, 0]
    return {"inputs": (2.0 * bits - 1.0)[..., None], "labels": labels}
