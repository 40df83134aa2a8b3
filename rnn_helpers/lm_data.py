"""Training data for a character-level language model: splits, padded batches of names, chunks of a long text.

The model reads character x_t and predicts the next one, so the targets are the inputs shifted by one:
inputs c_1 .. c_T, targets c_2 .. c_{T+1}. Sizes: N sequences (names or streams), T steps, L characters
per stream. Inputs and targets are character indices (see ``rnn_helpers.text``); IGNORE (-1) marks a
target the loss skips (the padding after a short name).
"""

import numpy as np

from ._checks import IGNORE, as_label_array, check_number, check_positive_int, describe_value
from .core import make_rng
from .text import encode_named

BOUNDARY = "."  # the start-and-end symbol of a name: ".emma" is read, "emma." predicted


def split_text(indices, held_out_fraction=0.1):
    """Split an encoded text (shape (T,)) into (train, held_out): the last ``held_out_fraction`` is held out.

    The held-out part is a later stretch of the same text, never seen in training. Both parts need at
    least two characters (one input and its target).
    """
    indices = as_label_array("indices", indices, 1)
    check_number("held_out_fraction", held_out_fraction, 0, 1, low_open=True, high_open=True)
    cut = len(indices) - int(round(len(indices) * held_out_fraction))
    if cut < 2 or len(indices) - cut < 2:
        raise ValueError(f"held_out_fraction must leave at least 2 characters on each side of the split of "
                         f"{len(indices)}, got {held_out_fraction}")
    return indices[:cut], indices[cut:]


def _check_names(names):
    if not isinstance(names, (list, tuple)) or not names:
        raise TypeError(f"names must be a non-empty list of str, got {describe_value(names)}")
    for position, name in enumerate(names):
        if not isinstance(name, str) or not name:
            raise ValueError(f"names must hold non-empty strings, got {describe_value(name)} at position {position}")
        if BOUNDARY in name:
            raise ValueError(f"names must not contain the boundary symbol {BOUNDARY!r}, got {name!r} at "
                             f"position {position}")


def split_names(names, held_out_fraction=0.1, seed=0):
    """Shuffle a list of names with ``seed``, then split it into (train, held_out) lists.

    Shuffling first matters when the list is sorted (names.txt is sorted by popularity: its tail is rare names).
    """
    _check_names(names)
    check_number("held_out_fraction", held_out_fraction, 0, 1, low_open=True, high_open=True)
    num_held_out = int(round(len(names) * held_out_fraction))
    if not 0 < num_held_out < len(names):
        raise ValueError(f"held_out_fraction must leave at least one name on each side of the split of "
                         f"{len(names)}, got {held_out_fraction}")
    order = make_rng(seed).permutation(len(names))
    shuffled = [names[k] for k in order]
    return shuffled[: len(names) - num_held_out], shuffled[len(names) - num_held_out :]


def name_batch(names, vocabulary):
    """Inputs and targets for a batch of names, padded to the longest, with the padding masked.

    Each name is read after the boundary symbol and predicts it at its end: "emma" gives the inputs
    ". e m m a" and the targets "e m m a .". Shorter names are padded: inputs with the boundary's index,
    targets with IGNORE, so the loss skips them.

    - names: list of N non-empty str (without the boundary symbol)
    - vocabulary: str, from ``build_vocabulary``, containing BOUNDARY

    Returns (inputs, targets), int64 arrays of shape (N, T) with T = 1 + the longest name's length.
    """
    _check_names(names)
    if not isinstance(vocabulary, str) or BOUNDARY not in vocabulary:
        raise ValueError(f"vocabulary must be a str containing the boundary symbol {BOUNDARY!r}, "
                         f"got {describe_value(vocabulary)}")
    length = 1 + max(len(name) for name in names)
    boundary = vocabulary.index(BOUNDARY)
    inputs = np.full((len(names), length), boundary, dtype=np.int64)
    targets = np.full((len(names), length), IGNORE, dtype=np.int64)
    for row, name in enumerate(names):
        encoded = encode_named(f"names[{row}]", BOUNDARY + name + BOUNDARY, vocabulary)
        inputs[row, : len(name) + 1] = encoded[:-1]
        targets[row, : len(name) + 1] = encoded[1:]
    return inputs, targets


def batch_rows(inputs, targets, rows):
    """Rows ``rows`` of a padded batch, trimmed to the longest name among them.

    ``batch_rows(*name_batch(names, vocabulary), rows)`` equals ``name_batch([names[r] for r in rows],
    vocabulary)``, without encoding the names again: training encodes its names once and draws each
    step's batch from them with this (no checks: the training loop builds the arguments).

    - inputs, targets: int arrays of shape (N, T), from ``name_batch``
    - rows: int array of shape (B,), indices into the N names

    Returns (inputs, targets) of shape (B, T_b), T_b = 1 + the longest of the B names.
    """
    chosen_targets = targets[rows]
    length = int((chosen_targets != IGNORE).sum(axis=1).max())
    return inputs[rows, :length], chosen_targets[:, :length]


def text_streams(indices, num_streams):
    """Cut an encoded text (shape (T,)) into ``num_streams`` contiguous streams of equal length, shape (N, L).

    Stream n is characters n*L .. (n+1)*L - 1, with L = T // N; the last T - N*L characters (fewer than N)
    are left out. A batch of streams trains on N places of the text at once, each read in order.
    """
    indices = as_label_array("indices", indices, 1)
    check_positive_int("num_streams", num_streams)
    length = len(indices) // num_streams
    if length < 2:
        raise ValueError(f"num_streams must leave at least 2 characters per stream of the {len(indices)} "
                         f"characters, got {num_streams}")
    return indices[: num_streams * length].reshape(num_streams, length)


def text_chunks(streams, chunk_length):
    """The chunks for truncated BPTT: consecutive (inputs, targets) pairs that cover every stream in order.

    Chunk k reads characters k*T' .. k*T' + T' - 1 of each stream (T' = ``chunk_length``) and predicts the
    characters one later. The last chunk is shorter when the L - 1 inputs do not divide by T': no
    character is left out.

    - streams: int array of shape (N, L), from ``text_streams``
    - chunk_length: T', at most L - 1

    Returns a list of (inputs, targets) pairs, each of shape (N, T') (the last one (N, (L - 1) mod T') if
    that is not zero).
    """
    streams = as_label_array("streams", streams, 2)
    check_positive_int("chunk_length", chunk_length)
    if chunk_length > streams.shape[1] - 1:
        raise ValueError(f"chunk_length must be at most the streams' length - 1 ({streams.shape[1] - 1}): "
                         f"a chunk needs a target after each input, got {chunk_length}")
    last_input = streams.shape[1] - 1  # the last character is only ever a target
    return [(streams[:, start : min(start + chunk_length, last_input)],
             streams[:, start + 1 : start + 1 + chunk_length]) for start in range(0, last_input, chunk_length)]
