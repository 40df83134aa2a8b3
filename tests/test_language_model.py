"""Notebook 10's helpers (text, lm_data, lm_metrics, lm_training, sampling, lm_explorer) and its data files."""

import hashlib
from pathlib import Path

import numpy as np
import pytest

from rnn_helpers.backprop import numerical_gradient, relative_error, rnn_backward, softmax_cross_entropy
from rnn_helpers.cells import get_cell
from rnn_helpers.exercises import notebook10 as lm_exercises
from rnn_helpers.gated import gru_backward
from rnn_helpers.lm_data import BOUNDARY, batch_rows, name_batch, split_names, split_text, text_chunks, text_streams
from rnn_helpers.lm_explorer import explorer_view
from rnn_helpers.lm_metrics import bigram_counts, bigram_loss, perplexity, unigram_loss
from rnn_helpers.lm_training import (
    init_language_model,
    input_gradient_norms,
    names_loss,
    sequence_loss,
    text_loss,
    train_on_names,
    train_on_text,
    truncated_bptt_gradients,
)
from rnn_helpers.sampling import (
    generate,
    generate_greedy,
    generate_names,
    greedy_indices,
    sample_indices,
    sample_next,
    softmax_with_temperature,
)
from rnn_helpers.text import build_vocabulary, decode, encode, one_hot, read_text
from rnn_helpers.training import Adam

DATA = Path(__file__).resolve().parent.parent / "data"
CHECKSUMS = {  # from data/README.md (and the shared data folder's README)
    "tinyshakespeare.txt": "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
    "names.txt": "0a30b5557f192f32ab962680889aac5f6fda0f4cecf40a6d0b5694f58ea8cc4d",
}


@pytest.mark.parametrize("name", sorted(CHECKSUMS))
def test_the_data_files_are_the_published_ones(name):
    assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == CHECKSUMS[name]
    assert CHECKSUMS[name] in (DATA / "README.md").read_text()
    assert (DATA / "names.LICENSE").read_text().startswith("MIT License")


def test_text_round_trip_and_unknown_characters():
    vocabulary = build_vocabulary("hello world")
    assert vocabulary == " dehlorw"
    indices = encode("hello", vocabulary)
    assert indices.dtype == np.int64 and decode(indices, vocabulary) == "hello"
    with pytest.raises(ValueError, match=r"got 'X' at position 3"):
        encode("helXo", vocabulary)
    assert np.array_equal(one_hot(np.array([[0, 2]]), 3), [[[1, 0, 0], [0, 0, 1]]])


def test_read_text_names_the_byte_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("café".encode("latin-1"))
    with pytest.raises(ValueError, match=r"byte 3"):
        read_text(path)
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(ValueError, match="must not be empty"):
        read_text(tmp_path / "empty.txt")


def test_splits_are_the_stated_ones():
    indices = np.arange(100) % 7
    train, held_out = split_text(indices, 0.1)
    assert np.array_equal(train, indices[:90]) and np.array_equal(held_out, indices[90:])
    names = [f"n{'a' * k}" for k in range(20)]
    train_names, held_out_names = split_names(names, 0.1, seed=0)
    order = np.random.RandomState(0).permutation(20)
    assert train_names + held_out_names == [names[k] for k in order] and len(held_out_names) == 2


def test_name_batches_mark_the_ends_and_mask_the_padding():
    vocabulary = build_vocabulary(BOUNDARY + "abemv")
    inputs, targets = name_batch(["emma", "ava"], vocabulary)
    assert decode(inputs[0], vocabulary) == ".emma" and decode(targets[0], vocabulary) == "emma."
    assert decode(inputs[1], vocabulary) == ".ava." and list(targets[1, -1:]) == [-1]


def test_rows_of_a_batch_equal_the_batch_of_those_names():
    names = ["emma", "ava", "isabella", "mia", "al", "bo"]
    vocabulary = build_vocabulary(BOUNDARY + "".join(names))
    every_name = name_batch(names, vocabulary)
    for rows in ([1, 3], [2, 0, 2], [4], [5, 4, 1]):  # the longest name of the rows sets the width
        expected = name_batch([names[row] for row in rows], vocabulary)
        for got, want in zip(batch_rows(*every_name, np.array(rows)), expected, strict=True):
            assert got.dtype == want.dtype and np.array_equal(got, want), rows


def test_chunks_cover_every_character_once_with_shifted_targets():
    streams = text_streams(np.arange(43) % 11, 3)  # 3 streams of 14 characters, one left over
    assert streams.shape == (3, 14)
    chunks = text_chunks(streams, 5)
    assert [inputs.shape[1] for inputs, _ in chunks] == [5, 5, 3]
    assert np.array_equal(np.concatenate([inputs for inputs, _ in chunks], axis=1), streams[:, :-1])
    assert np.array_equal(np.concatenate([targets for _, targets in chunks], axis=1), streams[:, 1:])
    with pytest.raises(ValueError, match="chunk_length must be at most"):
        text_chunks(streams, 14)


def test_baselines():
    assert perplexity(np.log(65)) == pytest.approx(65)
    inputs, targets = np.array([0, 1, 0, 1]), np.array([1, 0, 1, 0])
    probabilities = bigram_counts(inputs, targets, 2, smoothing=1.0)
    assert np.allclose(probabilities, [[1 / 4, 3 / 4], [3 / 4, 1 / 4]])
    assert bigram_loss(probabilities, inputs, targets) == pytest.approx(-np.log(0.75))
    assert unigram_loss(targets, targets, 2) == pytest.approx(np.log(2))


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_backward_returns_the_forward_passes_last_state(cell):
    rng = np.random.RandomState(0)
    params = init_language_model(5, 4, cell, seed=1)
    inputs, labels, h0 = one_hot(rng.randint(0, 5, (3, 6)), 5), rng.randint(0, 5, (3, 6)), rng.randn(3, 4)
    backward = {"rnn": rnn_backward, "gru": gru_backward}[cell]
    loss, grads, last = backward(inputs, labels, params, h0=h0, return_state=True)
    loss_alone, grads_alone = backward(inputs, labels, params, h0=h0)
    assert loss == loss_alone and all(np.array_equal(grads[k], grads_alone[k]) for k in grads)
    assert np.allclose(last, get_cell(cell).forward_batch(inputs, params, h0)[0][:, -1], rtol=0, atol=1e-14)
    one = backward(inputs[0], labels[0], params, h0=h0[0], return_state=True)[2]
    assert one.shape == (4,)


def test_truncated_bptt_equals_the_chunks_done_one_by_one():
    rng = np.random.RandomState(3)
    params = init_language_model(4, 5, "rnn", seed=2)
    streams = rng.randint(0, 4, (2, 12))
    losses, grads = truncated_bptt_gradients(streams, params, 4)
    state = np.zeros((2, 5))
    for k, (inputs, targets) in enumerate(text_chunks(streams, 4)):
        hidden, _ = get_cell("rnn").forward_batch(one_hot(inputs, 4), params, state)
        assert losses[k] == pytest.approx(sequence_loss(params, inputs, targets, "rnn", state)[0], abs=1e-13)
        state = hidden[:, -1]
    assert set(grads) == set(params)


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_input_gradient_norms_agree_with_central_differences(cell):
    """||dL/du_t|| with u_t = Wx x_t, checked through dL/dx_t = Wx^T dL/du_t, x_t perturbed as real numbers."""
    params = {name: 2.0 * value for name, value in init_language_model(8, 2, cell, seed=4).items()}
    indices = np.array([0, 3, 7, 4, 2, 6, 1])
    norms = input_gradient_norms(params, indices, cell)
    inputs = one_hot(indices[:-1], 8)[None]
    labels = np.full((1, 6), -1)
    labels[0, -1] = indices[-1]
    forward = get_cell(cell).forward_batch

    def loss():
        return softmax_cross_entropy(forward(inputs, params)[1], labels)[0]

    d_inputs = numerical_gradient(loss, inputs)[0]  # (T - 1, V): dL/dx_t for every step
    # dL/dx_t = Wx^T dL/du_t, and Wx^T (V rows, more than H or 3H columns) has full column rank: solve for dL/du_t.
    d_u = np.linalg.lstsq(params["Wx"].T, d_inputs.T, rcond=None)[0].T
    assert relative_error(np.linalg.norm(d_u, axis=1), norms) < 1e-6


def test_sampling_follows_the_inverse_cdf_and_greedy_is_the_cold_limit():
    logits = np.array([0.0, np.log(3.0)])  # p = (1/4, 3/4)
    assert sample_next(logits, 1.0, 0.2) == 0 and sample_next(logits, 1.0, 0.3) == 1
    assert np.allclose(softmax_with_temperature(np.array([1000.0, 0.0]), 1e-3), [1.0, 0.0])
    params = init_language_model(6, 8, "rnn", seed=5)
    params["Wy"] *= 5
    cold = sample_indices(params, np.array([1, 2]), np.random.RandomState(0).uniform(size=20), 1e-4)
    assert np.array_equal(cold, greedy_indices(params, np.array([1, 2]), 20))
    vocabulary = "abcdef"
    assert generate(params, vocabulary, "bc", 20, 1e-4) == generate_greedy(params, vocabulary, "bc", 20)
    assert generate(params, vocabulary, "bc", 20, 1.0, seed=3) == generate(params, vocabulary, "bc", 20, 1.0, seed=3)


def test_explorer_view_is_what_the_slider_shows():
    params = init_language_model(6, 8, "rnn", seed=5)
    view = explorer_view(params, "abcdef", "abc", 0.7, length=15)
    assert view["probabilities"].shape == (6,) and np.isclose(view["probabilities"].sum(), 1.0)
    assert len(view["sample"]) == 15


def test_training_on_names_and_text_lowers_the_held_out_loss():
    vocabulary = build_vocabulary(BOUNDARY + "abc")
    names = ["abc", "ab", "cab", "bca", "aa", "cc"] * 5
    params = init_language_model(len(vocabulary), 8, "rnn", seed=0)
    before = names_loss(params, names, vocabulary)
    history = train_on_names(params, names, vocabulary, Adam(0.02), 60,
                             batch_size=8, held_out=names, evaluate_every=30)
    assert history["step"] == [30, 60] and history["held_out_loss"][-1] < before
    assert len(generate_names(params, vocabulary, 5, 1.0)) == 5
    text = np.arange(400) % 4
    params = init_language_model(4, 8, "gru", seed=0)
    before = text_loss(params, text, "gru")
    history = train_on_text(params, text, Adam(0.02), 60, num_streams=4, chunk_length=10, cell="gru",
                            held_out=text, evaluate_every=20, decay=True)
    assert len(history["held_out_loss"]) == 3 and history["held_out_loss"][-1] < before


LM_EXERCISES = [(name, mistake) for name, exercise in lm_exercises.IMPLEMENTATIONS.items()
                for mistake in exercise.mistakes]


@pytest.mark.parametrize("name", ["sample_indices", "truncated_bptt_gradients"])
def test_notebook_10s_exercises_are_registered_and_refuse_their_answer(name):
    from rnn_helpers.exercises import IMPLEMENTATIONS, judge_function

    assert name in IMPLEMENTATIONS
    passed, message = judge_function(name, IMPLEMENTATIONS[name].reference)
    assert not passed and name in message, message

    def stub(*arguments):
        raise NotImplementedError

    assert "not done yet" in judge_function(name, stub)[1]


@pytest.mark.parametrize("name, mistake", LM_EXERCISES, ids=[f"{n}-{m.what[:30]}" for n, m in LM_EXERCISES])
def test_each_usual_mistake_is_named(name, mistake):
    from rnn_helpers.exercises import judge_function

    passed, message = judge_function(name, mistake.mutant)
    assert not passed and mistake.what in message, message
