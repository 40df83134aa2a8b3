"""Notebook 05, the explorer: the value exercise 05.1."""

import numpy as np

from ..explorer import ExplorerConfig, simulate
from .engine import ValueExercise


def _impulse_memory_steps():
    result = simulate(ExplorerConfig(spectral_radius=0.8, signal="impulse", bias=0.0))
    peak = np.abs(result["hidden_states"]).max(axis=1)
    return int(np.argmax(peak < 0.01 * peak[0]))



VALUE_EXERCISES = {
    "05.1": ValueExercise(
        "the first step index t (0-based) at which max |hidden_states[t]| < 1% of max |hidden_states[0]| "
        "(the response to the kick) after an impulse, with "
        "ExplorerConfig(spectral_radius=0.8, signal='impulse')", _impulse_memory_steps, 0,
        (("that counts from 1: the index t counts from 0, as in result['hidden_states'][t]",
          lambda: _impulse_memory_steps() + 1),
         ("that is the last step still above 1%, one before the first step below it",
          lambda: _impulse_memory_steps() - 1))),
}
