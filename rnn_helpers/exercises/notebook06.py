"""Notebook 06, backpropagation through time: the loss, one backward step, BPTT, and 06.x."""

import numpy as np

from .. import backprop
from ..core import original_example, rnn_forward
from .engine import Case, Implementation, Mistake, ValueExercise
from .mutants import (
    RNN_SHAPES,
    negated,
    original_second_step,
    pre_activation,
    random_params,
    ref,
    with_arguments,
    with_param,
    with_piece,
    with_result,
)


def _loss_cases():
    example = original_example(seed=0)
    rng = np.random.RandomState(15)
    return [
        Case("the original example's outputs and labels", (rnn_forward(example["inputs"], example["params"])[1],
                                                           example["labels"])),
        Case("scores of shape (6, 3)", (2 * rng.randn(6, 3), rng.randint(0, 3, 6))),
        Case("a batch of scores, shape (4, 5, 3)", (2 * rng.randn(4, 5, 3), rng.randint(0, 3, (4, 5))), batch=True),
        Case("large scores (about 800, so exp() overflows without the max shift)",
             (800 + rng.randn(4, 3), rng.randint(0, 3, 4))),
    ]


def _rescaled_loss(divisor):
    """The summed loss and gradient divided by ``divisor(outputs, labels)`` instead of the count of steps."""

    def mutant(outputs, labels, reduction="mean"):  # reduction: ignored, the mistake decides
        loss, d_outputs = ref.softmax_cross_entropy(outputs, labels, reduction="sum")
        return loss / divisor(outputs), d_outputs / divisor(outputs)

    return mutant


def _loss_without_max_shift(outputs, labels, reduction="mean"):
    """exp() of the raw scores: inf for scores above ~709, and then inf / inf = NaN.

    A step whose exp() overflows gets NaN for its whole gradient row, and the loss is NaN; the other
    steps are unchanged (without an overflow the shift changes nothing). The reference refuses NaN
    scores, so the NaN is put into its result.
    """
    loss, d_outputs = ref.softmax_cross_entropy(outputs, labels, reduction)
    with np.errstate(over="ignore"):
        overflows = np.isinf(np.exp(outputs)).any(axis=-1)
    d_outputs[overflows] = np.nan
    return (np.nan if overflows.any() else loss), d_outputs


def _mean_loss_summed_gradient(outputs, labels, reduction="mean"):  # reduction: ignored, the mistake decides
    return ref.softmax_cross_entropy(outputs, labels)[0], ref.softmax_cross_entropy(
        outputs, labels, reduction="sum")[1]


def _softmax_loss(outputs, labels, reduction="mean", max_axis=-1, sum_axis=-1):
    """Softmax cross-entropy with the max shift or the normalising sum taken over ``max_axis`` / ``sum_axis``."""
    shifted = outputs - outputs.max(axis=max_axis, keepdims=True)
    probabilities = np.exp(shifted) / np.exp(shifted).sum(axis=sum_axis, keepdims=True)
    one_hot = np.eye(outputs.shape[-1])[labels]
    count = labels.size if reduction == "mean" else 1
    return float(-np.sum(one_hot * np.log(probabilities)) / count), (probabilities - one_hot) / count


LOSS_MISTAKES = (
    Mistake("the max shift is taken over the wrong axis (over the steps, not over each step's classes)",
            "Subtract each step's own maximum: outputs.max(axis=-1, keepdims=True).",
            lambda outputs, labels, reduction="mean": _softmax_loss(outputs, labels, reduction, max_axis=-2)),
    Mistake("softmax sums over the wrong axis: each step's probabilities must sum to 1 over the classes",
            "Normalise over the classes: np.exp(s) / np.exp(s).sum(axis=-1, keepdims=True).",
            lambda outputs, labels, reduction="mean": _softmax_loss(outputs, labels, reduction, sum_axis=-2)),
    Mistake("softmax sums over every entry (no axis): each step's probabilities must sum to 1 over the classes",
            "Normalise over the classes: np.exp(s) / np.exp(s).sum(axis=-1, keepdims=True).",
            lambda outputs, labels, reduction="mean": _softmax_loss(outputs, labels, reduction, sum_axis=None)),
    Mistake("the loss is summed over the steps instead of averaged",
            "L is the mean over the labelled steps: divide the loss and its gradient by their count.",
            with_arguments(ref.softmax_cross_entropy, reduction=lambda arguments: "sum")),
    Mistake("the loss is averaged, but its gradient is not", "dL/dy = (p - onehot(c)) / count: divide it too.",
            _mean_loss_summed_gradient),
    Mistake("the loss is averaged over the wrong count: over every score (steps x classes), not over the steps",
            "Divide by the number of steps (np.mean over a (T, O) array divides by T * O).",
            _rescaled_loss(lambda outputs: outputs[..., 0].size * outputs.shape[-1])),
    Mistake("the loss is averaged over the wrong count: over the batch only (N), not over all N * T steps",
            "Divide by the number of labelled steps in the whole batch.", _rescaled_loss(lambda outputs: len(outputs))),
    Mistake("the loss is averaged over the wrong count: over the sequence length only (T), not over all N * T steps",
            "Divide by the number of labelled steps in the whole batch.",
            _rescaled_loss(lambda outputs: outputs.shape[-2])),
    Mistake("softmax overflows: exp() of large scores is inf, and inf / inf is NaN (the max shift is missing)",
            "Subtract each row's maximum before exp(): y - y.max(axis=-1, keepdims=True). Softmax is unchanged.",
            _loss_without_max_shift),
    Mistake("the sign of the gradient is flipped", "dL/dy = p - onehot(c), not onehot(c) - p.",
            with_result(ref.softmax_cross_entropy, lambda result, *arguments: (result[0], -result[1]))),
    Mistake("the sign of the loss is flipped", "L = -mean log p[c]: a loss is positive.",
            with_result(ref.softmax_cross_entropy, lambda result, *arguments: (-result[0], result[1]))),
)


def _step_backward_cases():
    """Arguments of one backward step, made consistent by a forward step: h_t = tanh(a_t)."""
    example = original_example(seed=0)
    x_t, h_prev, params = original_second_step()
    hidden_states, outputs = rnn_forward(example["inputs"], params)
    _, d_outputs = ref.softmax_cross_entropy(outputs, example["labels"])
    cases = [Case("the original example's second step", (d_outputs[1], 0.1 * np.ones(4), x_t, h_prev,
                                                           hidden_states[1], params))]
    rng = np.random.RandomState(16)
    params = random_params(rng, 2, 5, 3)
    for leading, label, batch in (((), "one step with D=2, H=5, O=3", False), ((4,), "a batch of 4", True)):
        x_t, h_prev = rng.randn(*leading, 2), 0.5 * rng.randn(*leading, 5)
        h_t = ref.rnn_step_forward(x_t, h_prev, params)[0]
        cases.append(Case(label, (rng.randn(*leading, 3), rng.randn(*leading, 5), x_t, h_prev, h_t, params), batch))
    return cases


def _backward_step_with(**changes):
    """The reference backward step with some arguments replaced on the way to delta_t only.

    The output layer's gradients (dWy, dby) are taken from the correct step: a mistake in the tanh
    slope or in the gradient from step t+1 does not reach them.
    """
    mistaken = with_arguments(ref.rnn_step_backward, **changes)

    def mutant(*arguments):
        d_h_prev, grads = mistaken(*arguments)
        correct = ref.rnn_step_backward(*arguments)[1]
        return d_h_prev, {**grads, "Wy": correct["Wy"], "by": correct["by"]}

    return mutant


def _slope_from(state):
    """A change of h_t inside the tanh slope 1 - h_t^2, e.g. to a_t: the slope computed from the wrong thing."""
    return {"h_t": state}


def _recomputed_pre_activation(arguments):
    return pre_activation(arguments["x_t"], arguments["h_prev"], arguments["params"])


def _gradient_transposed(name):
    return with_result(ref.rnn_step_backward, lambda result, *arguments:
                        (result[0], {**result[1], name: result[1][name].T}))


SLOPE_MISTAKES = (
    ("the tanh derivative is 1 - a_t^2: it must be 1 - h_t^2, with h_t = tanh(a_t)",
     "tanh'(a) = 1 - tanh(a)^2 = 1 - h_t^2: use the state h_t, not the pre-activation.",
     _backward_step_with(**_slope_from(_recomputed_pre_activation))),
    ("the tanh derivative is missing", "delta_t = dh_t * (1 - h_t^2): the gradient passes through tanh.",
     _backward_step_with(**_slope_from(lambda arguments: np.zeros_like(arguments["h_t"])))),
    ("the tanh derivative is 1 - tanh(h_t)^2: tanh applied once too often",
     "h_t is already tanh(a_t): the slope is 1 - h_t**2.",
     _backward_step_with(**_slope_from(lambda arguments: np.tanh(arguments["h_t"])))),
    ("h_{t-1} and h_t are mixed up in the tanh derivative (off by one in time)",
     "The slope of step t is 1 - h_t^2, from the state this step computed.",
     _backward_step_with(**_slope_from(lambda arguments: arguments["h_prev"]))),
    ("h_{t-1} and h_t are mixed up in dW_h (off by one in time)",
     "dW_h = delta_t h_{t-1}^T: W_h multiplied the previous state.",
     _backward_step_with(h_prev=lambda arguments: arguments["h_t"])),
    ("W_h is used transposed in the gradient to h_{t-1}",
     "dh_{t-1} = W_h^T delta_t: in row form delta_t @ Wh (no .T).",
     _backward_step_with(**with_param("Wh", np.transpose))),
    ("the gradient from step t+1 is not carried: dh_t must add what reaches h_t from the next step (in BPTT: "
     "d_h_next is not updated in the loop, it stays zero)",
     "dh_t = W_y^T dy_t + (gradient from step t+1), the d_h_next argument; in the loop over t, the d_h_prev a step "
     "returns is the next step's d_h_next.",
     _backward_step_with(d_h_next=lambda arguments: np.zeros_like(arguments["d_h_next"]))),
    ("the gradient through the output y_t is missing from dh_t", "dh_t = W_y^T dy_t + (gradient from step t+1).",
     _backward_step_with(d_y_t=lambda arguments: np.zeros_like(arguments["d_y_t"]))),
    ("the gradient sign is flipped", "Gradients add up the chain rule's factors as they are; no minus sign.",
     with_result(ref.rnn_step_backward, negated)),
)

STEP_BACKWARD_MISTAKES = tuple(Mistake(*row) for row in SLOPE_MISTAKES) + tuple(
    Mistake(f"d{name} is transposed", f"A weight gradient has the weight's shape: dW = (gradient at its output) "
            f"(its input)^T, so d{name} has the shape of {name}.", _gradient_transposed(name))
    for name in ("Wx", "Wh", "Wy"))


def _backward_cases():
    example = original_example(seed=0)
    rng = np.random.RandomState(17)
    params = random_params(rng, 2, 5, 3)
    return [
        Case("the original example", (example["inputs"], example["labels"], example["params"], np.zeros(4))),
        Case("one sequence with T=6, D=2, H=5, O=3 and h0 not zero",
             (rng.randn(6, 2), rng.randint(0, 3, 6), params, 0.5 * rng.randn(5))),
        Case("a batch of 3 sequences, shape (3, 6, 2)",
             (rng.randn(3, 6, 2), rng.randint(0, 3, (3, 6)), params, 0.5 * rng.randn(3, 5)), batch=True),
    ]


def _bptt(inputs, labels, params, h0, accumulate=True, wrap=False, skip_first=False, use_h0=True):
    """BPTT from the reference's pieces, with one of the loop's usual mistakes switched on.

    accumulate=False keeps only the last step visited (t = 0) instead of adding every step's share;
    wrap=True takes h_{t-1} as hidden_states[t - 1] at t = 0 too, which is h_T (index -1);
    skip_first=True stops the loop before t = 0; use_h0=False runs from zeros whatever h0 is.
    """
    start = h0 if use_h0 else np.zeros_like(h0)
    hidden_states, outputs = ref.rnn_forward(inputs, params, start)
    loss, d_outputs = ref.softmax_cross_entropy(outputs, labels)
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    d_h_next = np.zeros_like(start)
    for t in reversed(range(1 if skip_first else 0, inputs.shape[-2])):
        h_prev = hidden_states[..., t - 1, :] if (t > 0 or wrap) else start
        d_h_next, step_grads = ref.rnn_step_backward(d_outputs[..., t, :], d_h_next, inputs[..., t, :], h_prev,
                                                     hidden_states[..., t, :], params)
        for name, step_grad in step_grads.items():
            grads[name] = grads[name] + step_grad if accumulate else step_grad
    grads["h0"] = d_h_next
    return loss, grads


LOOP_MISTAKES = (
    Mistake("the gradients are not accumulated over time: only one step's share is kept (grads[name] = ... "
            "instead of +=)", "W_x, W_h, b_x, W_y and b_y are used at every step: add every step's share, "
            "grads[name] += step_grads[name].", lambda *arguments: _bptt(*arguments, accumulate=False)),
    Mistake("at t = 0, h_{t-1} is hidden_states[-1] = h_T (index t - 1 wraps around): it must be h0",
            "Take h_prev = hidden_states[..., t - 1, :] if t > 0 else h0.", lambda *arguments: _bptt(*arguments,
                                                                                                    wrap=True)),
    Mistake("the first step (t = 0) is skipped: the loop stops at t = 1",
            "Run t over reversed(range(T)), which ends at 0 (range(T - 1, 0, -1) stops before it).",
            lambda *arguments: _bptt(*arguments, skip_first=True)),
    Mistake("h0 is not used: the forward pass starts from zeros", "Run the forward pass from the h0 argument "
            "(zeros only when h0 is None), and use h0 as h_{t-1} at t = 0.",
            lambda *arguments: _bptt(*arguments, use_h0=False)),
)

BACKWARD_MISTAKES = LOOP_MISTAKES + tuple(
    Mistake(what, where, with_piece(ref.rnn_backward, "rnn_step_backward", step_mutant))
    for what, where, step_mutant in SLOPE_MISTAKES[:-1]
) + tuple(
    Mistake(mistake.what, mistake.where, with_piece(ref.rnn_backward, "softmax_cross_entropy", mistake.mutant))
    for mistake in LOSS_MISTAKES[:8]
) + (
    Mistake("the gradient sign is flipped", "Gradients follow the chain rule as it is; no minus sign.",
            with_result(ref.rnn_backward, lambda result, *arguments: (result[0], negated(result[1])))),
)



IMPLEMENTATIONS = {
    "softmax_cross_entropy": Implementation(
        ref.softmax_cross_entropy, ("loss", "d_outputs"), _loss_cases, LOSS_MISTAKES,
        "outputs is (T, O) or (N, T, O) and labels (T,) or (N, T): reduce over the classes with axis=-1 and "
        "keepdims=True, and pick each step's true class with the labels.",
        "Reduce over the classes with axis=-1 and count every step of every sequence: (N, T) labels.",
        answers=(backprop.softmax_cross_entropy,)),
    "rnn_step_backward": Implementation(
        ref.rnn_step_backward, ("d_h_prev", "grads"), _step_backward_cases, STEP_BACKWARD_MISTAKES,
        f"Shapes: {RNN_SHAPES}; dW has the shape of W. In row form dh_t = d_y_t @ Wy + d_h_next and "
        "dh_{t-1} = delta_t @ Wh; np.outer(delta_t, x_t) is delta_t x_t^T.",
        "For a batch, sum the step's contributions over the sequences: dWx = delta_t.T @ x_t for (N, H) and "
        "(N, D) rows; np.atleast_2d turns one vector into a batch of one."),
    "rnn_backward": Implementation(
        ref.rnn_backward, ("loss", "grads"), _backward_cases, BACKWARD_MISTAKES,
        f"Shapes: {RNN_SHAPES}; every gradient has the shape of its parameter, and grads['h0'] that of h0.",
        "Take step t as inputs[..., t, :] and hidden_states[..., t, :]: the same code then runs one sequence "
        "and a batch.", answers=(backprop.rnn_backward,)),
}


def _original():
    return original_example(seed=0)


def _original_gradients():
    example = _original()
    return ref.rnn_backward(example["inputs"], example["labels"], example["params"])[1]


def _summed_loss_gradients():
    example = _original()
    return ref.rnn_backward(example["inputs"], example["labels"], example["params"], reduction="sum")[1]


def _central_difference(entry=(1, 2), epsilon=0.1, one_sided=False):
    """(L(Wx + eps e) - L(Wx - eps e)) / (2 eps) for the original example's mean loss (one-sided: forward only)."""
    example = _original()

    def loss_with(change):
        params = {name: value.copy() for name, value in example["params"].items()}
        params["Wx"][entry] += change
        return ref.softmax_cross_entropy(rnn_forward(example["inputs"], params)[1], example["labels"])[0]

    if one_sided:
        return (loss_with(epsilon) - loss_with(0.0)) / epsilon
    return (loss_with(epsilon) - loss_with(-epsilon)) / (2 * epsilon)


VALUE_EXERCISES = {
    "06.1": ValueExercise(
        "dL/dby for the original example (mean loss over its 5 steps)", lambda: _original_gradients()["by"], 1e-8,
        (("the loss is not averaged: L is the mean over the 5 steps, so divide by T = 5",
          lambda: _summed_loss_gradients()["by"]),
         ("the steps' gradients are averaged: b_y is used at every step, so add them up (sum over t)",
          lambda: _original_gradients()["by"] / 5),
         ("the sign is flipped: dL/dy_t = (p_t - onehot(c_t)) / T", lambda: -_original_gradients()["by"]))),
    "06.2": ValueExercise(
        "the central-difference estimate of dL/dWx[1, 2] for the original example with epsilon = 0.1",
        _central_difference, 1e-9,
        (("that is the analytic derivative, not the estimate with epsilon = 0.1: with so large a step the two differ "
          "by about 1e-4", lambda: _original_gradients()["Wx"][1, 2]),
         ("that is the one-sided difference (L(theta + eps) - L(theta)) / eps: central differences step both ways",
          lambda: _central_difference(one_sided=True)),
         ("that is twice the estimate: central differences divide by 2 epsilon", lambda: 2 * _central_difference()),
         ("the sign is flipped: (L(theta + eps) - L(theta - eps)) / (2 eps)", lambda: -_central_difference()),
         ("that is the estimate for Wx[2, 1]: row 1, column 2 is Wx[1, 2]",
          lambda: _central_difference(entry=(2, 1))))),
}
