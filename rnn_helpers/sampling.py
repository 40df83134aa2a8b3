"""Writing with a trained language model: temperature sampling, greedy decoding, priming with a prefix.

At each step the model's logits y (shape (V,)) give the next character's distribution
p = softmax(y / tau) for a temperature tau > 0: tau = 1 is the model's own distribution, tau < 1 sharpens
it (tau -> 0 is greedy decoding, always the most likely character), tau > 1 flattens it towards uniform.
The character drawn is fed back as the next input, and the hidden state carries on.

A draw uses one uniform number u in [0, 1): the character k with F_{k-1} <= u < F_k, where F is the
cumulative sum of p (inverse-CDF sampling). Passing the uniform numbers in makes a sample reproducible
and lets two implementations be compared draw for draw. Sizes: V characters, H hidden units.
"""

import numpy as np

from ._checks import (
    all_finite,
    as_float_array,
    as_label_array,
    check_number,
    check_positive_int,
    describe_value,
    steps_overflow_as,
)
from .core import make_rng, rnn_step
from .gated import gru_step
from .lm_data import BOUNDARY
from .text import encode_named, one_hot

MAX_SAMPLE_LENGTH = 100_000  # characters per sample: far more than a page; 10**9 is a typo
STEPS = {"rnn": rnn_step, "gru": gru_step}  # one step (x_t, h_prev, params) -> (h_t, y_t) of each cell


def softmax_with_temperature(logits, temperature):
    """p = softmax(logits / temperature) over the last axis: logits (..., V) -> probabilities (..., V).

    The scaled logits are shifted by their maximum before exp, which leaves p unchanged and keeps exp finite
    for any temperature. Logits near float64's limit whose division overflows are shifted first instead
    (a shifted logit overflowing to -inf has probability 0, as its true value rounds to).
    """
    logits = as_float_array("logits", logits, None)
    check_number("temperature", temperature, 0, low_open=True)
    with np.errstate(over="ignore", invalid="ignore"):  # tested just below
        scaled = logits / temperature
        if not all_finite(scaled):  # only for logits near 1e308: the usual numbers stay as they were
            scaled = (logits - logits.max(axis=-1, keepdims=True)) / temperature
    scaled -= scaled.max(axis=-1, keepdims=True)
    probabilities = np.exp(scaled)
    return probabilities / probabilities.sum(axis=-1, keepdims=True)


def sample_next(logits, temperature, uniform):
    """The index of the next character: draw from softmax(logits / temperature) with the uniform number ``uniform``.

    - logits: shape (V,); temperature: > 0; uniform: a number in [0, 1)

    Returns the int k with F_{k-1} <= uniform < F_k, F the cumulative sum of the probabilities.
    """
    check_number("uniform", uniform, 0, 1, high_open=True)
    probabilities = softmax_with_temperature(as_float_array("logits", logits, 1), temperature)
    # Rounding can leave F_V a hair below 1: a uniform number above it takes the last character.
    return int(min(np.searchsorted(np.cumsum(probabilities), uniform, side="right"), len(probabilities) - 1))


def _check_model(params, cell):
    if cell not in STEPS:
        raise ValueError(f"cell must be one of {list(STEPS)}, got {describe_value(cell)}")
    if not isinstance(params, dict) or "Wy" not in params:
        raise TypeError(f"params must be a dict of the cell's parameters with 'Wy', got {describe_value(params)}")
    return as_float_array("params['Wy']", params["Wy"], 2).shape[0]


def read_prefix(params, prefix_indices, cell="rnn"):
    """Run the model over a prefix (priming): the hidden state after it and the logits for the next character.

    - params: the cell's parameters (D = O = V); prefix_indices: character indices, shape (P,), P >= 1
    - cell: "rnn" or "gru"

    Returns (h, logits) of shapes (H,) and (V,).
    """
    vocabulary_size = _check_model(params, cell)
    prefix_indices = as_label_array("prefix_indices", prefix_indices, 1, vocabulary_size)
    step = STEPS[cell]
    h = np.zeros(params["Wh"].shape[1])
    with steps_overflow_as("the logits", params=params):  # a step that overflows float64: named as the model's
        for index in prefix_indices:
            h, logits = step(one_hot(index, vocabulary_size), h, params)
    return h, logits


def sample_indices(params, prefix_indices, uniforms, temperature, cell="rnn"):
    """Sample len(uniforms) characters after a prefix, one draw per uniform number (see ``sample_next``).

    - params: the cell's parameters (D = O = V); prefix_indices: shape (P,), P >= 1
    - uniforms: shape (S,), numbers in [0, 1), one per character to draw; temperature: > 0

    Returns the drawn character indices, an int64 array of shape (S,).
    """
    uniforms = as_float_array("uniforms", uniforms, 1)
    check_positive_int("len(uniforms)", len(uniforms), maximum=MAX_SAMPLE_LENGTH)
    check_number("temperature", temperature, 0, low_open=True)
    if uniforms.min() < 0 or uniforms.max() >= 1:
        raise ValueError(f"uniforms must lie in [0, 1), got values from {uniforms.min()} to {uniforms.max()}")
    h, logits = read_prefix(params, prefix_indices, cell)
    vocabulary_size = len(logits)
    drawn = np.zeros(len(uniforms), dtype=np.int64)
    with steps_overflow_as("the logits", params=params):
        for k, uniform in enumerate(uniforms):
            drawn[k] = sample_next(logits, temperature, uniform)
            h, logits = STEPS[cell](one_hot(drawn[k], vocabulary_size), h, params)  # feed it back, carry the state
    return drawn


def greedy_indices(params, prefix_indices, length, cell="rnn"):
    """The ``length`` most likely characters one after the other (the limit temperature -> 0): shape (length,)."""
    check_positive_int("length", length, maximum=MAX_SAMPLE_LENGTH)
    h, logits = read_prefix(params, prefix_indices, cell)
    vocabulary_size = len(logits)
    chosen = np.zeros(length, dtype=np.int64)
    with steps_overflow_as("the logits", params=params):
        for k in range(length):
            chosen[k] = int(np.argmax(logits))
            h, logits = STEPS[cell](one_hot(chosen[k], vocabulary_size), h, params)
    return chosen


def _check_prefix(prefix, vocabulary):
    if not isinstance(prefix, str) or not prefix:
        raise ValueError(f"prefix must be a non-empty str (the model needs a character to start from), "
                         f"got {describe_value(prefix)}")
    return encode_named("prefix", prefix, vocabulary)  # names an unknown character and its position


def generate(params, vocabulary, prefix, length, temperature, seed=0, cell="rnn"):
    """``length`` characters of new text after ``prefix``, sampled at ``temperature`` (a str of that length).

    - vocabulary: str from ``build_vocabulary``; prefix: a non-empty str of its characters
    - length: 1 .. MAX_SAMPLE_LENGTH; temperature: > 0; seed: seeds the uniform numbers of the draws
    """
    prefix_indices = _check_prefix(prefix, vocabulary)
    check_positive_int("length", length, maximum=MAX_SAMPLE_LENGTH)
    uniforms = make_rng(seed).uniform(size=length)
    return "".join(vocabulary[k] for k in sample_indices(params, prefix_indices, uniforms, temperature, cell))


def generate_greedy(params, vocabulary, prefix, length, cell="rnn"):
    """``length`` characters after ``prefix``, each the most likely one (greedy decoding), as a str."""
    prefix_indices = _check_prefix(prefix, vocabulary)
    return "".join(vocabulary[k] for k in greedy_indices(params, prefix_indices, length, cell))


def next_character_distribution(params, vocabulary, prefix, temperature, cell="rnn"):
    """The distribution of the character after ``prefix`` at ``temperature``: probabilities of shape (V,)."""
    prefix_indices = _check_prefix(prefix, vocabulary)
    return softmax_with_temperature(read_prefix(params, prefix_indices, cell)[1], temperature)


def generate_names(params, vocabulary, count, temperature, seed=0, cell="rnn", max_length=30):
    """``count`` new names: each sampled after the boundary symbol until the model writes it again.

    - vocabulary: str containing BOUNDARY; count: how many names; temperature: > 0
    - max_length: a name that has not ended after this many characters is cut there

    Returns a list of ``count`` str (a name can be empty if the model ends it at once).
    """
    _check_prefix(BOUNDARY, vocabulary)
    check_positive_int("count", count, maximum=MAX_SAMPLE_LENGTH)
    check_positive_int("max_length", max_length, maximum=MAX_SAMPLE_LENGTH)
    check_number("temperature", temperature, 0, low_open=True)
    vocabulary_size = _check_model(params, cell)
    boundary = vocabulary.index(BOUNDARY)
    start = read_prefix(params, np.array([boundary]), cell)
    rng = make_rng(seed)
    names = []
    with steps_overflow_as("the logits", params=params):
        for _ in range(count):
            h, logits = start
            name = []
            for _ in range(max_length):
                index = sample_next(logits, temperature, rng.uniform())
                if index == boundary:
                    break
                name.append(vocabulary[index])
                h, logits = STEPS[cell](one_hot(index, vocabulary_size), h, params)
            names.append("".join(name))
    return names
