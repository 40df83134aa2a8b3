"""Notebook 04, accuracy: ``predict`` and ``accuracy``, and the value exercises 04.x."""

import numpy as np

from ..core import accuracy, original_example, predict, rnn_forward
from .engine import Case, Implementation, Mistake, ValueExercise


def _prediction_cases():
    example = original_example(seed=0)
    rng = np.random.RandomState(13)
    return [
        Case("the original example's outputs, shape (5, 2)", (rnn_forward(example["inputs"], example["params"])[1],)),
        Case("outputs of shape (7, 3)", (rng.randn(7, 3),)),
        Case("a batch of outputs, shape (4, 6, 3)", (rng.randn(4, 6, 3),), batch=True),
    ]


def _accuracy_cases():
    example = original_example(seed=0)
    predicted = predict(rnn_forward(example["inputs"], example["params"])[1])
    rng = np.random.RandomState(14)
    return [
        Case("the original predictions and labels", (predicted, example["labels"])),
        Case("8 predictions of 3 classes", (rng.randint(0, 3, 8), rng.randint(0, 3, 8))),
        Case("a batch of labels, shape (4, 6)", (rng.randint(0, 3, (4, 6)), rng.randint(0, 3, (4, 6))), batch=True),
    ]


PREDICT_MISTAKES = (
    Mistake("the argmax runs over the time axis instead of the classes",
            "The classes are the last axis: np.argmax(outputs, axis=-1).",
            lambda outputs: np.argmax(outputs, axis=-2)),
    Mistake("the argmax has no axis, so it indexes the flattened array",
            "Give the axis of the classes: np.argmax(outputs, axis=-1).", lambda outputs: np.argmax(outputs)),
    Mistake("you return the largest score, not its index", "np.argmax gives the index (the class), np.max the value.",
            lambda outputs: np.max(outputs, axis=-1)),
)

ACCURACY_MISTAKES = (
    Mistake("you return a percentage instead of a fraction", "Return a fraction between 0 and 1: 40% is 0.4.",
            lambda predicted, true: 100 * accuracy(predicted, true)),
    Mistake("you return the number of correct predictions, not the fraction",
            "Divide by the number of labels (np.mean of the comparison does both).",
            lambda predicted, true: float(np.sum(np.asarray(predicted) == np.asarray(true)))),
    Mistake("you return the fraction of wrong predictions", "Count where predicted == true.",
            lambda predicted, true: 1 - accuracy(predicted, true)),
)



IMPLEMENTATIONS = {
    "predict": Implementation(predict, ("predicted_labels",), _prediction_cases, PREDICT_MISTAKES,
                              "outputs has shape (T, O) or (N, T, O): the classes are the last axis."),
    "accuracy": Implementation(accuracy, ("accuracy",), _accuracy_cases, ACCURACY_MISTAKES,
                               "Both label arrays have the same shape, (T,) or (N, T)."),
}


def _original():
    return original_example(seed=0)


def _always_zero_accuracy():
    return float(np.mean(_original()["labels"] == 0))


def _original_predictions():
    example = _original()
    return predict(rnn_forward(example["inputs"], example["params"])[1])


def _flipped_prediction_accuracy():
    return float(np.mean(1 - _original_predictions() == _original()["labels"]))



VALUE_EXERCISES = {
    "04.1": ValueExercise(
        "the accuracy of always predicting class 0 on the original labels", _always_zero_accuracy, 1e-9,
        (("that is the number of steps predicted right: divide by the 5 steps", lambda: 5 * _always_zero_accuracy()),
         ("that is the accuracy of always predicting class 1, and also the original RNN's accuracy: the rule "
          "predicts class 0 at every step", lambda: 1 - _always_zero_accuracy()))),
    "04.2": ValueExercise(
        "the accuracy of the flipped predictions (1 - predicted) on the original labels",
        _flipped_prediction_accuracy, 1e-9,
        (("that is the number of steps predicted right: divide by the 5 steps",
          lambda: 5 * _flipped_prediction_accuracy()),
         ("that is the accuracy of the original predictions: flip them first", lambda: 1 - _flipped_prediction_accuracy(
         )))),
}
