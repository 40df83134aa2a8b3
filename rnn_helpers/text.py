"""Text as numbers: reading a text file, its vocabulary, encoding characters as integers and back, one-hot.

A vocabulary is a string of distinct characters in code-point order; character ``vocabulary[k]`` has
the index k. Sizes: T characters, V characters in the vocabulary.
"""

from pathlib import Path

import numpy as np

from ._checks import as_label_array, check_entries, check_positive_int, describe_value


def _check_text(name, text):
    """Raise unless ``text`` is a non-empty str."""
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {describe_value(text)}")
    if not text:
        raise ValueError(f"{name} must not be empty, got ''")


def read_text(path):
    """The contents of the UTF-8 text file at ``path`` (a str or a pathlib.Path), as one str.

    Raises ValueError for a file that is not UTF-8 (naming the byte where decoding failed) or is empty.
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or pathlib.Path, got {describe_value(path)}")
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path must name an existing file, got {str(path)!r}")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"path must name a UTF-8 text file, got {str(path)!r}, whose byte {error.start} "
                         f"({data[error.start:error.start + 1]!r}) is not UTF-8") from None
    _check_text(f"the text of {str(path)!r}", text)
    return text


def build_vocabulary(text):
    """The distinct characters of ``text`` (a non-empty str), in code-point order, as one str of V characters."""
    _check_text("text", text)
    return "".join(sorted(set(text)))


def _check_vocabulary(vocabulary):
    _check_text("vocabulary", vocabulary)
    if len(set(vocabulary)) != len(vocabulary) or list(vocabulary) != sorted(vocabulary):
        raise ValueError(f"vocabulary must hold distinct characters in code-point order (from build_vocabulary), "
                         f"got {describe_value(vocabulary)}")


def _code_points(text):
    """The code points of ``text`` as an array of shape (T,)."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def encode(text, vocabulary):
    """Each character of ``text`` replaced by its index in ``vocabulary``: an int64 array of shape (T,).

    A character that is not in the vocabulary is a ValueError naming it and its position.
    """
    return encode_named("text", text, vocabulary)


def encode_named(name, text, vocabulary):
    """``encode`` for an argument called ``name`` in its callers' errors (e.g. a sampler's prefix)."""
    _check_text(name, text)
    _check_vocabulary(vocabulary)
    known = _code_points(vocabulary)
    codes = _code_points(text)
    indices = np.minimum(np.searchsorted(known, codes), len(known) - 1)
    unknown = np.flatnonzero(known[indices] != codes)
    if unknown.size:
        position = int(unknown[0])
        raise ValueError(f"{name} must use only characters of the vocabulary {vocabulary!r}, got {text[position]!r} "
                         f"at position {position} ({unknown.size} unknown character(s) in all)")
    return indices.astype(np.int64)


def decode(indices, vocabulary):
    """The text whose characters have the indices ``indices`` (integers in [0, V), shape (T,)) in ``vocabulary``."""
    _check_vocabulary(vocabulary)
    indices = as_label_array("indices", indices, 1, len(vocabulary))
    return "".join(vocabulary[index] for index in indices)


def one_hot(indices, size):
    """One-hot vectors: ``indices`` of any shape (...), integers in [0, size), become shape (..., size).

    Row k of ``np.eye(size)`` is the one-hot vector of index k, so ``W @ one_hot(k)`` is column k of W.
    """
    check_positive_int("size", size)
    indices = as_label_array("indices", indices, None, size)
    check_entries("indices.size * size", indices.size * size)
    vectors = np.zeros(indices.shape + (size,))
    np.put_along_axis(vectors, indices[..., None], 1.0, axis=-1)
    return vectors
