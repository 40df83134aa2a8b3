"""The joint norm of a set of gradients, and clipping it, for every cell.

||g|| is the L2 norm of every entry of every gradient at once; clipping scales all gradients
together by min(1, max_norm / ||g||). Finite gradients whose sum of squares overflows float64
(entries beyond about 1e154) are measured by dividing by the largest entry first, so the norm is
right wherever it is representable.

This module sits below every backward pass and the training loop, and imports none of them.
"""

import numpy as np

from ._checks import check_clipping, check_finite_norm, check_grads


def joint_norm(grads):
    """sqrt of the sum of every squared entry of the dict ``grads``.

    No checks: NaN or inf when an entry is, or when the sum of squares overflows (callers test the
    result with np.isfinite; ``gradient_norm`` then rescales).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))


def scaled_to_norm(grads, norm, max_norm):
    """``grads``, whose joint norm is ``norm``, scaled together so that it is at most ``max_norm``.

    No checks: ``norm`` must be the finite joint norm of ``grads``.
    """
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return {name: g * factor for name, g in grads.items()}


def _finite_norm(grads):
    """The joint norm of checked ``grads``; ValueError naming the first array with NaN or inf, or when the norm
    itself is beyond float64's range."""
    norm = joint_norm(grads)
    if np.isfinite(norm):
        return norm
    check_grads(grads)  # raises for the first array with NaN or inf
    # Every entry is finite but the sum of squares overflowed: divide by the largest entry first.
    largest = max(float(np.abs(g).max()) for g in grads.values())
    norm = largest * joint_norm({name: g / largest for name, g in grads.items()})
    check_finite_norm(norm, grads)  # a norm beyond float64's range (about 1.8e308) cannot be returned
    return norm


def gradient_norm(grads):
    """The joint L2 norm of all gradients: sqrt of the sum of every squared entry.

    - grads: dict of finite arrays (any shapes)
    """
    return _finite_norm(check_grads(grads, finite=False))  # finiteness: through the norm


def clip_gradients(grads, max_norm):
    """Scale all gradients together so their joint L2 norm is at most ``max_norm``.

    - grads: dict of finite arrays (any shapes)
    - max_norm: a positive number

    Returns (clipped_grads, norm_before_clipping).
    """
    grads = check_clipping(grads, max_norm, finite=False)  # finiteness: through the norm
    norm = _finite_norm(grads)
    return scaled_to_norm(grads, norm, max_norm), norm
