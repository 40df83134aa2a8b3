"""Notebook 03, hidden trajectories: the value exercise 03.1."""

from ..core import original_example, rnn_forward, saturated_fraction
from .engine import ValueExercise


def _original():
    return original_example(seed=0)


def _original_saturation():
    example = _original()
    return saturated_fraction(rnn_forward(example["inputs"], example["params"])[0])



VALUE_EXERCISES = {
    "03.1": ValueExercise(
        "the fraction of the original 5 x 4 hidden activations with |h| > 0.95", _original_saturation, 1e-9,
        (("that is a count: divide by the 20 activations", lambda: 20 * _original_saturation()),)),
}
