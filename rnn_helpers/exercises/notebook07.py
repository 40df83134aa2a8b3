"""Notebook 07, training: ``clip_gradients``, ``sgd_momentum_step`` and the value exercise 07.1."""

import numpy as np

from .. import backprop
from ..tasks import running_sign_task
from .engine import Case, Implementation, Mistake, ValueExercise
from .mutants import ref, with_arguments, with_result


def _clipping_cases():
    rng = np.random.RandomState(18)
    grads = {"Wx": rng.randn(4, 3), "Wh": rng.randn(4, 4), "bx": rng.randn(4)}
    return [
        Case("gradients with joint norm above max_norm = 1", (grads, 1.0)),
        Case("gradients with joint norm below max_norm = 100", (grads, 100.0)),
        Case("gradients of other shapes, max_norm = 0.5", ({"a": 3 * rng.randn(2, 5), "b": rng.randn(3)}, 0.5)),
    ]


def _clipped_separately(grads, max_norm):
    clipped = {name: ref.clip_gradients({name: grad}, max_norm)[0][name] for name, grad in grads.items()}
    return clipped, ref.clip_gradients(grads, max_norm)[1]


def _scaled_to_max_norm(grads, max_norm):
    norm = ref.clip_gradients(grads, max_norm)[1]
    return {name: grad * max_norm / norm for name, grad in grads.items()}, norm


CLIPPING_MISTAKES = (
    Mistake("each gradient is clipped on its own: the norm must be the joint norm of all of them",
            "||g|| = sqrt(sum over every entry of every gradient of g^2); scale all gradients by the same factor.",
            _clipped_separately, compare=("clipped_grads",)),
    Mistake("gradients are scaled up to max_norm even when their norm is already below it",
            "The factor is min(1, max_norm / ||g||): small gradients stay as they are.", _scaled_to_max_norm),
    Mistake("the entries are clipped one by one (np.clip) instead of the whole gradient rescaled",
            "Rescale: g * min(1, max_norm / ||g||) keeps the direction.",
            lambda grads, max_norm: ({name: np.clip(grad, -max_norm, max_norm) for name, grad in grads.items()},
                                     ref.clip_gradients(grads, max_norm)[1])),
    Mistake("the returned norm is the norm after clipping; return the norm before",
            "Return the norm measured before scaling.",
            with_result(ref.clip_gradients, lambda result, grads, max_norm:
                         (result[0], min(result[1], max_norm)))),
)


def _momentum_cases():
    rng = np.random.RandomState(19)
    shapes = {"Wx": (4, 3), "bx": (4,)}

    def draw():
        return {name: rng.randn(*shape) for name, shape in shapes.items()}

    return [Case(f"learning_rate={rate}, momentum={momentum}", (draw(), draw(), draw(), rate, momentum))
            for rate, momentum in ((0.1, 0.9), (0.05, 0.5))]


def _torch_convention(params, grads, velocity, learning_rate, momentum):
    new_velocity = {name: momentum * velocity[name] + grads[name] for name in params}
    return {name: params[name] - learning_rate * new_velocity[name] for name in params}, new_velocity


MOMENTUM_MISTAKES = (
    Mistake("the gradient sign is flipped: this climbs the loss", "v <- momentum * v - learning_rate * g.",
            with_arguments(ref.sgd_momentum_step,
                            grads=lambda arguments: {k: -g for k, g in arguments["grads"].items()})),
    Mistake("the velocity is not carried: the step ignores momentum * v",
            "v <- momentum * v - learning_rate * g uses the velocity argument.",
            with_arguments(ref.sgd_momentum_step,
                            velocity=lambda arguments: {k: 0 * v for k, v in arguments["velocity"].items()})),
    Mistake("the parameters move by the old velocity: update v first, then p <- p + v (the new v)",
            "Compute the new velocity first, then add it to the parameters.",
            lambda params, grads, velocity, learning_rate, momentum: (
                {name: params[name] + velocity[name] for name in params},
                ref.sgd_momentum_step(params, grads, velocity, learning_rate, momentum)[1])),
    Mistake("this is PyTorch's form of momentum (v <- momentum * v + g; p <- p - learning_rate * v)",
            "Here the velocity holds the step itself: v <- momentum * v - learning_rate * g; p <- p + v.",
            _torch_convention),
)


IMPLEMENTATIONS = {
    "clip_gradients": Implementation(
        ref.clip_gradients, ("clipped_grads", "norm"), _clipping_cases, CLIPPING_MISTAKES,
        "grads is a dict of arrays of any shapes; return a dict with the same keys and the norm.",
        answers=(backprop.clip_gradients,)),
    "sgd_momentum_step": Implementation(
        ref.sgd_momentum_step, ("new_params", "new_velocity"), _momentum_cases, MOMENTUM_MISTAKES,
        "params, grads and velocity are dicts with the same keys and shapes."),
}


def _running_sign_ones_fraction():
    return float(np.mean(running_sign_task(2000, 50, seed=0)["labels"] == 1))



VALUE_EXERCISES = {
    "07.1": ValueExercise(
        "the fraction of labels equal to 1 in running_sign_task(2000, 50, seed=0)", _running_sign_ones_fraction, 1e-9,
        (("that is a count: divide by the number of labels", lambda: 2000 * 50 * _running_sign_ones_fraction()),)),
}
