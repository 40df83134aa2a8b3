"""Train notebook 10's language models for a fixed wall-clock budget, ours and PyTorch's, and compare them.

For each data set (tinyshakespeare and names, split as in notebook 10) the same model is trained twice
in one run, for the same number of seconds: with rnn_helpers (our NumPy forward and backward passes) and
with PyTorch (torch.nn.RNN / nn.GRU + nn.Linear + cross_entropy, autograd). Both start from the same
weights and use the same batches in the same order, Adam with the same settings and a learning rate
decayed linearly to zero over the budget, clipping at norm 5, and float64. Then each is evaluated on the
held-out part, and the script prints exactly two lines:

    shakespeare: held-out perplexity P after S s of training; torch, same model and budget: Q; bigram: B
    names: held-out loss L nats/char after S s of training; torch, same model and budget: M; bigram: B

Details (steps taken, load average, samples of our models at temperatures 0.5 and 1.0) go to stderr. Needs
torch (requirements-bench.txt).

    python benchmarks/language_model.py                 # 60 s per model, 2 BLAS threads: about 4 minutes
    python benchmarks/language_model.py --seconds 10    # a quick look
    python benchmarks/language_model.py --seed 1        # other initial weights (and names batches)
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import threadpoolctl

from rnn_helpers.lm_data import BOUNDARY, batch_rows, name_batch, split_names, split_text, text_chunks, text_streams
from rnn_helpers.lm_metrics import bigram_counts, bigram_loss, perplexity
from rnn_helpers.lm_training import init_language_model, names_loss, text_loss, train_on_names, train_on_text
from rnn_helpers.sampling import generate, generate_names
from rnn_helpers.text import build_vocabulary, encode, one_hot, read_text
from rnn_helpers.training import Adam

DATA = Path(__file__).resolve().parent.parent / "data"
MAX_STEPS = 1_000_000  # never reached: the time budget ends each run
CLIP_NORM = 5.0
# The models, chosen by measurement on this 2-core machine (notebook 10's last section has the figures).
# Shakespeare in 8 streams of 100-character chunks at lr 0.005, names in batches of 4 at lr 0.002: small
# batches, where our step costs far less than PyTorch's autograd (we took 2.0 to 2.5 and 1.8 to 2.2 times its
# steps in the minute), at small learning rates, where a run is limited by its number of steps, so that the
# extra steps pay. At lr 0.01 in chunks of 25 or 100, and in batches of 64 names, the two ended within about
# 0.1 in perplexity and 0.01 nats/char of each other. These settings are no code's best: both reach about 5.4
# and 2.02 in others.
SHAKESPEARE = {"cell": "rnn", "hidden_size": 128, "num_streams": 8, "chunk_length": 100, "learning_rate": 0.005}
NAMES = {"cell": "rnn", "hidden_size": 128, "batch_size": 4, "learning_rate": 0.002}
SAMPLE_TEMPERATURES = (0.5, 1.0)  # of the samples written to stderr
EVALUATION_STREAMS, EVALUATION_CHUNK = 8, 500  # as text_loss reads the held-out text


def log(message):
    print(message, file=sys.stderr, flush=True)


def load():
    return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


# ---- PyTorch: the same model, batches, optimiser and schedule ---------------------------------


def torch_model(params, cell):
    """torch.nn.RNN / GRU + Linear holding ``params``' values; returns (layer, readout, the parameters to train)."""
    import torch

    vocabulary_size, hidden_size = params["Wy"].shape
    layer_class = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU}[cell]
    layer = layer_class(vocabulary_size, hidden_size, batch_first=True, dtype=torch.float64)
    readout = torch.nn.Linear(hidden_size, vocabulary_size, dtype=torch.float64)
    with torch.no_grad():
        layer.weight_ih_l0.copy_(torch.from_numpy(params["Wx"]))
        layer.weight_hh_l0.copy_(torch.from_numpy(params["Wh"]))
        layer.bias_ih_l0.copy_(torch.from_numpy(params["bx"]))
        layer.bias_hh_l0.zero_()
        if cell == "gru":
            layer.bias_hh_l0[2 * hidden_size :] = torch.from_numpy(params["bhn"])
        readout.weight.copy_(torch.from_numpy(params["Wy"]))
        readout.bias.copy_(torch.from_numpy(params["by"]))
    trained = [layer.weight_ih_l0, layer.weight_hh_l0, layer.bias_ih_l0, readout.weight, readout.bias]
    if cell == "gru":  # our GRU has bhn only: torch's r and z parts of bias_hh would duplicate bias_ih
        mask = torch.zeros(3 * hidden_size, dtype=torch.float64)
        mask[2 * hidden_size :] = 1.0
        layer.bias_hh_l0.register_hook(lambda grad: grad * mask)
        trained.append(layer.bias_hh_l0)
    else:  # our RNN has one bias, bx: torch's bias_hh would duplicate it, so it stays at zero
        layer.bias_hh_l0.requires_grad_(False)
    return layer, readout, trained


def torch_train(params, cell, learning_rate, make_batch, seconds):
    """Train the torch copy of ``params`` for ``seconds``; ``make_batch(step, state)`` as in lm_training."""
    import torch

    layer, readout, trained = torch_model(params, cell)
    optimizer = torch.optim.Adam(trained, lr=learning_rate, betas=(0.9, 0.999), eps=1e-8)
    state, spent, step = None, 0.0, 0
    while spent < seconds and step < MAX_STEPS:
        started = time.perf_counter()
        for group in optimizer.param_groups:
            group["lr"] = learning_rate * max(1.0 - spent / seconds, 0.0)
        inputs, targets, h0 = make_batch(step, state)
        loss, last = torch_batch_loss(layer, readout, inputs, targets, h0)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trained, CLIP_NORM)
        optimizer.step()
        state = last.detach()  # the value goes on to the next chunk, the gradient does not
        step += 1
        spent += time.perf_counter() - started
    return layer, readout, step


def torch_batch_loss(layer, readout, inputs, targets, h0=None):
    """The torch model's mean cross-entropy (a scalar tensor, for backward) of (N, T) targets given (N, T)
    inputs from the (N, H) array or tensor h0 (zeros if None), and the last state, shape (N, H)."""
    import torch

    vocabulary_size = readout.weight.shape[0]
    h0 = None if h0 is None else torch.as_tensor(h0)[None]  # torch.nn.RNN's layout: (layers, N, H)
    outputs, last = layer(torch.from_numpy(one_hot(inputs, vocabulary_size)), h0)
    loss = torch.nn.functional.cross_entropy(readout(outputs).reshape(-1, vocabulary_size),
                                             torch.from_numpy(targets.reshape(-1)), ignore_index=-1)
    return loss, last[0]


def torch_loss(layer, readout, inputs, targets, h0=None):
    """``torch_batch_loss`` without gradients: (loss in nats/char as a float, the last state)."""
    import torch

    with torch.no_grad():
        loss, last = torch_batch_loss(layer, readout, inputs, targets, h0)
    return float(loss), last


def torch_text_loss(layer, readout, held_out):
    """``text_loss`` for the torch model: the same streams and chunks, the state carried."""
    streams = text_streams(held_out, EVALUATION_STREAMS)
    state, total = None, 0.0
    for inputs, targets in text_chunks(streams, min(EVALUATION_CHUNK, streams.shape[1] - 1)):
        loss, state = torch_loss(layer, readout, inputs, targets, state)
        total += loss * targets.size
    return total / (streams.shape[0] * (streams.shape[1] - 1))


# ---- the two data sets -----------------------------------------------------------------------


def shakespeare(seconds, seed):
    text = read_text(DATA / "tinyshakespeare.txt")
    vocabulary = build_vocabulary(text)
    train, held_out = split_text(encode(text, vocabulary), held_out_fraction=0.1)
    settings = SHAKESPEARE
    params = init_language_model(len(vocabulary), settings["hidden_size"], settings["cell"], seed=seed)
    start = {name: value.copy() for name, value in params.items()}
    log(f"shakespeare: {settings}, seed {seed}; {load()}")
    history = train_on_text(params, train, Adam(settings["learning_rate"]), MAX_STEPS,
                            num_streams=settings["num_streams"], chunk_length=settings["chunk_length"],
                            cell=settings["cell"], clip_norm=CLIP_NORM, max_seconds=seconds, decay=True)
    ours = perplexity(text_loss(params, held_out, settings["cell"], EVALUATION_STREAMS, EVALUATION_CHUNK))
    log(f"  ours: {history['step'][-1]} steps in {history['seconds'][-1]:.1f} s, perplexity {ours:.3f}; {load()}")
    prefix = "ROMEO:"
    for temperature in SAMPLE_TEMPERATURES:
        sample_text = generate(params, vocabulary, prefix, 300, temperature)
        log(f"  --- sample at temperature {temperature}:\n{prefix}{sample_text}")
    chunks = text_chunks(text_streams(train, settings["num_streams"]), settings["chunk_length"])

    def make_batch(step, state):
        inputs, targets = chunks[step % len(chunks)]
        return inputs, targets, None if step % len(chunks) == 0 else state

    layer, readout, steps = torch_train(start, settings["cell"], settings["learning_rate"], make_batch, seconds)
    theirs = perplexity(torch_text_loss(layer, readout, held_out))
    log(f"  torch: {steps} steps in {seconds:.0f} s, perplexity {theirs:.3f}; {load()}")
    bigram = perplexity(bigram_loss(bigram_counts(train[:-1], train[1:], len(vocabulary)), held_out[:-1], held_out[1:]))
    return (f"shakespeare: held-out perplexity {ours:.2f} after {seconds:g} s of training; torch, same model and "
            f"budget: {theirs:.2f}; bigram: {bigram:.2f}")


def names(seconds, seed):
    all_names = read_text(DATA / "names.txt").split("\n")
    train, held_out = split_names(all_names, held_out_fraction=0.1, seed=0)
    vocabulary = build_vocabulary(BOUNDARY + "".join(all_names))
    settings = NAMES
    params = init_language_model(len(vocabulary), settings["hidden_size"], settings["cell"], seed=seed)
    start = {name: value.copy() for name, value in params.items()}
    log(f"names: {settings}, seed {seed}; {load()}")
    history = train_on_names(params, train, vocabulary, Adam(settings["learning_rate"]), MAX_STEPS,
                             batch_size=settings["batch_size"], cell=settings["cell"], clip_norm=CLIP_NORM,
                             max_seconds=seconds, decay=True, seed=seed)
    ours = names_loss(params, held_out, vocabulary, settings["cell"])
    log(f"  ours: {history['step'][-1]} steps in {history['seconds'][-1]:.1f} s, loss {ours:.4f}; {load()}")
    known = set(train)
    for temperature in SAMPLE_TEMPERATURES:
        sampled = generate_names(params, vocabulary, 1000, temperature)
        new = sum(name not in known for name in sampled)
        log(f"  names at temperature {temperature} (* = not in the training list; {new} of 1000 new): "
            + ", ".join(name + "*" * (name not in known) for name in sampled[:15]))
    rng = np.random.RandomState(seed)  # the same draws as train_on_names(seed=seed)
    every_name = name_batch(train, vocabulary)  # encoded once, as train_on_names does

    def make_batch(step, state):
        rows = rng.randint(0, len(train), size=settings["batch_size"])
        return (*batch_rows(*every_name, rows), None)

    layer, readout, steps = torch_train(start, settings["cell"], settings["learning_rate"], make_batch, seconds)
    theirs = torch_loss(layer, readout, *name_batch(held_out, vocabulary))[0]
    log(f"  torch: {steps} steps in {seconds:.0f} s, loss {theirs:.4f}; {load()}")
    bigram = bigram_loss(bigram_counts(*name_batch(train, vocabulary), len(vocabulary)),
                         *name_batch(held_out, vocabulary))
    return (f"names: held-out loss {ours:.3f} nats/char after {seconds:g} s of training; torch, same model and "
            f"budget: {theirs:.3f}; bigram: {bigram:.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="training budget per model (default 60)")
    parser.add_argument("--threads", type=int, default=2, help="BLAS and torch threads (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="seeds the initial weights and names batches (default 0)")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    with threadpoolctl.threadpool_limits(args.threads):
        lines = [shakespeare(args.seconds, args.seed), names(args.seconds, args.seed)]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
