"""Time forward + backward (loss and every gradient) of rnn_helpers against PyTorch autograd.

For each size, both compute the same float64 computation from the same weights: the vanilla RNN,
a linear read-out and the mean softmax cross-entropy over all steps. The script first checks that
the losses and all gradients agree to 1e-10, then prints the median time of each and their ratio.

    python benchmarks/bptt_vs_torch.py            # needs torch (pip install torch==2.13.0)
"""

import argparse
import statistics
import sys
import time

import numpy as np

from rnn_helpers import init_params
from rnn_helpers.backprop import rnn_backward

# (name, batch N, input D, hidden H, sequence T); output size O = 2 throughout.
SIZES = [
    ("original notebook", 1, 3, 4, 5),
    ("notebook 07 batch", 32, 1, 16, 20),
    ("medium", 128, 3, 32, 30),
    ("large", 64, 32, 128, 100),
]
OUTPUT_SIZE = 2
TOLERANCE = 1e-10


def make_problem(batch, input_size, hidden_size, length, seed=0):
    rng = np.random.RandomState(seed)
    params = init_params(input_size, hidden_size, OUTPUT_SIZE, seed=rng)
    params = {name: value / np.sqrt(max(hidden_size, input_size)) for name, value in params.items()}
    inputs = rng.randn(batch, length, input_size)
    labels = rng.randint(0, OUTPUT_SIZE, size=(batch, length))
    h0 = 0.1 * rng.randn(batch, hidden_size)
    return params, inputs, labels, h0


def torch_model(params, inputs, labels, h0):
    """Build the same computation with torch.nn.RNN + nn.Linear + cross_entropy; return a closure."""
    import torch

    torch.set_default_dtype(torch.float64)
    hidden_size, input_size = params["Wx"].shape
    rnn = torch.nn.RNN(input_size, hidden_size, nonlinearity="tanh", batch_first=True)
    readout = torch.nn.Linear(hidden_size, OUTPUT_SIZE)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(params["Wx"]))
        rnn.weight_hh_l0.copy_(torch.from_numpy(params["Wh"]))
        rnn.bias_ih_l0.copy_(torch.from_numpy(params["bx"]))
        rnn.bias_hh_l0.zero_()  # torch has two hidden biases; ours is their sum
        readout.weight.copy_(torch.from_numpy(params["Wy"]))
        readout.bias.copy_(torch.from_numpy(params["by"]))
    x = torch.from_numpy(inputs)
    y = torch.from_numpy(labels).reshape(-1)
    h = torch.from_numpy(h0)[None].clone().requires_grad_(True)
    wrt = [rnn.weight_ih_l0, rnn.weight_hh_l0, readout.weight, rnn.bias_ih_l0, readout.bias, h]

    def loss_and_grads():
        hidden_states, _ = rnn(x, h)
        logits = readout(hidden_states)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, OUTPUT_SIZE), y)
        return loss, torch.autograd.grad(loss, wrt)

    return loss_and_grads


def interleaved_medians(ours, theirs, blocks=7, min_block_seconds=0.2):
    """Median milliseconds of two functions, timed in alternating blocks.

    Alternating blocks of calls let both meet the same machine conditions (another process, CPU
    frequency, memory state) instead of one of them getting a quiet minute and the other a busy
    one; a short pause after each block lets the other library's worker threads go idle.
    """
    times = {ours: [], theirs: []}
    for function in (ours, theirs):
        function()  # warm-up
    for _ in range(blocks):
        for function in (ours, theirs):
            start = time.perf_counter()
            while time.perf_counter() - start < min_block_seconds:
                t0 = time.perf_counter()
                function()
                times[function].append(time.perf_counter() - t0)
            time.sleep(0.3)
    return 1000 * statistics.median(times[ours]), 1000 * statistics.median(times[theirs])


def max_difference_from_torch(batch, input_size, hidden_size, length):
    """Largest absolute difference between our loss and gradients and torch autograd's."""
    params, inputs, labels, h0 = make_problem(batch, input_size, hidden_size, length)
    loss, grads = rnn_backward(inputs, labels, params, h0=h0)
    torch_loss, torch_grads = torch_model(params, inputs, labels, h0)()
    differences = [abs(loss - torch_loss.item())]
    for key, torch_grad in zip(["Wx", "Wh", "Wy", "bx", "by", "h0"], torch_grads, strict=True):
        differences.append(float(np.max(np.abs(grads[key] - torch_grad.numpy().reshape(grads[key].shape)))))
    return max(differences)


def compare(name, batch, input_size, hidden_size, length):
    """Check agreement and time both implementations at one size; returns a row for the table."""
    params, inputs, labels, h0 = make_problem(batch, input_size, hidden_size, length)
    ours, theirs = interleaved_medians(
        lambda: rnn_backward(inputs, labels, params, h0=h0), torch_model(params, inputs, labels, h0)
    )
    return {"name": name, "size": f"N={batch} D={input_size} H={hidden_size} T={length}", "ours_ms": ours,
            "torch_ms": theirs, "ratio": ours / theirs,
            "max_difference": max_difference_from_torch(batch, input_size, hidden_size, length)}


def format_table(rows):
    lines = [f"{'size':<20} {'shape':<26} {'ours ms':>9} {'torch ms':>9} {'ratio':>6} {'max |diff|':>11}"]
    for row in rows:
        lines.append(f"{row['name']:<20} {row['size']:<26} {row['ours_ms']:>9.3f} {row['torch_ms']:>9.3f} "
                     f"{row['ratio']:>6.2f} {row['max_difference']:>11.1e}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-ratio", type=float, default=0.7, help="fail if any ratio is above this")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("torch is not installed: pip install -r requirements-bench.txt")
        return 2
    print(f"numpy {np.__version__}, torch {torch.__version__}, float64, {torch.get_num_threads()} threads")
    rows = [compare(*size) for size in SIZES]
    print(format_table(rows))
    failed = any(row["ratio"] > args.max_ratio or row["max_difference"] > TOLERANCE for row in rows)
    print("FAILED: a ratio above the target or a difference above 1e-10" if failed else
          f"all ratios <= {args.max_ratio} and all differences <= {TOLERANCE}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
