"""Implementation exercises: wrong implementations, written as a student would write them, get named.

Each wrong function below has one usual mistake, written out by hand (not built from the mutants in
rnn_helpers.exercises), and the test asserts that judge_function's message names that mistake.
"""

from pathlib import Path

import nbformat
import numpy as np
import pytest

from rnn_helpers import gated, reference, rnn_step
from rnn_helpers.exercises import IMPLEMENTATIONS, check_function, judge_function
from rnn_helpers.lm_data import text_chunks
from rnn_helpers.text import one_hot

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

# ---- the RNN step (notebook 01) -------------------------------------------------------------


def step_wx_transposed(x_t, h_prev, params):
    h_t = np.tanh(x_t @ params["Wx"] + h_prev @ params["Wh"].T + params["bx"])
    return h_t, h_t @ params["Wy"].T + params["by"]


def step_wh_transposed(x_t, h_prev, params):
    h_t = np.tanh(x_t @ params["Wx"].T + h_prev @ params["Wh"] + params["bx"])
    return h_t, h_t @ params["Wy"].T + params["by"]


def step_no_bias(x_t, h_prev, params):
    h_t = np.tanh(x_t @ params["Wx"].T + h_prev @ params["Wh"].T)
    return h_t, h_t @ params["Wy"].T + params["by"]


def step_no_tanh(x_t, h_prev, params):
    h_t = x_t @ params["Wx"].T + h_prev @ params["Wh"].T + params["bx"]
    return h_t, h_t @ params["Wy"].T + params["by"]


def step_tanh_twice(x_t, h_prev, params):
    h_t = np.tanh(x_t @ params["Wx"].T + h_prev @ params["Wh"].T + params["bx"])
    return np.tanh(h_t), np.tanh(h_t) @ params["Wy"].T + params["by"]


def step_output_from_previous_state(x_t, h_prev, params):
    h_t = np.tanh(x_t @ params["Wx"].T + h_prev @ params["Wh"].T + params["bx"])
    return h_t, h_prev @ params["Wy"].T + params["by"]


def step_column_vectors(x_t, h_prev, params):
    x, h = x_t.reshape(-1, 1), h_prev.reshape(-1, 1)
    h_t = np.tanh(params["Wx"] @ x + params["Wh"] @ h + params["bx"].reshape(-1, 1))
    return h_t, params["Wy"] @ h_t + params["by"].reshape(-1, 1)


def step_one_vector_only(x_t, h_prev, params):
    h_t = np.tanh(params["Wx"] @ x_t + params["Wh"] @ h_prev + params["bx"])
    return h_t, params["Wy"] @ h_t + params["by"]


# ---- the forward loop (notebook 02) ---------------------------------------------------------


def forward_loop(inputs, params, h0, carry=True, store_before=False, use_h0=True):
    """A student's loop, with switches for the loop mistakes (the step itself is right)."""
    h = h0 if use_h0 else np.zeros_like(h0)
    hidden_states, outputs = [], []
    for t in range(inputs.shape[-2]):
        h_new = np.tanh(inputs[..., t, :] @ params["Wx"].T + (h if carry else h0) @ params["Wh"].T + params["bx"])
        hidden_states.append(h if store_before else h_new)
        outputs.append(h_new @ params["Wy"].T + params["by"])
        h = h_new
    return np.stack(hidden_states, axis=-2), np.stack(outputs, axis=-2)


def forward_without_tanh(inputs, params, h0):
    h, hidden_states, outputs = h0, [], []
    for t in range(inputs.shape[-2]):
        h = inputs[..., t, :] @ params["Wx"].T + h @ params["Wh"].T + params["bx"]
        hidden_states.append(h)
        outputs.append(h @ params["Wy"].T + params["by"])
    return np.stack(hidden_states, axis=-2), np.stack(outputs, axis=-2)


def forward_one_sequence_only(inputs, params, h0):
    h, hidden_states, outputs = h0, [], []
    for x_t in inputs:  # for a batch this runs over the sequences, not the steps
        h, y = reference.rnn_step_forward(x_t, h, params)
        hidden_states.append(h)
        outputs.append(y)
    return np.array(hidden_states), np.array(outputs)


# ---- predictions and accuracy (notebook 04) --------------------------------------------------


def accuracy_percent(predicted, true):
    return 100 * np.mean(np.asarray(predicted) == np.asarray(true))


def accuracy_count(predicted, true):
    return np.sum(np.asarray(predicted) == np.asarray(true))


def predict_over_time(outputs):
    return np.argmax(outputs, axis=0)


# ---- softmax cross-entropy (notebook 06) ------------------------------------------------------


def loss_parts(outputs, labels, shift=True):
    """Probabilities and the one-hot targets, the way a student computes them."""
    scores = outputs - outputs.max(axis=-1, keepdims=True) if shift else outputs
    probabilities = np.exp(scores) / np.exp(scores).sum(axis=-1, keepdims=True)
    return probabilities, np.eye(outputs.shape[-1])[labels]


def loss_summed(outputs, labels):
    probabilities, one_hot = loss_parts(outputs, labels)
    return -np.sum(np.log(np.sum(probabilities * one_hot, axis=-1))), probabilities - one_hot


def loss_mean_over_entries(outputs, labels):
    probabilities, one_hot = loss_parts(outputs, labels)
    count = probabilities.size  # steps times classes: the wrong count
    return -np.sum(one_hot * np.log(probabilities)) / count, (probabilities - one_hot) / count


def loss_gradient_not_averaged(outputs, labels):
    probabilities, one_hot = loss_parts(outputs, labels)
    return -np.mean(np.log(np.sum(probabilities * one_hot, axis=-1))), probabilities - one_hot


def loss_without_max_shift(outputs, labels):
    probabilities, one_hot = loss_parts(outputs, labels, shift=False)
    count = labels.size
    return -np.sum(one_hot * np.log(probabilities)) / count, (probabilities - one_hot) / count


def loss_gradient_sign_flipped(outputs, labels):
    probabilities, one_hot = loss_parts(outputs, labels)
    count = labels.size
    return -np.sum(one_hot * np.log(probabilities)) / count, (one_hot - probabilities) / count


def loss_mean_over_batch(outputs, labels):
    probabilities, one_hot = loss_parts(outputs, labels)
    count = len(labels)  # N for a batch: the wrong count
    return -np.sum(one_hot * np.log(probabilities)) / count, (probabilities - one_hot) / count


# ---- one backward step and BPTT (notebook 06) ------------------------------------------------


def step_backward(d_y_t, d_h_next, x_t, h_prev, h_t, params, slope=None, sign=1.0, wh_prev=None):
    """A student's backward step for one sequence (np.outer), with switches for the usual mistakes."""
    d_h = params["Wy"].T @ d_y_t + d_h_next
    if slope is None:
        slope = 1 - h_t**2
    delta = d_h * slope
    grads = {"Wx": np.outer(delta, x_t), "Wh": np.outer(delta, h_prev if wh_prev is None else wh_prev),
             "bx": delta, "Wy": np.outer(d_y_t, h_t), "by": d_y_t}
    return sign * (params["Wh"].T @ delta), {name: sign * grad for name, grad in grads.items()}


def step_backward_batch(d_y_t, d_h_next, x_t, h_prev, h_t, params, **mistake):
    """The same for one sequence or a batch: the batch sums the single-sequence steps."""
    if np.ndim(x_t) == 1:
        return step_backward(d_y_t, d_h_next, x_t, h_prev, h_t, params, **mistake)
    parts = [step_backward(*row, params, **mistake) for row in zip(d_y_t, d_h_next, x_t, h_prev, h_t, strict=True)]
    return np.array([part[0] for part in parts]), {name: sum(part[1][name] for part in parts) for name in parts[0][1]}


def pre_activation_of(x_t, h_prev, params):
    return params["Wx"] @ x_t + params["Wh"] @ h_prev + params["bx"]


def step_backward_slope_from_a(d_y_t, d_h_next, x_t, h_prev, h_t, params):
    def one(d_y, d_next, x, h_p, h):
        return step_backward(d_y, d_next, x, h_p, h, params, slope=1 - pre_activation_of(x, h_p, params) ** 2)

    if np.ndim(x_t) == 1:
        return one(d_y_t, d_h_next, x_t, h_prev, h_t)
    parts = [one(*row) for row in zip(d_y_t, d_h_next, x_t, h_prev, h_t, strict=True)]
    return np.array([part[0] for part in parts]), {name: sum(part[1][name] for part in parts) for name in parts[0][1]}


def bptt(inputs, labels, params, h0, step=step_backward_batch, average=True, carry=True, flip=False, **mistake):
    """A student's BPTT on top of the helpers' forward pass, with switches for the usual mistakes."""
    hidden_states, outputs = reference.rnn_forward(inputs, params, h0)
    probabilities, one_hot = loss_parts(outputs, labels)
    count = labels.size if average else 1
    loss = -np.sum(one_hot * np.log(probabilities)) / count
    d_outputs = (one_hot - probabilities if flip else probabilities - one_hot) / count
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    d_h_next = np.zeros_like(h0)
    for t in reversed(range(inputs.shape[-2])):
        h_prev = hidden_states[..., t - 1, :] if t > 0 else h0
        d_h_prev, step_grads = step(d_outputs[..., t, :], d_h_next if carry else 0 * d_h_next, inputs[..., t, :],
                                    h_prev, hidden_states[..., t, :], params, **mistake)
        d_h_next = d_h_prev
        for name in step_grads:
            grads[name] += step_grads[name]
    grads["h0"] = d_h_next
    return loss, grads


# ---- clipping and momentum (notebook 07) -----------------------------------------------------


def clip_each_on_its_own(grads, max_norm):
    clipped = {}
    for name, grad in grads.items():
        norm = np.linalg.norm(grad)
        clipped[name] = grad * min(1, max_norm / norm)
    return clipped, np.sqrt(sum(np.sum(g**2) for g in grads.values()))


def clip_always(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    return {name: grad * max_norm / norm for name, grad in grads.items()}, norm


def momentum_ascent(params, grads, velocity, learning_rate, momentum):
    new_velocity = {k: momentum * velocity[k] + learning_rate * grads[k] for k in params}
    return {k: params[k] + new_velocity[k] for k in params}, new_velocity


def momentum_ignored(params, grads, velocity, learning_rate, momentum):
    new_velocity = {k: -learning_rate * grads[k] for k in params}
    return {k: params[k] + new_velocity[k] for k in params}, new_velocity


WRONG_IMPLEMENTATIONS = [
    ("rnn_step_forward", step_wh_transposed, "W_h is used transposed"),
    ("rnn_step_forward", step_no_bias, "bias b_x is missing"),
    ("rnn_step_forward", step_no_tanh, "tanh is missing"),
    ("rnn_step_forward", step_tanh_twice, "tanh is applied twice"),
    ("rnn_step_forward", step_output_from_previous_state, "off by one in time"),
    ("rnn_step_forward", step_column_vectors, "column vectors (H, 1)"),
    ("rnn_step_forward", step_one_vector_only, "not yet for a batch"),
    ("rnn_forward", lambda i, p, h0: forward_loop(i, p, h0, carry=False), "not carried from step to step"),
    ("rnn_forward", lambda i, p, h0: forward_loop(i, p, h0, store_before=True), "off by one in time"),
    ("rnn_forward", lambda i, p, h0: forward_loop(i, p, h0, use_h0=False), "h0 is not used"),
    ("rnn_forward", forward_without_tanh, "tanh is missing"),
    ("rnn_forward", forward_one_sequence_only, "not yet for a batch"),
    ("predict", predict_over_time, "over the time axis"),
    ("accuracy", accuracy_percent, "percentage instead of a fraction"),
    ("accuracy", accuracy_count, "number of correct predictions"),
    ("softmax_cross_entropy", loss_summed, "summed over the steps instead of averaged"),
    ("softmax_cross_entropy", loss_mean_over_entries, "averaged over the wrong count"),
    ("softmax_cross_entropy", loss_mean_over_batch, "averaged over the wrong count"),
    ("softmax_cross_entropy", loss_gradient_not_averaged, "its gradient is not"),
    ("softmax_cross_entropy", loss_without_max_shift, "max shift is missing"),
    ("softmax_cross_entropy", loss_gradient_sign_flipped, "sign of the gradient is flipped"),
    ("rnn_step_backward", step_backward_slope_from_a, "1 - a_t^2"),
    ("rnn_step_backward", lambda *a: step_backward_batch(*a, slope=1.0), "tanh derivative is missing"),
    ("rnn_step_backward", lambda *a: step_backward_batch(*a, sign=-1.0), "sign is flipped"),
    ("rnn_step_backward", lambda *a: step_backward_batch(*a, wh_prev=a[4]), "mixed up in dW_h"),
    ("rnn_step_backward", lambda *a: step_backward(*a), "not yet for a batch"),
    ("rnn_backward", lambda *a: bptt(*a, step=step_backward_slope_from_a), "1 - a_t^2"),
    ("rnn_backward", lambda *a: bptt(*a, slope=1.0), "tanh derivative is missing"),
    ("rnn_backward", lambda *a: bptt(*a, average=False), "summed over the steps instead of averaged"),
    ("rnn_backward", lambda *a: bptt(*a, carry=False), "gradient from step t+1 is not carried"),
    ("rnn_backward", lambda *a: bptt(*a, flip=True), "sign is flipped"),
    ("clip_gradients", clip_each_on_its_own, "clipped on its own"),
    ("clip_gradients", clip_always, "scaled up to max_norm"),
    ("sgd_momentum_step", momentum_ascent, "sign is flipped"),
    ("sgd_momentum_step", momentum_ignored, "velocity is not carried"),
]


@pytest.mark.parametrize("name, function, mistake", WRONG_IMPLEMENTATIONS,
                         ids=[f"{name}-{mistake}" for name, _, mistake in WRONG_IMPLEMENTATIONS])
def test_a_wrong_implementation_gets_its_mistake_named(name, function, mistake):
    passed, message = judge_function(name, function)
    assert not passed
    assert mistake in message, message


# The exercises whose notebook names the function otherwise.
NOTEBOOK_NAMES = {"lstm_step": "lstm_step_forward", "sample_indices": "sample",
                  "truncated_bptt_gradients": "truncated_bptt"}


def notebook_solutions():
    """The teacher's solution cells of each notebook, run in that notebook's own namespace (in order, as it runs
    them: a later notebook may import a helper under an earlier exercise's name)."""
    solutions = {}
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        namespace = {"np": np, "rnn_step": rnn_step, "reference": reference, "sigmoid": gated.sigmoid,
                     "one_hot": one_hot, "text_chunks": text_chunks, "__name__": "__main__"}
        defined = set()
        for cell in nbformat.read(path, as_version=4).cells:
            if "solution" in cell.metadata.get("tags", []):
                before = dict(namespace)
                exec(cell.source, namespace)
                defined |= {key for key, value in namespace.items() if before.get(key) is not value}
        for name in IMPLEMENTATIONS:
            if NOTEBOOK_NAMES.get(name, name) in defined and callable(namespace[NOTEBOOK_NAMES.get(name, name)]):
                solutions.setdefault(name, namespace[NOTEBOOK_NAMES.get(name, name)])
    return solutions


SOLUTIONS = notebook_solutions()


@pytest.mark.parametrize("name", sorted(IMPLEMENTATIONS))
def test_the_teachers_solution_passes_the_answer_is_refused_and_a_stub_is_not_done(name):
    passed, message = judge_function(name, SOLUTIONS[name])
    assert passed and message.startswith(f"{name}: correct!"), message
    answer = IMPLEMENTATIONS[name].reference
    passed, message = judge_function(name, lambda *arguments: answer(*arguments))
    assert not passed and f"calls {answer.__module__}.{answer.__qualname__}(), which is the answer" in message

    def stub(*arguments):
        # YOUR CODE HERE
        raise NotImplementedError

    assert "not done yet" in judge_function(name, stub)[1]
    assert "not done yet" in judge_function(name, lambda *arguments: None)[1]


def test_a_function_built_on_an_unfinished_exercise_says_which():
    def rnn_step_backward(*arguments):
        raise NotImplementedError

    def uses_the_stub(inputs, labels, params, h0):
        return bptt(inputs, labels, params, h0, step=rnn_step_backward)

    message = judge_function("rnn_backward", uses_the_stub)[1]
    assert "calls rnn_step_backward(), which is not done yet" in message, message


def test_the_hand_written_solutions_of_the_notebooks_pass():
    """Student-style correct code (np.outer, a loop per sequence) passes as well as the reference does."""
    assert judge_function("rnn_step_backward", step_backward_batch)[0]
    assert judge_function("rnn_backward", bptt)[0]
    assert judge_function("rnn_forward", forward_loop)[0]
    assert judge_function("softmax_cross_entropy", lambda o, c: loss_mean_over_batch(o, c) if o.ndim == 2
                          else loss_without_max_shift(o - o.max(axis=-1, keepdims=True), c))[0]


def test_an_exception_is_two_or_three_lines_pointing_at_the_students_line():
    passed, message = judge_function("rnn_step_forward", step_wx_transposed)
    lines = message.splitlines()
    assert not passed and len(lines) <= 4, message
    assert "raised ValueError" in lines[0] and "step_wx_transposed()" in lines[0]
    assert 'x_t @ params["Wx"] + h_prev' in lines[1]  # the student's own line, not numpy's
    assert "transposed" in lines[-1]


def test_an_error_from_a_helper_points_at_the_call_in_the_students_code():
    def uses_helper_wrongly(inputs, params, h0):
        return rnn_step(inputs[..., 0, :], h0[:2], params)

    message = judge_function("rnn_forward", uses_helper_wrongly)[1]
    assert "uses_helper_wrongly()" in message and "h0[:2]" in message, message


EXAMPLE_PARAMS = IMPLEMENTATIONS["rnn_step_forward"].cases()[0].arguments[2]


def step_with_notebook_params(x_t, h_prev, params):
    """Reads the global EXAMPLE_PARAMS, as a notebook cell reads `params`, instead of its argument."""
    h_t = np.tanh(x_t @ EXAMPLE_PARAMS["Wx"].T + h_prev @ params["Wh"].T + params["bx"])
    return h_t, h_t @ params["Wy"].T + params["by"]


def test_the_notebook_variable_hint_needs_a_notebook_variable():
    message = judge_function("rnn_step_forward", step_with_notebook_params)[1]
    assert "reads `EXAMPLE_PARAMS` from the notebook" in message, message
    # A mistake that only shows on other sizes, without a notebook variable, gets no such hint.
    message = judge_function("predict", lambda outputs: np.argmax(outputs[..., :2], axis=-1))[1]
    assert "notebook" not in message and "not on outputs of shape (7, 3)" in message, message


def changes_params(x_t, h_prev, params):
    params["Wx"] *= 2
    h_t = np.tanh(x_t @ params["Wx"].T + h_prev @ params["Wh"].T + params["bx"])
    return h_t, h_t @ params["Wy"].T + params["by"]


def test_arguments_changed_in_place_are_named():
    assert "changed `params['Wx']` in place" in judge_function("rnn_step_forward", changes_params)[1]


def test_check_function_prints_and_rejects_unknown_names(capsys):
    check_function("accuracy", accuracy_percent)
    assert "percentage" in capsys.readouterr().out
    with pytest.raises(ValueError, match="unknown implementation exercise"):
        judge_function("rnn_everything", reference.rnn_forward)
    with pytest.raises(TypeError, match="callable"):
        judge_function("rnn_forward", None)


# ---- issue 15: wrong implementations written fresh, and correct alternatives -------------------
# Each wrong function holds one mistake a student makes, written the way a student writes it (loops,
# np.outer, its own softmax), not built from the mutants. FRESH_MISTAKES is the table of the report:
# (exercise, the mistake, what the message must say).


def step_with(activation):
    def step(x_t, h_prev, params):
        h_t = activation(x_t @ params["Wx"].T + h_prev @ params["Wh"].T + params["bx"])
        return h_t, h_t @ params["Wy"].T + params["by"]
    return step


def forward_with(activation):
    def forward(inputs, params, h0):
        h, states, outputs = h0, [], []
        for t in range(inputs.shape[-2]):
            h = activation(inputs[..., t, :] @ params["Wx"].T + h @ params["Wh"].T + params["bx"])
            states.append(h)
            outputs.append(h @ params["Wy"].T + params["by"])
        return np.stack(states, axis=-2), np.stack(outputs, axis=-2)
    return forward


def relu(a):
    return np.maximum(a, 0)


def sigmoid_of(a):
    return 1 / (1 + np.exp(-a))


def softmax_loss(max_axis=-1, sum_axis=-1):
    def loss(outputs, labels):
        shifted = outputs - np.max(outputs, axis=max_axis, keepdims=True)
        p = np.exp(shifted) / np.sum(np.exp(shifted), axis=sum_axis, keepdims=True)
        one_hot = np.eye(outputs.shape[-1])[labels]
        return -np.sum(one_hot * np.log(p)) / labels.size, (p - one_hot) / labels.size
    return loss


def bptt_loop(inputs, labels, params, h0=None, accumulate=True, wrap=False, first=0, update=True, divide_twice=False):
    """A student's BPTT written out in full (its own forward, loss and step), with switches for loop mistakes."""
    h0 = np.zeros(inputs.shape[:-2] + params["Wh"].shape[:1]) if h0 is None else h0
    hidden_states, outputs = reference.rnn_forward(inputs, params, h0)
    loss, d_outputs = softmax_loss()(outputs, labels)
    if divide_twice and inputs.ndim == 3:  # the mean over N * T steps, then once more over the N sequences
        d_outputs = d_outputs / len(inputs)
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    d_h_next = np.zeros_like(h0)
    for t in range(inputs.shape[-2] - 1, first - 1, -1):
        h_t = hidden_states[..., t, :]
        h_prev = hidden_states[..., t - 1, :] if (t > 0 or wrap) else h0
        d_y = d_outputs[..., t, :]
        delta = (d_y @ params["Wy"] + d_h_next) * (1 - h_t**2)
        rows = [np.atleast_2d(v) for v in (delta, inputs[..., t, :], h_prev, d_y, h_t)]
        share = {"Wx": rows[0].T @ rows[1], "Wh": rows[0].T @ rows[2], "bx": rows[0].sum(axis=0),
                 "Wy": rows[3].T @ rows[4], "by": rows[3].sum(axis=0)}
        for name in share:
            grads[name] = grads[name] + share[name] if accumulate else share[name]
        if update:
            d_h_next = delta @ params["Wh"]
    grads["h0"] = d_h_next if update else delta @ params["Wh"]
    return loss, grads


def clip_in_place(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    for name in grads:
        grads[name] *= min(1.0, max_norm / norm)
    return grads, float(norm)


def momentum_in_place(params, grads, velocity, learning_rate=0.1, momentum=0.9):
    for name in params:
        velocity[name] *= momentum
        velocity[name] -= learning_rate * grads[name]
        params[name] += velocity[name]
    return params, velocity


def bptt_with_dx(*arguments):
    loss, grads = bptt_loop(*arguments)
    return loss, {**grads, "dx": np.zeros(3)}  # CS231n's extra key


def step_in_float32(x_t, h_prev, params):
    h_t, y_t = step_with(np.tanh)(x_t.astype(np.float32), h_prev.astype(np.float32),
                                  {k: v.astype(np.float32) for k, v in params.items()})
    return h_t, y_t


def predict_two_classes(outputs):
    return (outputs[..., 1] > outputs[..., 0]).astype(int)


def forward_ignoring_h0(inputs, params, h0):
    return forward_with(np.tanh)(inputs, params, np.zeros_like(h0))


FRESH_MISTAKES = [
    ("rnn_step_forward", "ReLU instead of tanh", step_with(relu), "ReLU is used instead of tanh"),
    ("rnn_step_forward", "sigmoid instead of tanh", step_with(sigmoid_of), "sigmoid is used instead of tanh"),
    ("rnn_step_forward", "computes in float32", step_in_float32, "float32 (single precision)"),
    ("rnn_step_forward", "calls rnn_helpers.rnn_step (the answer)", lambda *a: rnn_step(*a),
     "calls rnn_helpers.core.rnn_step(), which is the answer"),
    ("rnn_forward", "ReLU instead of tanh", forward_with(relu), "ReLU is used instead of tanh"),
    ("rnn_forward", "sigmoid instead of tanh", forward_with(sigmoid_of), "sigmoid is used instead of tanh"),
    ("rnn_forward", "ignores h0", forward_ignoring_h0, "h0 is not used"),
    ("rnn_forward", "calls reference.rnn_forward", lambda *a: reference.rnn_forward(*a),
     "calls rnn_helpers.reference.rnn_forward(), which is the answer"),
    ("predict", "handles two classes only", predict_two_classes, "not on outputs of shape (7, 3)"),
    ("softmax_cross_entropy", "max shift over the wrong axis", softmax_loss(max_axis=0),
     "max shift is taken over the wrong axis"),
    ("softmax_cross_entropy", "softmax sum over the wrong axis", softmax_loss(sum_axis=0), "sums over the wrong axis"),
    ("softmax_cross_entropy", "softmax sum over every entry", softmax_loss(sum_axis=None), "sums over every entry"),
    ("rnn_backward", "gradients not accumulated over time", lambda *a: bptt_loop(*a, accumulate=False),
     "not accumulated over time"),
    ("rnn_backward", "t - 1 wraps to h_T at t = 0", lambda *a: bptt_loop(*a, wrap=True), "index t - 1 wraps around"),
    ("rnn_backward", "step 1 (t = 0) skipped", lambda *a: bptt_loop(*a, first=1), "first step (t = 0) is skipped"),
    ("rnn_backward", "d_h_next not updated in the loop", lambda *a: bptt_loop(*a, update=False),
     "d_h_next is not updated in the loop"),
    ("rnn_backward", "ignores h0", lambda i, c, p, h0: bptt_loop(i, c, p, None), "h0 is not used"),
    ("rnn_backward", "batch gradient divided by N twice", lambda *a: bptt_loop(*a, divide_twice=True),
     "0.333333 (1/3) times the right one"),
    ("rnn_backward", "an extra key grads['dx']", bptt_with_dx, "grads['dx'] is not asked for (every value"),
    ("clip_gradients", "scales the caller's dict in place", clip_in_place, "changed `grads['Wx']`"),
    ("sgd_momentum_step", "updates params and velocity in place", momentum_in_place, "changed `params['Wx']`"),
]


@pytest.mark.parametrize("name, mistake, function, named", FRESH_MISTAKES,
                         ids=[f"{name}-{mistake}" for name, mistake, _, _ in FRESH_MISTAKES])
def test_a_fresh_wrong_implementation_gets_its_mistake_named(name, mistake, function, named):
    passed, message = judge_function(name, function)
    assert not passed
    assert named in message, message
    if "notebook" in message:  # the notebook-variable hint only where one is read
        assert "reads `" in message, message


def step_einsum(x_t, h_prev, params):
    h_t = np.tanh(np.einsum("hd,...d->...h", params["Wx"], x_t) + np.einsum("hk,...k->...h", params["Wh"], h_prev)
                  + params["bx"])
    return h_t, np.einsum("oh,...h->...o", params["Wy"], h_t) + params["by"]


def step_columns_inside(x_t, h_prev, params):
    """Column vectors inside, as the original notebook writes them, 1-D (or rows) outside."""
    x, h = np.atleast_2d(x_t).T, np.atleast_2d(h_prev).T
    h_t = np.tanh(params["Wx"] @ x + params["Wh"] @ h + params["bx"][:, None])
    y_t = params["Wy"] @ h_t + params["by"][:, None]
    return (h_t.T, y_t.T) if np.ndim(x_t) == 2 else (h_t[:, 0], y_t[:, 0])


def loss_take_along_axis(outputs, labels):
    shifted = outputs - outputs.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_p, labels[..., None], axis=-1)
    d_outputs = np.exp(log_p)
    np.put_along_axis(d_outputs, labels[..., None], np.take_along_axis(d_outputs, labels[..., None], -1) - 1, -1)
    return -picked.mean(), d_outputs / labels.size


def lstm_per_gate_slices(x_t, h_prev, c_prev, params):
    H = h_prev.shape[-1]
    a = x_t @ params["Wx"].T + h_prev @ params["Wh"].T + params["bx"]
    i, f = sigmoid_of(a[..., :H]), sigmoid_of(a[..., H:2 * H])
    g, o = np.tanh(a[..., 2 * H:3 * H]), sigmoid_of(a[..., 3 * H:])
    c_t = f * c_prev + i * g
    h_t = o * np.tanh(c_t)
    return h_t, c_t, h_t @ params["Wy"].T + params["by"]


def bptt_stored_deltas(inputs, labels, params, h0=None):
    """Backward pass that first stores every delta_t, then forms the weight gradients from them."""
    h0 = np.zeros(inputs.shape[:-2] + params["Wh"].shape[:1]) if h0 is None else h0
    hidden_states, outputs = reference.rnn_forward(inputs, params, h0)
    loss, d_outputs = softmax_loss()(outputs, labels)
    steps = inputs.shape[-2]
    deltas, d_h_next = [None] * steps, np.zeros_like(h0)
    for t in reversed(range(steps)):
        deltas[t] = (d_outputs[..., t, :] @ params["Wy"] + d_h_next) * (1 - hidden_states[..., t, :] ** 2)
        d_h_next = deltas[t] @ params["Wh"]
    def batch(array):  # (T, K) or (N, T, K) -> (N, T, K)
        return array.reshape(-1, steps, array.shape[-1])

    delta = batch(np.stack(deltas, axis=-2))
    previous = np.concatenate([h0.reshape(-1, 1, h0.shape[-1]), batch(hidden_states)[:, :-1]], axis=1)
    grads = {"Wx": np.einsum("nth,ntd->hd", delta, batch(inputs)), "Wh": np.einsum("nth,ntk->hk", delta, previous),
             "bx": delta.sum(axis=(0, 1)), "Wy": np.einsum("nto,nth->oh", batch(d_outputs), batch(hidden_states)),
             "by": batch(d_outputs).sum(axis=(0, 1)), "h0": d_h_next}
    return loss, grads


CORRECT_ALTERNATIVES = [
    ("rnn_step_forward", step_einsum), ("rnn_step_forward", step_columns_inside),
    ("rnn_forward", forward_with(np.tanh)), ("softmax_cross_entropy", loss_take_along_axis),
    ("softmax_cross_entropy", softmax_loss()), ("lstm_step", lstm_per_gate_slices),
    ("rnn_backward", bptt_loop), ("rnn_backward", bptt_stored_deltas),
    ("predict", lambda outputs: np.argmax(outputs, axis=outputs.ndim - 1)),
]


@pytest.mark.parametrize("name, function", CORRECT_ALTERNATIVES,
                         ids=[f"{name}-{getattr(f, '__name__', '')}" for name, f in CORRECT_ALTERNATIVES])
def test_correct_alternatives_pass(name, function):
    passed, message = judge_function(name, function)
    assert passed, message
