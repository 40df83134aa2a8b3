"""Notebook 08, vanishing gradients: the value exercise 08.1."""

import numpy as np

from ..core import init_params
from .engine import ValueExercise


def _original_Wh():
    return init_params(3, 4, 2, seed=0)["Wh"]



VALUE_EXERCISES = {
    "08.1": ValueExercise(
        "the largest singular value of the original Wh (init_params(3, 4, 2, seed=0))",
        lambda: float(np.linalg.norm(_original_Wh(), 2)), 1e-8,
        (("that is the spectral radius (largest |eigenvalue|), not the largest singular value",
          lambda: float(np.max(np.abs(np.linalg.eigvals(_original_Wh()))))),
         ("that is the Frobenius norm: the largest singular value is np.linalg.norm(Wh, 2)",
          lambda: float(np.linalg.norm(_original_Wh()))))),
}
