"""How good a language model is: the loss in nats per character, perplexity, and the counting baselines.

The loss of a model on a text is the mean of -ln p(c_{t+1} | c_1 .. c_t) over its characters, in nats
(natural logarithm) per character. Its perplexity exp(loss) is the number of equally likely characters
the model is as unsure as: a model that guesses uniformly among V characters has loss ln V and
perplexity V. Sizes: T characters, V in the vocabulary.
"""

import numpy as np

from ._checks import IGNORE, as_float_array, as_label_array, check_number, check_positive_int, expect_shape


def perplexity(loss):
    """exp(loss) for a loss in nats per character (a finite number >= 0)."""
    check_number("loss", loss, 0)
    return float(np.exp(loss))


def unigram_loss(train_targets, held_out_targets, vocabulary_size, smoothing=1.0):
    """Held-out loss (nats/char) of the unigram model: p(c) = (count of c + smoothing) / (count of all + V smoothing).

    It ignores the context entirely: it knows only how often each character occurs in training.

    - train_targets, held_out_targets: character indices, any shape, in [0, V) or IGNORE (skipped)
    - vocabulary_size: V
    - smoothing: added to every count (> 0), so that a character unseen in training has a probability
    """
    check_positive_int("vocabulary_size", vocabulary_size)
    train = as_label_array("train_targets", train_targets, None, vocabulary_size, allow_ignore=True)
    held_out = as_label_array("held_out_targets", held_out_targets, None, vocabulary_size, allow_ignore=True)
    check_number("smoothing", smoothing, 0, low_open=True)
    counts = np.bincount(train[train != IGNORE], minlength=vocabulary_size) + smoothing
    log_probabilities = np.log(counts / counts.sum())
    return float(-np.mean(log_probabilities[held_out[held_out != IGNORE]]))


def bigram_counts(inputs, targets, vocabulary_size, smoothing=1.0):
    """The counted bigram model: p(next = j | current = i) = (count(i, j) + smoothing) / (count(i) + V smoothing).

    - inputs, targets: character indices of the same shape (any), targets[k] the character after inputs[k];
      a target of IGNORE (padding) is not counted
    - vocabulary_size: V; smoothing: added to every count (> 0)

    Returns the (V, V) matrix of probabilities, row i the distribution of the character after i.
    """
    check_positive_int("vocabulary_size", vocabulary_size)
    inputs = as_label_array("inputs", inputs, None, vocabulary_size)
    targets = as_label_array("targets", targets, None, vocabulary_size, allow_ignore=True)
    if inputs.shape != targets.shape:
        raise ValueError(f"targets must have the shape of inputs, {inputs.shape}, got {targets.shape}")
    check_number("smoothing", smoothing, 0, low_open=True)
    counted = targets != IGNORE
    counts = np.zeros((vocabulary_size, vocabulary_size))
    np.add.at(counts, (inputs[counted], targets[counted]), 1.0)
    counts += smoothing
    return counts / counts.sum(axis=1, keepdims=True)


def bigram_loss(probabilities, inputs, targets):
    """Held-out loss (nats/char) of a bigram model: the mean of -ln probabilities[input, target].

    - probabilities: (V, V) from ``bigram_counts``
    - inputs, targets: character indices of the same shape; targets of IGNORE are skipped
    """
    probabilities = as_float_array("probabilities", probabilities, 2)
    vocabulary_size = probabilities.shape[0]
    expect_shape("probabilities", probabilities, (vocabulary_size, vocabulary_size))
    if np.any(probabilities <= 0):
        raise ValueError("probabilities must all be above 0 (use smoothing), got zeros or negative entries")
    inputs = as_label_array("inputs", inputs, None, vocabulary_size)
    targets = as_label_array("targets", targets, None, vocabulary_size, allow_ignore=True)
    if inputs.shape != targets.shape:
        raise ValueError(f"targets must have the shape of inputs, {inputs.shape}, got {targets.shape}")
    counted = targets != IGNORE
    return float(-np.mean(np.log(probabilities[inputs[counted], targets[counted]])))
