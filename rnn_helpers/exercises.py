"""Self-check exercises: ``check_answer("02.1", your_answer)`` says "Correct" or what is off.

The expected answers are computed from the helpers, never stored as literals, so they can
never drift from what the notebooks teach.
"""

import numpy as np

from .backprop import rnn_backward
from .core import init_params, original_example, predict, rnn_forward, rnn_step, saturated_fraction
from .explorer import ExplorerConfig, simulate
from .tasks import running_sign_task


def _original():
    return original_example(seed=0)


def _step_from_ones():
    example = _original()
    return rnn_step(np.ones(3), np.zeros(4), example["params"])[0]


def _first_preactivation():
    example = _original()
    params = example["params"]
    return params["Wx"] @ example["inputs"][0] + params["bx"]


def _reversed_final_state():
    example = _original()
    return rnn_forward(example["inputs"][::-1], example["params"])[0][-1]


def _last_output_from_ones():
    example = _original()
    return rnn_forward(example["inputs"], example["params"], h0=np.ones(4))[1][-1]


def _original_saturation():
    example = _original()
    return saturated_fraction(rnn_forward(example["inputs"], example["params"])[0])


def _always_zero_accuracy():
    return float(np.mean(_original()["labels"] == 0))


def _flipped_prediction_accuracy():
    example = _original()
    predicted = 1 - predict(rnn_forward(example["inputs"], example["params"])[1])
    return float(np.mean(predicted == example["labels"]))


def _impulse_memory_steps():
    result = simulate(ExplorerConfig(spectral_radius=0.5, signal="impulse", bias=0.0))
    peak = np.abs(result["hidden_states"]).max(axis=1)
    return int(np.argmax(peak < 0.01 * peak[0]))


def _original_gradients():
    example = _original()
    return rnn_backward(example["inputs"], example["labels"], example["params"])[1]


def _running_sign_ones_fraction():
    return float(np.mean(running_sign_task(2000, 50, seed=0)["labels"] == 1))


def _original_Wh_norm():
    return float(np.linalg.norm(init_params(3, 4, 2, seed=0)["Wh"], 2))


# name -> (what the exercise asks, function computing the expected answer, tolerance)
EXERCISES = {
    "01.1": ("h_1 when x = np.ones(3) and h_0 = 0, with the original weights", _step_from_ones, 1e-8),
    "01.2": ("the shape of Wh for input size 3 and hidden size 7, as a tuple", lambda: (7, 7), 0),
    "01.3": ("the pre-activation a_1 (before tanh) of the original first step", _first_preactivation, 1e-8),
    "02.1": ("the final hidden state when the original inputs are fed in reverse order", _reversed_final_state, 1e-8),
    "02.2": ("the output y_5 when the original RNN starts from h_0 = np.ones(4)", _last_output_from_ones, 1e-8),
    "03.1": ("the fraction of the original 5 x 4 hidden activations with |h| > 0.95", _original_saturation, 1e-9),
    "04.1": ("the accuracy of always predicting class 0 on the original labels", _always_zero_accuracy, 1e-9),
    "04.2": ("the accuracy of the flipped predictions (1 - predicted) on the original labels",
             _flipped_prediction_accuracy, 1e-9),
    "05.1": ("the first step index t (0-based) at which max |h_t| < 1% of max |h_0| after an impulse, with "
             "ExplorerConfig(spectral_radius=0.5, signal='impulse')", _impulse_memory_steps, 0),
    "06.1": ("dL/dby for the original example (mean loss over its 5 steps)", lambda: _original_gradients()["by"], 1e-8),
    "06.2": ("dL/dWh[0, 0] for the original example, by central differences", lambda: _original_gradients()["Wh"][0, 0],
             1e-6),
    "07.1": ("the fraction of labels equal to 1 in running_sign_task(2000, 50, seed=0)", _running_sign_ones_fraction,
             1e-9),
    "08.1": ("the largest singular value of the original Wh (init_params(3, 4, 2, seed=0))", _original_Wh_norm, 1e-8),
}


def judge(name, answer):
    """Compare ``answer`` to exercise ``name``'s expected answer.

    Returns (is_correct, message): the message says what is off (missing answer, wrong type or
    shape, largest difference and where) so a student knows what to look at.
    """
    if name not in EXERCISES:
        raise ValueError(f"unknown exercise {name!r}; known exercises: {sorted(EXERCISES)}")
    question, expected_answer, tolerance = EXERCISES[name]
    expected = expected_answer()
    if answer is None:
        return False, f"Exercise {name}: no answer yet. Replace None with {question}."
    if isinstance(expected, tuple):
        if isinstance(answer, (tuple, list)) and tuple(answer) == expected:
            return True, f"Exercise {name}: correct!"
        return False, (
            f"Exercise {name}: expected a tuple of {len(expected)} sizes, got {answer!r}. Hint: rows come first."
        )
    answer = np.asarray(answer)
    expected = np.asarray(expected)
    if not np.issubdtype(answer.dtype, np.number):
        return False, f"Exercise {name}: expected a number or array of numbers, got {answer.dtype} values."
    if answer.shape != expected.shape:
        return False, f"Exercise {name}: expected shape {expected.shape}, got shape {answer.shape}."
    difference = np.abs(answer.astype(float) - expected)
    if np.all(difference <= tolerance):
        return True, f"Exercise {name}: correct!"
    worst = np.unravel_index(np.argmax(difference), difference.shape) if difference.ndim else ()
    where = f" at index {tuple(int(i) for i in worst)}" if worst else ""
    return False, (
        f"Exercise {name}: not quite. The largest difference from the expected answer is "
        f"{difference.max():.3g}{where}. Check: {question}."
    )


def check_answer(name, answer):
    """Print whether ``answer`` solves exercise ``name`` (see ``EXERCISES``)."""
    print(judge(name, answer)[1])
