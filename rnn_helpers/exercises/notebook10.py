"""The implementation exercises of notebook 10 (a character-level language model), with their usual mistakes.

Notebook 10 runs ``from rnn_helpers.exercises import check_function`` and then
``check_function("sample_indices", f)``, like the other notebooks.

- ``sample_indices``: draw characters after a prefix at a temperature, from given uniform numbers;
- ``truncated_bptt_gradients``: the chunks of a batch of streams, with the state carried, no update.
"""

import numpy as np

from .._checks import IGNORE
from ..bptt import rnn_backward
from ..core import rnn_step
from ..lm_data import text_chunks
from ..lm_training import init_language_model, truncated_bptt_gradients
from ..sampling import sample_indices, softmax_with_temperature
from ..text import one_hot
from .engine import Case, Implementation, Mistake

# ---- sampling ---------------------------------------------------------------------------------


def _inverse_cdf(probabilities, uniform):
    """The index k with F_{k-1} <= uniform < F_k (the last index if rounding leaves F_V below uniform)."""
    return int(min(np.searchsorted(np.cumsum(probabilities), uniform, side="right"), len(probabilities) - 1))


def _sampler(choose, carry_state=True):
    """A sampler like ``sample_indices`` whose draw is ``choose(logits, temperature, uniform)``; with
    ``carry_state=False`` every drawn character is read from a zero state instead of the previous state."""
    def sample(params, prefix_indices, uniforms, temperature):
        vocabulary_size = params["Wy"].shape[0]
        h = np.zeros(params["Wh"].shape[0])
        for index in prefix_indices:
            h, logits = rnn_step(one_hot(index, vocabulary_size), h, params)
        drawn = []
        for uniform in uniforms:
            drawn.append(choose(logits, temperature, uniform))
            h, logits = rnn_step(one_hot(drawn[-1], vocabulary_size), h if carry_state else np.zeros_like(h), params)
        return np.array(drawn)
    return sample


def _temperature_after_softmax(logits, temperature, uniform):
    return _inverse_cdf(softmax_with_temperature(logits, 1.0) / temperature, uniform)


def _unshifted(logits, temperature, uniform):
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = np.exp(logits / temperature)
        return _inverse_cdf(scaled / scaled.sum(), uniform)


def _sampling_cases():
    rng = np.random.RandomState(21)
    params = init_language_model(6, 8, "rnn", seed=rng)
    params = {name: 3.0 * value for name, value in params.items()}  # logits of a few units: a peaked model
    loud = {name: 60.0 * value if name == "Wy" else value for name, value in params.items()}  # logits of hundreds
    return [
        Case("a prefix of 3 characters, V=6, H=8, temperature 1", (params, np.array([0, 3, 5]), rng.uniform(size=12),
                                                                   1.0)),
        Case("a prefix of 1 character, temperature 0.5", (params, np.array([2]), rng.uniform(size=10), 0.5)),
        Case("temperature 2", (params, np.array([1, 4]), rng.uniform(size=10), 2.0)),
        Case("logits of several hundred at temperature 0.1 (exp would overflow unshifted)",
             (loud, np.array([1, 2]), rng.uniform(size=8), 0.1)),
    ]


SAMPLING_MISTAKES = (
    Mistake("the temperature is applied after the softmax (p / tau) instead of to the logits",
            "Divide the logits by the temperature, then take the softmax: p = softmax(y / tau).",
            _sampler(_temperature_after_softmax)),
    Mistake("you take the most likely character (argmax) instead of sampling",
            "Draw from the distribution with the uniform number: the first k whose cumulative probability "
            "exceeds u (np.searchsorted(np.cumsum(p), u, side='right')). argmax is greedy decoding.",
            _sampler(lambda logits, temperature, uniform: int(np.argmax(logits)))),
    Mistake("the logits are not shifted by their maximum before exp, which overflows for large logits",
            "Subtract (y / tau).max() before np.exp: the softmax is unchanged and exp stays finite.",
            _sampler(_unshifted)),
    Mistake("the hidden state is not carried: each drawn character is read from a zero state",
            "Feed each drawn character back with the state h the previous step returned.",
            _sampler(lambda logits, temperature, uniform: _inverse_cdf(softmax_with_temperature(logits, temperature),
                                                                       uniform), carry_state=False)),
)

# ---- truncated BPTT ---------------------------------------------------------------------------


def _chunked(params, streams, chunk_length, targets_of=None, carry_state=True, keep_last=True):
    """Truncated BPTT with one mistake put in: the losses (K,) and the summed gradients."""
    vocabulary_size = params["Wy"].shape[0]
    chunks = text_chunks(streams, chunk_length)
    if not keep_last and chunks[-1][0].shape[1] < chunk_length:
        chunks = chunks[:-1]
    losses, total = [], {name: np.zeros_like(value) for name, value in params.items()}
    state = np.zeros((len(streams), params["Wh"].shape[0]))
    for inputs, targets in chunks:
        targets = targets if targets_of is None else targets_of(inputs)
        loss, grads, last = rnn_backward(one_hot(inputs, vocabulary_size), targets, params, h0=state,
                                         return_state=True)
        state = last if carry_state else state
        losses.append(loss)
        for name in total:
            total[name] += grads[name]
    return np.array(losses), total


def _gradient_through_earlier_chunks(streams, params, chunk_length):
    """The gradient of each chunk's loss taken back through every earlier chunk (the state not cut off)."""
    vocabulary_size = params["Wy"].shape[0]
    losses, total, start = [], {name: np.zeros_like(value) for name, value in params.items()}, 0
    for inputs, targets in text_chunks(streams, chunk_length):
        end = start + inputs.shape[1]
        labels = np.full((len(streams), end), IGNORE)
        labels[:, start:] = targets  # only this chunk's loss, but the whole text before it is differentiated
        loss, grads = rnn_backward(one_hot(streams[:, :end], vocabulary_size), labels, params)
        losses.append(loss)
        for name in total:
            total[name] += grads[name]
        start = end
    return np.array(losses), total


def _chunk_cases():
    rng = np.random.RandomState(22)
    params = {name: 2.0 * value for name, value in init_language_model(5, 6, "rnn", seed=rng).items()}
    return [
        Case("2 streams of 12 characters in chunks of 4 (the last chunk 3 long), V=5, H=6",
             (rng.randint(0, 5, size=(2, 12)), params, 4)),
        Case("3 streams of 15 characters in chunks of 5 (the last chunk 4 long)", (rng.randint(0, 5, size=(3, 15)),
                                                                                 params, 5)),
    ]


CHUNK_MISTAKES = (
    Mistake("the targets are not shifted: each chunk predicts its own inputs",
            "The target of input streams[:, t] is the next character, streams[:, t + 1]: targets are the inputs "
            "moved one place to the left.",
            lambda streams, params, chunk_length: _chunked(params, streams, chunk_length, targets_of=lambda x: x)),
    Mistake("the state is reset at every chunk",
            "Start each chunk from the last hidden state of the previous one (return_state=True gives it); only "
            "the first chunk starts from zeros.",
            lambda streams, params, chunk_length: _chunked(params, streams, chunk_length, carry_state=False)),
    Mistake("the gradient is carried across chunks: each chunk's loss is backpropagated through the earlier "
            "chunks too", "Pass the previous state as h0 of this chunk's backward pass and backpropagate "
            "through this chunk only: the state's value crosses the boundary, its gradient does not.",
            _gradient_through_earlier_chunks),
    Mistake("the last, shorter chunk is lost",
            "When the stream length - 1 does not divide by chunk_length, the last chunk is shorter: keep it, "
            "or its characters are never trained on.",
            lambda streams, params, chunk_length: _chunked(params, streams, chunk_length, keep_last=False)),
)

IMPLEMENTATIONS = {
    "sample_indices": Implementation(
        sample_indices, ("drawn",), _sampling_cases, SAMPLING_MISTAKES,
        "logits has shape (V,); one_hot(index, V) is the input x_t (V,), and rnn_step(x_t, h, params) returns "
        "(h, logits)."),
    "truncated_bptt_gradients": Implementation(
        truncated_bptt_gradients, ("losses", "grads"), _chunk_cases, CHUNK_MISTAKES,
        "streams has shape (N, L); a chunk's inputs are (N, T') character indices, one_hot makes them (N, T', V), "
        "and the state h0 is (N, H)."),
}

