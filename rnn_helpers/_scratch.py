"""Scratch arrays that the fast backward passes reuse from one call to the next."""

import threading

import numpy as np

_scratch = threading.local()


def scratch_array(name, shape):
    """A float64 array that a backward pass reuses from one call to the next for its intermediates.

    A fresh multi-megabyte array costs a page fault for every 4 KiB the first time it is written,
    about a third of a backward pass at typical training sizes; reusing the previous call's array
    when the shape matches avoids that. These arrays never leave the backward pass that asked for
    them (each uses its own ``name``), and each thread has its own, so callers never share one.
    """
    array = getattr(_scratch, name, None)
    if array is None or array.shape != shape:
        array = np.empty(shape)
        setattr(_scratch, name, array)
    return array
