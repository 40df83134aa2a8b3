"""rnn_helpers: the small NumPy package behind the rnn-notebooks.

``import rnn_helpers`` loads only NumPy. Plotting lives in ``rnn_helpers.plots`` and the
interactive explorer in ``rnn_helpers.explorer``; import those where you need them.
"""

from .core import (
    accuracy,
    init_params,
    make_rng,
    original_example,
    predict,
    project_2d,
    random_inputs,
    random_labels,
    rnn_forward,
    rnn_forward_batch,
    rnn_step,
    saturated_fraction,
    spectral_radius,
)

__all__ = [
    "accuracy",
    "init_params",
    "make_rng",
    "original_example",
    "predict",
    "project_2d",
    "random_inputs",
    "random_labels",
    "rnn_forward",
    "rnn_forward_batch",
    "rnn_step",
    "saturated_fraction",
    "spectral_radius",
]
