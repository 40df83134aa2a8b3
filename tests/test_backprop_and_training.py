"""Backpropagation through time, gradient checks, tasks, optimisers and training."""

import dataclasses
import warnings

import numpy as np
import pytest

import rnn_helpers as rnn
from rnn_helpers.backprop import (
    clip_gradients,
    gradient_check,
    gradient_through_time,
    rnn_backward,
    rnn_loss,
    softmax_cross_entropy,
)
from rnn_helpers.core import IGNORE
from rnn_helpers.tasks import delayed_recall_task, remember_first_task, running_sign_task, train_test_split
from rnn_helpers.training import (
    MAX_GRADIENT_NORM,
    SGD,
    Adam,
    DivergenceWarning,
    TrainingDivergedError,
    evaluate,
    train,
)


def random_problem(batch, length, input_size, hidden_size, output_size, seed):
    rng = np.random.RandomState(seed)
    params = {name: 0.7 * value for name, value in rnn.init_params(input_size, hidden_size, output_size, rng).items()}
    shape = (length,) if batch is None else (batch, length)
    inputs = rng.randn(*shape, input_size)
    labels = rng.randint(0, output_size, size=shape)
    h0 = 0.3 * rng.randn(*shape[:-1], hidden_size)
    return params, inputs, labels, h0


@pytest.mark.parametrize(
    "batch, length, input_size, hidden_size, output_size",
    [(None, 5, 3, 4, 2), (None, 1, 2, 3, 2), (None, 6, 1, 1, 2), (3, 1, 2, 1, 3), (4, 7, 3, 5, 4), (2, 9, 2, 6, 2)],
)
def test_gradient_check_below_1e7_for_every_parameter(batch, length, input_size, hidden_size, output_size):
    params, inputs, labels, h0 = random_problem(batch, length, input_size, hidden_size, output_size, seed=length)
    errors = gradient_check(inputs, labels, params, h0=h0)
    assert set(errors) == {"Wx", "Wh", "Wy", "bx", "by", "h0"}
    assert max(errors.values()) < 1e-7, errors


def test_gradient_check_with_ignored_labels():
    params, inputs, labels, h0 = random_problem(3, 6, 2, 4, 2, seed=1)
    labels[:, :2] = IGNORE
    assert max(gradient_check(inputs, labels, params, h0=h0).values()) < 1e-7


def test_gradient_check_detects_a_wrong_gradient(monkeypatch):
    params, inputs, labels, h0 = random_problem(2, 4, 2, 3, 2, seed=3)
    import rnn_helpers.cells as cells

    def broken_backward(*args, **kwargs):
        loss, grads = rnn_backward(*args, **kwargs)
        grads["Wh"] = grads["Wh"] * 1.01  # a 1% error must show up far above 1e-7
        return loss, grads

    monkeypatch.setitem(cells.CELLS, "rnn", dataclasses.replace(cells.CELLS["rnn"], backward=broken_backward))
    errors = gradient_check(inputs, labels, params, h0=h0)
    assert errors["Wh"] > 1e-3 and errors["Wx"] < 1e-7


def test_batched_backward_equals_sum_of_single_sequences():
    params, inputs, labels, h0 = random_problem(5, 8, 3, 6, 3, seed=7)
    batch_loss, batch_grads = rnn_backward(inputs, labels, params, h0=h0, reduction="sum")
    single = [rnn_backward(inputs[n], labels[n], params, h0=h0[n], reduction="sum") for n in range(5)]
    assert batch_loss == pytest.approx(sum(loss for loss, _ in single), rel=1e-12)
    for name in ("Wx", "Wh", "Wy", "bx", "by"):
        np.testing.assert_allclose(batch_grads[name], sum(grads[name] for _, grads in single), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(batch_grads["h0"], np.stack([grads["h0"] for _, grads in single]), atol=1e-12)


def test_mean_reduction_divides_by_labelled_steps():
    params, inputs, labels, h0 = random_problem(3, 4, 2, 3, 2, seed=2)
    labels[0, 0] = IGNORE
    total, total_grads = rnn_backward(inputs, labels, params, h0=h0, reduction="sum")
    mean, mean_grads = rnn_backward(inputs, labels, params, h0=h0)
    assert mean == pytest.approx(total / 11)
    np.testing.assert_allclose(mean_grads["Wh"], total_grads["Wh"] / 11)


def test_loss_matches_the_forward_pass():
    params, inputs, labels, h0 = random_problem(2, 5, 3, 4, 2, seed=4)
    _, outputs = rnn.rnn_forward_batch(inputs, params, h0=h0)
    shifted = outputs - outputs.max(axis=-1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    expected = -np.mean(np.take_along_axis(log_softmax, labels[..., None], axis=-1))
    assert rnn_loss(inputs, labels, params, h0=h0) == pytest.approx(expected, rel=1e-13)
    assert rnn_backward(inputs, labels, params, h0=h0)[0] == pytest.approx(expected, rel=1e-13)


def test_softmax_cross_entropy_is_stable_for_huge_scores():
    loss, d_outputs = softmax_cross_entropy(np.array([[1000.0, -1000.0]]), np.array([0]))
    assert loss == pytest.approx(0.0) and np.all(np.isfinite(d_outputs))


def test_clipping_scales_the_joint_norm():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([4.0])}
    clipped, norm = clip_gradients(grads, 1.0)
    assert norm == pytest.approx(5.0)
    assert np.sqrt(sum(np.sum(g**2) for g in clipped.values())) == pytest.approx(1.0)
    unclipped, _ = clip_gradients(grads, 10.0)
    np.testing.assert_array_equal(unclipped["a"], grads["a"])
    params, inputs, labels, h0 = random_problem(2, 4, 2, 3, 2, seed=5)
    _, grads = rnn_backward(inputs, labels, params, h0=h0, clip_norm=1e-3)
    assert np.sqrt(sum(np.sum(g**2) for g in grads.values())) == pytest.approx(1e-3)


@pytest.mark.parametrize(
    "labels, error, message",
    [
        (np.zeros(4, dtype=int), ValueError, r"labels must have shape \(5,\), got \(4,\)"),
        (np.array([0, 1, 2, 0, 1]), ValueError,
         r"class indices in \[0, 1\] \(or -1 for no target\), got values from 0 to 2"),
        (np.array([0, 1, -2, 0, 1]), ValueError, r"got values from -2 to 1"),
        (np.zeros(5), TypeError, "labels must be an integer array"),
        (np.full(5, IGNORE), ValueError, "at least one step that is not IGNORE"),
    ],
)
def test_bad_labels_are_rejected(labels, error, message):
    params, inputs, _, _ = random_problem(None, 5, 3, 4, 2, seed=0)
    with pytest.raises(error, match=message):
        rnn_backward(inputs, labels, params)


def test_bad_reduction_and_h0_are_rejected():
    params, inputs, labels, _ = random_problem(None, 5, 3, 4, 2, seed=0)
    with pytest.raises(ValueError, match=r"reduction must be one of \['mean', 'sum'\], got str 'max'"):
        rnn_backward(inputs, labels, params, reduction="max")
    with pytest.raises(ValueError, match=r"h0 must have shape \(4,\), got \(3,\)"):
        rnn_backward(inputs, labels, params, h0=np.zeros(3))
    with pytest.raises(ValueError, match="NaN or inf"):
        rnn_backward(np.full_like(inputs, np.nan), labels, params)


def test_tasks_are_seeded_and_labelled_as_documented():
    data = running_sign_task(4, 6, seed=3)
    assert data["inputs"].shape == (4, 6, 1) and data["labels"].shape == (4, 6)
    np.testing.assert_array_equal(data["labels"], np.cumsum(data["inputs"][..., 0], axis=1) > 0)
    np.testing.assert_array_equal(running_sign_task(4, 6, seed=3)["inputs"], data["inputs"])
    recall = delayed_recall_task(3, 7, delay=2, seed=1)
    assert np.all(recall["labels"][:, :2] == IGNORE)
    np.testing.assert_array_equal(recall["labels"][:, 2:], recall["inputs"][:, :-2, 0] > 0)
    with pytest.raises(ValueError, match="delay must be shorter than sequence_length"):
        delayed_recall_task(3, 5, delay=5)
    train_part, test_part = train_test_split(data, test_fraction=0.25, seed=0)
    assert len(train_part["inputs"]) == 3 and len(test_part["inputs"]) == 1


def test_accuracy_skips_ignored_positions():
    assert rnn.accuracy(np.array([1, 0, 0]), np.array([IGNORE, 0, 1])) == 0.5


@pytest.mark.parametrize("optimizer", [Adam(learning_rate=0.01), SGD(learning_rate=0.05, momentum=0.9)])
def test_short_training_run_beats_chance_by_a_wide_margin(optimizer):
    train_data, test_data = train_test_split(running_sign_task(400, 15, seed=0), test_fraction=0.25, seed=0)
    params = {name: value / 4 for name, value in rnn.init_params(1, 8, 2, seed=1).items()}
    before = evaluate(params, test_data)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)  # a healthy run does not warn
        history = train(params, train_data, optimizer, epochs=15, batch_size=20, test_data=test_data, clip_norm=5.0)
    assert before < 0.7
    assert history["test_accuracy"][-1] > 0.85
    assert history["loss"][-1] < history["loss"][0]
    assert len(history["train_accuracy"]) == 15 and len(history["gradient_norm"]) == 15


def test_training_is_reproducible():
    train_data, _ = train_test_split(running_sign_task(100, 10, seed=0), seed=0)
    runs = []
    for _ in range(2):
        params = rnn.init_params(1, 4, 2, seed=1)
        runs.append((train(params, train_data, Adam(), epochs=2, seed=5)["loss"], params["Wh"].copy()))
    assert runs[0][0] == runs[1][0] and np.array_equal(runs[0][1], runs[1][1])


def test_gradient_through_time_shrinks_for_small_recurrent_weights():
    data = delayed_recall_task(32, 20, delay=2, seed=0)
    params = rnn.init_params(1, 8, 2, seed=0)
    params["Wh"] *= 0.5 / rnn.spectral_radius(params["Wh"])
    norms = gradient_through_time(data["inputs"], data["labels"], params)
    assert norms.shape == (20,) and norms[0] > 0
    assert norms[10] < 1e-2 * norms[0]  # each step back multiplies by a factor below 0.5
    single = gradient_through_time(data["inputs"][0], data["labels"][0], params)
    np.testing.assert_allclose(single, gradient_through_time(data["inputs"][:1], data["labels"][:1], params))
    last_unlabelled = data["labels"].copy()
    last_unlabelled[3, -1] = IGNORE
    with pytest.raises(ValueError, match="labels must label the last step of every sequence"):
        gradient_through_time(data["inputs"], last_unlabelled, params)


def test_fast_tanh_matches_numpy():
    values = np.random.RandomState(0).randn(64, 64) * 5
    values[0, :4] = [400.0, -400.0, 0.0, 1e-9]
    with np.errstate(over="ignore"):  # exp overflows to inf for a > 354; tanh is still exactly 1
        fast = rnn.core.tanh_in_place(values.copy())
    np.testing.assert_allclose(fast, np.tanh(values), rtol=0, atol=1e-15)


def test_remember_first_task_labels_only_the_last_step_with_the_first_sign():
    data = remember_first_task(50, 7, seed=3)
    assert data["inputs"].shape == (50, 8, 1) and data["labels"].shape == (50, 8)
    assert np.all(data["labels"][:, :-1] == IGNORE)
    assert np.array_equal(data["labels"][:, -1], (data["inputs"][:, 0, 0] > 0).astype(int))


def test_train_and_evaluate_take_the_cell_by_name():
    data = running_sign_task(64, 6, seed=0)
    params = rnn.init_params(1, 4, 2, seed=0)
    with pytest.raises(ValueError, match="cell name must be one of"):
        train(params, data, Adam(), 1, cell="transformer")
    history = train(params, data, Adam(), 2, cell="rnn")
    assert history["train_accuracy"][-1] == evaluate(params, data, cell="rnn")


class Recording:
    """An optimiser that remembers the parameters after each of its updates (and forwards the learning rate)."""

    def __init__(self, optimizer):
        self.optimizer, self.learning_rate, self.after_each_update = optimizer, optimizer.learning_rate, []

    def step(self, params, grads):
        self.optimizer.step(params, grads)
        self.after_each_update.append({name: value.copy() for name, value in params.items()})


def exploding_rnn(seed):
    """The exploding regime of notebook 08: spectral radius 4, small inputs, no bias. On 60-step sequences
    the gradient norm of a batch of 20 starts far above 1e6 (above 6e7 for seeds 0 to 5, measured)."""
    params = rnn.init_params(1, 32, 2, seed=seed)
    params["Wx"] *= 0.1
    params["bx"][:] = 0.0
    params["Wh"] *= 4.0 / rnn.spectral_radius(params["Wh"])
    return params


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exploding_gradient_stops_training_with_where_and_what_to_try(seed):
    data = running_sign_task(100, 60, seed=seed)
    params = exploding_rnn(seed)
    start = {name: value.copy() for name, value in params.items()}
    with pytest.raises(TrainingDivergedError) as error:
        train(params, data, SGD(learning_rate=0.1), epochs=3, batch_size=20)
    assert isinstance(error.value, RuntimeError)
    assert (error.value.epoch, error.value.batch) == (1, 1)  # the very first gradient is above 1e6
    message = str(error.value)
    assert "epoch 1, batch 1" in message and f"above MAX_GRADIENT_NORM = {MAX_GRADIENT_NORM:g}" in message
    assert "clip_norm=" in message and "lower learning rate (now 0.1)" in message
    assert error.value.history == {"loss": [], "train_accuracy": [], "test_accuracy": [], "gradient_norm": []}
    for name in params:  # nothing was applied
        np.testing.assert_array_equal(params[name], start[name])
    # The same run with clipping trains on: the clipped gradient is small.
    history = train(exploding_rnn(seed), data, SGD(learning_rate=0.1), epochs=3, batch_size=20, clip_norm=1.0)
    assert len(history["loss"]) == 3 and max(history["gradient_norm"]) > MAX_GRADIENT_NORM / 10


def test_divergence_after_some_updates_leaves_the_last_finite_parameters():
    """Adam with a large step on unscaled weights: a few updates, then the gradient explodes (measured: epoch 1,
    batch 6 with a norm near 6e7 on this seed)."""
    data = running_sign_task(200, 60, seed=0)
    params = rnn.init_params(1, 16, 2, seed=1)
    optimizer = Recording(Adam(learning_rate=0.5))
    with pytest.raises(TrainingDivergedError) as error:
        train(params, data, optimizer, epochs=5, batch_size=20)
    assert error.value.batch > 1 and len(optimizer.after_each_update) == error.value.batch - 1
    assert len(error.value.history["loss"]) == error.value.epoch - 1
    for name in params:
        assert np.all(np.isfinite(params[name]))
        np.testing.assert_array_equal(params[name], optimizer.after_each_update[-1][name])


class BreaksAtUpdate:
    """SGD whose update number ``broken`` writes NaN into Wh, as a hand-written optimiser with a bug might."""

    def __init__(self, broken):
        self.sgd, self.broken, self.updates, self.after_each_update = SGD(learning_rate=0.05), broken, 0, []

    def step(self, params, grads):
        self.sgd.step(params, grads)
        self.updates += 1
        if self.updates == self.broken:
            params["Wh"][0, 0] = np.nan
        self.after_each_update.append({name: value.copy() for name, value in params.items()})


def test_an_update_that_makes_parameters_nan_is_undone():
    data = running_sign_task(64, 10, seed=0)  # 4 batches of 16 per epoch
    params = rnn.init_params(1, 4, 2, seed=0)
    optimizer = BreaksAtUpdate(broken=6)  # epoch 2, batch 2
    with pytest.raises(TrainingDivergedError, match="epoch 2, batch 2: an update made parameters NaN or inf") as error:
        train(params, data, optimizer, epochs=3, batch_size=16, test_data=data)
    assert (error.value.epoch, error.value.batch) == (2, 2)
    assert len(error.value.history["loss"]) == 1 and len(error.value.history["test_accuracy"]) == 1
    for name in params:  # the values from before update 6, that is after update 5
        np.testing.assert_array_equal(params[name], optimizer.after_each_update[4][name])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_finite_but_diverging_run_warns_once(seed):
    """SGD with learning rate 10: the loss climbs to several times its start but stays finite."""
    data = running_sign_task(200, 20, seed=seed)
    params = {name: value / 4 for name, value in rnn.init_params(1, 8, 2, seed=seed).items()}
    with pytest.warns(DivergenceWarning, match=r"training is diverging: the mean loss of epoch \d+ is") as caught:
        history = train(params, data, SGD(learning_rate=10.0), epochs=4, batch_size=20)
    assert len([w for w in caught if w.category is DivergenceWarning]) == 1
    assert "lower learning rate (now 10)" in str(caught[0].message)
    assert np.all(np.isfinite(history["loss"])) and all(np.all(np.isfinite(value)) for value in params.values())
