"""The LSTM and GRU of rnn_helpers.gated: gradient checks, reference vs fast path, batches, bad input."""

import warnings

import numpy as np
import pytest

from rnn_helpers import gated
from rnn_helpers.backprop import gradient_check, softmax_cross_entropy
from rnn_helpers.cells import get_cell
from rnn_helpers.core import IGNORE
from rnn_helpers.tasks import running_sign_task
from rnn_helpers.training import Adam, evaluate, train

CELLS = ["lstm", "gru"]
REFERENCE = {
    "lstm": (gated.lstm_forward, gated.lstm_backward_reference),
    "gru": (gated.gru_forward, gated.gru_backward_reference),
}
# Non-square sizes everywhere, so that a transposed weight cannot go unnoticed.
SHAPES = [  # (batch N or None for one sequence, T, D, H, O)
    (None, 5, 3, 4, 2),
    (None, 1, 2, 3, 2),
    (None, 6, 1, 1, 2),
    (3, 1, 2, 1, 3),
    (4, 7, 3, 5, 4),
    (2, 9, 2, 6, 2),
]


def random_problem(cell, batch, length, input_size, hidden_size, output_size, seed):
    """A cell's parameters moved off their initial values, inputs, labels (some IGNORE) and h0."""
    rng = np.random.RandomState(seed)
    params = get_cell(cell).init(input_size, hidden_size, output_size, seed=rng)
    params = {name: value + 0.5 * rng.randn(*value.shape) for name, value in params.items()}  # biases not zero
    shape = (length,) if batch is None else (batch, length)
    inputs = rng.randn(*shape, input_size)
    labels = rng.randint(0, output_size, size=shape)
    labels.reshape(-1)[:: 3] = IGNORE  # every third step has no target
    labels.reshape(-1)[-1] = 0  # and at least one step has one
    h0 = 0.5 * rng.randn(*shape[:-1], hidden_size)
    return params, inputs, labels, h0


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_gradient_check_below_1e7_for_every_parameter(cell, shape):
    params, inputs, labels, h0 = random_problem(cell, *shape, seed=sum(shape[1:]))
    errors = gradient_check(inputs, labels, params, h0=h0, cell=cell)
    assert set(errors) == set(params) | {"h0"}
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("cell", CELLS)
def test_gradient_check_without_h0(cell):
    params, inputs, labels, _ = random_problem(cell, 2, 4, 3, 2, 2, seed=5)
    errors = gradient_check(inputs, labels, params, cell=cell)
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_fast_path_equals_the_reference(cell, shape):
    params, inputs, labels, h0 = random_problem(cell, *shape, seed=7)
    reference_forward, reference_backward = REFERENCE[cell]
    for reduction in ("mean", "sum"):
        loss, grads = get_cell(cell).backward(inputs, labels, params, h0=h0, reduction=reduction)
        reference_loss, reference_grads = reference_backward(inputs, labels, params, h0=h0, reduction=reduction)
        assert abs(loss - reference_loss) <= 1e-12 * max(1.0, abs(loss))
        assert set(grads) == set(reference_grads) == set(params) | {"h0"}
        for name in grads:
            assert grads[name].shape == reference_grads[name].shape, name
            np.testing.assert_allclose(grads[name], reference_grads[name], rtol=0, atol=1e-12, err_msg=name)
    batch_inputs, batch_h0 = (inputs, h0) if inputs.ndim == 3 else (inputs[None], h0[None])
    states, outputs = get_cell(cell).forward_batch(batch_inputs, params, h0=batch_h0)
    reference = reference_forward(batch_inputs, params, h0=batch_h0)
    np.testing.assert_allclose(states, reference[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(outputs, reference[-1], rtol=0, atol=1e-12)


@pytest.mark.parametrize("cell", CELLS)
def test_fast_path_survives_saturated_gates(cell):
    """Pre-activations in the thousands overflow exp(); the gates must still be exact 0s and 1s."""
    params, inputs, labels, h0 = random_problem(cell, 3, 6, 2, 4, 2, seed=1)
    params = {name: 1000.0 * value for name, value in params.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning may escape
        loss, grads = get_cell(cell).backward(inputs, labels, params, h0=h0)
        states, _ = get_cell(cell).forward_batch(inputs, params, h0=h0)
    reference_loss, reference_grads = REFERENCE[cell][1](inputs, labels, params, h0=h0)
    assert np.all(np.isfinite(states)) and np.all(np.abs(states) <= max(1.0, np.abs(h0).max()))
    assert loss == pytest.approx(reference_loss, rel=1e-12)
    for name in grads:
        np.testing.assert_allclose(grads[name], reference_grads[name], rtol=1e-9, atol=1e-9, err_msg=name)


@pytest.mark.parametrize("cell", CELLS)
def test_batch_equals_the_sum_of_single_sequences(cell):
    params, inputs, labels, h0 = random_problem(cell, 4, 6, 3, 5, 3, seed=11)
    backward = get_cell(cell).backward
    batch_loss, batch_grads = backward(inputs, labels, params, h0=h0, reduction="sum")
    single = [backward(inputs[n], labels[n], params, h0=h0[n], reduction="sum") for n in range(4)]
    assert batch_loss == pytest.approx(sum(loss for loss, _ in single), rel=1e-12)
    for name in params:
        np.testing.assert_allclose(batch_grads[name], sum(grads[name] for _, grads in single), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(batch_grads["h0"], np.stack([grads["h0"] for _, grads in single]), atol=1e-12)
    assert single[0][1]["h0"].shape == (5,)


@pytest.mark.parametrize("cell", CELLS)
def test_loss_is_the_cross_entropy_of_the_forward_pass(cell):
    params, inputs, labels, h0 = random_problem(cell, 3, 5, 2, 4, 3, seed=2)
    loss, _ = get_cell(cell).backward(inputs, labels, params, h0=h0)
    outputs = get_cell(cell).forward_batch(inputs, params, h0=h0)[1]
    assert loss == pytest.approx(softmax_cross_entropy(outputs, labels)[0], rel=1e-13)


def test_one_lstm_step_by_hand():
    """The equations of the module docstring, written out for one sequence, agree with lstm_step."""
    params, inputs, _, h0 = random_problem("lstm", None, 2, 3, 4, 2, seed=3)
    c_prev = np.random.RandomState(0).randn(4)
    a = params["Wx"] @ inputs[0] + params["Wh"] @ h0 + params["bx"]
    i, f, o = (1 / (1 + np.exp(-a[k * 4 : (k + 1) * 4])) for k in (0, 1, 3))
    g = np.tanh(a[8:12])
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    step_h, step_c, step_y = gated.lstm_step(inputs[0], h0, c_prev, params)
    np.testing.assert_allclose(step_h, h, atol=1e-15)
    np.testing.assert_allclose(step_c, c, atol=1e-15)
    np.testing.assert_allclose(step_y, params["Wy"] @ h + params["by"], atol=1e-14)
    batch_h, _, _ = gated.lstm_step(inputs[:1], h0[None], c_prev[None], params)
    np.testing.assert_allclose(batch_h[0], step_h, atol=1e-15)


def test_one_gru_step_by_hand():
    params, inputs, _, h0 = random_problem("gru", None, 2, 3, 4, 2, seed=4)
    x_terms = params["Wx"] @ inputs[0] + params["bx"]
    h_terms = params["Wh"] @ h0
    r = 1 / (1 + np.exp(-(x_terms[:4] + h_terms[:4])))
    z = 1 / (1 + np.exp(-(x_terms[4:8] + h_terms[4:8])))
    n = np.tanh(x_terms[8:] + r * (h_terms[8:] + params["bhn"]))
    h = (1 - z) * n + z * h0
    step_h, step_y = gated.gru_step(inputs[0], h0, params)
    np.testing.assert_allclose(step_h, h, atol=1e-15)
    np.testing.assert_allclose(step_y, params["Wy"] @ h + params["by"], atol=1e-14)


def test_initial_parameters():
    lstm = gated.init_lstm_params(3, 5, 2, seed=0)
    assert {name: value.shape for name, value in lstm.items()} == {
        "Wx": (20, 3), "Wh": (20, 5), "Wy": (2, 5), "bx": (20,), "by": (2,)}
    assert np.all(lstm["bx"][5:10] == 1.0) and np.all(np.delete(lstm["bx"], np.s_[5:10]) == 0.0)
    assert np.abs(lstm["Wh"]).max() <= 1 / np.sqrt(5) and np.abs(lstm["Wh"]).std() > 0.1
    gru = gated.init_gru_params(3, 5, 2, seed=0)
    assert {name: value.shape for name, value in gru.items()} == {
        "Wx": (15, 3), "Wh": (15, 5), "Wy": (2, 5), "bx": (15,), "bhn": (5,), "by": (2,)}
    again = gated.init_gru_params(3, 5, 2, seed=0)
    assert all(np.array_equal(gru[name], again[name]) for name in gru)
    assert not np.array_equal(gru["Wx"], gated.init_gru_params(3, 5, 2, seed=1)["Wx"])


@pytest.mark.parametrize("cell", CELLS)
def test_train_and_evaluate_take_gated_cells(cell):
    data = running_sign_task(128, 10, seed=0)
    params = get_cell(cell).init(1, 6, 2, seed=0)
    before = evaluate(params, data, cell=cell)
    history = train(params, data, Adam(learning_rate=0.02), 8, batch_size=16, clip_norm=5.0, cell=cell)
    assert history["train_accuracy"][-1] == evaluate(params, data, cell=cell)
    assert history["train_accuracy"][-1] > max(0.8, before + 0.1)


@pytest.mark.parametrize("cell", CELLS)
def test_clipping_caps_the_joint_gradient_norm(cell):
    params, inputs, labels, h0 = random_problem(cell, 3, 5, 2, 4, 2, seed=6)
    _, grads = get_cell(cell).backward(inputs, labels, params, h0=h0)
    _, clipped = get_cell(cell).backward(inputs, labels, params, h0=h0, clip_norm=1e-3)
    norm = np.sqrt(sum(np.sum(g**2) for g in clipped.values()))
    assert norm == pytest.approx(1e-3)
    np.testing.assert_allclose(clipped["Wh"] / 1e-3, grads["Wh"] / np.sqrt(sum(np.sum(g**2) for g in grads.values())))


@pytest.mark.parametrize(
    "cell, change, error, message",
    [
        ("lstm", {"Wx": np.zeros((10, 3))}, ValueError, r"params\['Wx'\] must have 4 \* hidden_size rows .* \(10, 3\)"),
        ("lstm", {"Wh": np.zeros((16, 5))}, ValueError, r"params\['Wh'\] must have shape \(16, 4\), got \(16, 5\)"),
        ("lstm", {"bx": np.zeros(4)}, ValueError, r"params\['bx'\] must have shape \(16,\), got \(4,\)"),
        ("gru", {"Wx": np.zeros((16, 3))}, ValueError, r"params\['Wx'\] must have 3 \* hidden_size rows"),
        ("gru", {"bhn": np.zeros(12)}, ValueError, r"params\['bhn'\] must have shape \(4,\), got \(12,\)"),
        ("gru", {"bhn": None}, ValueError, r"params is missing \['bhn'\]"),
        ("gru", {"Wh": np.zeros((12, 4), dtype=int)}, TypeError,
         r"params\['Wh'\] must be a float64 NumPy array \(parameters are updated in place\), got dtype int64"),
    ],
)
def test_bad_parameters_are_rejected(cell, change, error, message):
    params = get_cell(cell).init(3, 4, 2, seed=0)
    for name, value in change.items():
        if value is None:
            del params[name]
        else:
            params[name] = value
    inputs, labels = np.zeros((2, 5, 3)), np.zeros((2, 5), dtype=int)
    for call in (
        lambda: get_cell(cell).backward(inputs, labels, params),
        lambda: get_cell(cell).forward_batch(inputs, params),
        lambda: REFERENCE[cell][0](inputs, params),
    ):
        with pytest.raises(error, match=message):
            call()


@pytest.mark.parametrize("cell", CELLS)
def test_bad_inputs_and_states_are_rejected(cell):
    params = get_cell(cell).init(3, 4, 2, seed=0)
    backward, forward_batch = get_cell(cell).backward, get_cell(cell).forward_batch
    with pytest.raises(ValueError, match=r"inputs must have shape \(2, 5, 3\), got \(2, 5, 2\)"):
        forward_batch(np.zeros((2, 5, 2)), params)
    with pytest.raises(ValueError, match=r"inputs must have 3 dimension\(s\), got shape \(5, 3\)"):
        forward_batch(np.zeros((5, 3)), params)
    with pytest.raises(ValueError, match=r"h0 must have shape \(2, 4\), got \(2, 3\)"):
        forward_batch(np.zeros((2, 5, 3)), params, h0=np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"h0 must have shape \(4,\), got \(3,\)"):
        backward(np.zeros((5, 3)), np.zeros(5, dtype=int), params, h0=np.zeros(3))
    with pytest.raises(ValueError, match=r"labels must hold class indices in \[0, 1\]"):
        backward(np.zeros((5, 3)), np.full(5, 2), params)
    with pytest.raises(TypeError, match=r"inputs must be a floating-point array"):
        backward(np.zeros((5, 3), dtype=int), np.zeros(5, dtype=int), params)
    with pytest.raises(ValueError, match=r"reduction must be one of \['mean', 'sum'\], got str 'max'"):
        backward(np.zeros((5, 3)), np.zeros(5, dtype=int), params, reduction="max")


def test_bad_step_arguments_are_rejected():
    lstm, gru = gated.init_lstm_params(3, 4, 2, seed=0), gated.init_gru_params(3, 4, 2, seed=0)
    with pytest.raises(ValueError, match=r"c_prev must have shape \(4,\), got \(3,\)"):
        gated.lstm_step(np.zeros(3), np.zeros(4), np.zeros(3), lstm)
    with pytest.raises(ValueError, match=r"x_t must have shape \(3,\), got \(2,\)"):
        gated.gru_step(np.zeros(2), np.zeros(4), gru)
    with pytest.raises(ValueError, match=r"d_c must have shape \(2, 4\), got \(2, 5\)"):
        gated.lstm_step_backward(np.zeros((2, 4)), np.zeros((2, 5)), np.zeros((2, 3)), np.zeros((2, 4)),
                                 np.zeros((2, 4)), lstm)
    with pytest.raises(ValueError, match=r"params is missing \['bhn'\]"):
        gated.gru_step(np.zeros(3), np.zeros(4), lstm)
    # The backward steps take a batch only: one sequence's 1-D arrays would give gradients of the wrong shape.
    with pytest.raises(ValueError, match=r"x_t must have 2 dimension\(s\), got shape \(3,\)"):
        gated.gru_step_backward(np.zeros(4), np.zeros(3), np.zeros(4), gru)
    with pytest.raises(ValueError, match=r"h0 must have shape \(4,\), got \(3,\)"):
        gated.lstm_forward(np.zeros((5, 3)), lstm, h0=np.zeros(3))


def test_gradient_check_names_an_unknown_cell():
    params, inputs, labels, h0 = random_problem("lstm", 2, 3, 2, 2, 2, seed=0)
    with pytest.raises(ValueError, match=r"cell name must be one of \['gru', 'lstm', 'rnn'\], got str 'lstn'"):
        gradient_check(inputs, labels, params, cell="lstn")
    with pytest.raises(ValueError, match=r"params\['Wh'\] must have shape \(8, 8\), got \(8, 2\)"):
        gradient_check(inputs, labels, params)  # LSTM parameters given to the vanilla RNN


def test_the_lstm_step_exercise_refuses_the_helper_and_names_each_usual_mistake():
    import dataclasses

    from rnn_helpers.exercises import IMPLEMENTATIONS, judge_function, prepared
    from rnn_helpers.exercises.engine import judge_prepared

    passed, message = judge_function("lstm_step", gated.lstm_step)
    assert not passed and "gated.lstm_step()" in message, message
    # The mutants (and the transposed function below) call the helper, which judge_function refuses as the
    # answer; judged without that refusal, each must get its own mistake named.
    without_refusal = dataclasses.replace(prepared("lstm_step"), answers=frozenset())
    for mistake in IMPLEMENTATIONS["lstm_step"].mistakes:
        passed, message = judge_prepared("lstm_step", mistake.mutant, without_refusal)
        assert not passed and mistake.what in message, (mistake.what, message)

    def not_done(x_t, h_prev, c_prev, params):
        raise NotImplementedError

    assert "not done yet" in judge_function("lstm_step", not_done)[1]

    def transposed(x_t, h_prev, c_prev, params):
        return gated.lstm_step(x_t, h_prev, c_prev, {**params, "Wh": params["Wh"].T})

    assert "Shapes: Wx (4H, D)" in judge_prepared("lstm_step", transposed, without_refusal)[1]


MEMORY_CLAIM_SEEDS = range(10, 20)  # notebook 09 uses seeds 0-4


def test_notebook_09_memory_claims_hold_for_ten_other_seeds():
    """The claims notebook 09 prints about its memory experiment (seeds 0-4), in the same words, for
    seeds 10-19: only the runs the claims are about. Each run uses one BLAS thread (steps_to_remember).
    About 2-4 minutes on two busy cores."""
    from rnn_helpers.memory import steps_to_remember

    seeds = MEMORY_CLAIM_SEEDS
    count = len(seeds)
    needed = [(cell, 10) for cell in ("rnn", "lstm", "gru")] + [(cell, gap) for cell in ("lstm", "gru")
                                                              for gap in (20, 40)] + [("rnn", 80)]
    runs = {key: [steps_to_remember(*key, seed)[0] for seed in seeds] for key in needed}
    usual = {cell: [steps_to_remember(cell, 40, seed, gate_bias=bias)[0] for seed in seeds]
             for cell, bias in (("lstm", 1.0), ("gru", 0.0))}

    def solved(steps):
        return sum(value is not None for value in steps)

    def median_steps(cell, gap):
        return np.median([value for value in runs[cell, gap] if value is not None])

    # "every cell solves gap 10 in N of N seeds"
    assert all(solved(runs[cell, 10]) == count for cell in ("rnn", "lstm", "gru")), runs
    # "at gap 10 the vanilla RNN needs fewer steps than the LSTM, and the LSTM fewer than the GRU, in N of N seeds"
    assert all(rnn < lstm < gru for rnn, lstm, gru in zip(runs["rnn", 10], runs["lstm", 10], runs["gru", 10],
                                                          strict=True)), runs
    # "at gaps 10, 20 and 40 the GRU needs more steps than the LSTM (medians over the solved seeds)"
    assert all(median_steps("gru", gap) > median_steps("lstm", gap) for gap in (10, 20, 40)), runs
    # "the vanilla RNN solves fewer seeds at gap 80 than at gap 10"
    assert solved(runs["rnn", 80]) < solved(runs["rnn", 10]), runs
    # "at gap 40, each gated cell solves more seeds with its gate bias at 3 than at its usual value"
    assert all(solved(runs[cell, 40]) > solved(usual[cell]) for cell in usual), (runs, usual)
