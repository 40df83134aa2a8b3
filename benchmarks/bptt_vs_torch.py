"""Time forward + backward (loss and every gradient) of rnn_helpers against PyTorch autograd.

For each cell (the vanilla RNN, the LSTM, the GRU) and each size, both compute the same float64
computation from the same weights: the cell (torch.nn.RNN, nn.LSTM or nn.GRU), a linear read-out and
the mean softmax cross-entropy over all steps. The script checks that the losses and all gradients
agree to 1e-10, and prints the median time of each and their ratio.

    python benchmarks/bptt_vs_torch.py              # every cell; needs torch (pip install torch==2.13.0)
    python benchmarks/bptt_vs_torch.py --cells lstm gru
"""

import argparse
import statistics
import sys
import time

import numpy as np

from rnn_helpers.cells import get_cell

# (name, batch N, input D, hidden H, sequence T); output size O = 2 throughout.
SIZES = [
    ("original notebook", 1, 3, 4, 5),
    ("notebook 07 batch", 32, 1, 16, 20),
    ("medium", 128, 3, 32, 30),
    ("large", 64, 32, 128, 100),
]
OUTPUT_SIZE = 2
TOLERANCE = 1e-10
# The largest time ratio ours / torch each cell may reach: the vanilla RNN's target of issue 4, and
# "at least as fast as torch" for the gated cells (issue 8).
MAX_RATIO = {"rnn": 0.7, "lstm": 1.0, "gru": 1.0}


def make_problem(cell, batch, input_size, hidden_size, length, seed=0):
    rng = np.random.RandomState(seed)
    params = get_cell(cell).init(input_size, hidden_size, OUTPUT_SIZE, seed=rng)
    if cell == "rnn":  # standard-normal weights: scale them so tanh is not saturated
        params = {name: value / np.sqrt(max(hidden_size, input_size)) for name, value in params.items()}
    else:  # move the biases off their initial zeros and ones, so every gradient is a generic one
        params = {name: value + 0.1 * rng.randn(*value.shape) for name, value in params.items()}
    inputs = rng.randn(batch, length, input_size)
    labels = rng.randint(0, OUTPUT_SIZE, size=(batch, length))
    h0 = 0.1 * rng.randn(batch, hidden_size)
    return params, inputs, labels, h0


def torch_model(cell, params, inputs, labels, h0):
    """Build the same computation with torch.nn.RNN / LSTM / GRU + nn.Linear + cross_entropy.

    Returns a closure computing (loss, gradients), the gradients in the order of ``grad_names(cell)``.
    """
    import torch

    torch.set_default_dtype(torch.float64)
    hidden_size, input_size = params["Wh"].shape[1], params["Wx"].shape[1]
    layer = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](input_size, hidden_size,
                                                                                   batch_first=True)
    readout = torch.nn.Linear(hidden_size, OUTPUT_SIZE)
    with torch.no_grad():
        layer.weight_ih_l0.copy_(torch.from_numpy(params["Wx"]))
        layer.weight_hh_l0.copy_(torch.from_numpy(params["Wh"]))
        layer.bias_ih_l0.copy_(torch.from_numpy(params["bx"]))
        layer.bias_hh_l0.zero_()  # torch has two hidden biases; ours, bx, is their sum
        if cell == "gru":  # except the GRU's candidate part, which sits inside r * (W_hn h + b_hn)
            layer.bias_hh_l0[2 * hidden_size :] = torch.from_numpy(params["bhn"])
        readout.weight.copy_(torch.from_numpy(params["Wy"]))
        readout.bias.copy_(torch.from_numpy(params["by"]))
    x = torch.from_numpy(inputs)
    y = torch.from_numpy(labels).reshape(-1)
    h = torch.from_numpy(h0)[None].clone().requires_grad_(True)
    state = (h, torch.zeros_like(h)) if cell == "lstm" else h  # the LSTM's cell state starts at zero
    wrt = [layer.weight_ih_l0, layer.weight_hh_l0, readout.weight, layer.bias_ih_l0, readout.bias, h]
    if cell == "gru":
        wrt.append(layer.bias_hh_l0)

    def loss_and_grads():
        hidden_states, _ = layer(x, state)
        logits = readout(hidden_states)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, OUTPUT_SIZE), y)
        return loss, torch.autograd.grad(loss, wrt)

    return loss_and_grads


def grad_names(cell):
    """Our names for the gradients ``torch_model`` returns, in its order."""
    return ["Wx", "Wh", "Wy", "bx", "by", "h0"] + (["bhn"] if cell == "gru" else [])


# How long ``compare`` times: about 7 s a size for both libraries.
FULL_TIMING = {"blocks": 7, "min_block_seconds": 0.2, "pause_seconds": 0.3}


def interleaved_medians(ours, theirs, blocks, min_block_seconds, pause_seconds):
    """Median milliseconds of two functions, timed in ``blocks`` alternating blocks of at least
    ``min_block_seconds`` each.

    Alternating blocks of calls let both meet the same machine conditions (another process, CPU
    frequency, memory state) instead of one of them getting a quiet minute and the other a busy
    one; a short pause (``pause_seconds``) after each block lets the other library's worker threads go idle.
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
            time.sleep(pause_seconds)
    return 1000 * statistics.median(times[ours]), 1000 * statistics.median(times[theirs])


def max_difference_from_torch(cell, batch, input_size, hidden_size, length):
    """Largest absolute difference between our loss and gradients and torch autograd's."""
    params, inputs, labels, h0 = make_problem(cell, batch, input_size, hidden_size, length)
    loss, grads = get_cell(cell).backward(inputs, labels, params, h0=h0)
    torch_loss, torch_grads = torch_model(cell, params, inputs, labels, h0)()
    differences = [abs(loss - torch_loss.item())]
    for key, torch_grad in zip(grad_names(cell), torch_grads, strict=True):
        torch_grad = torch_grad.numpy()
        if key == "bhn":  # the candidate part of torch's bias_hh
            torch_grad = torch_grad[2 * hidden_size :]
        differences.append(float(np.max(np.abs(grads[key] - torch_grad.reshape(grads[key].shape)))))
    return max(differences)


def compare(cell, name, batch, input_size, hidden_size, length, timing=FULL_TIMING):
    """Check agreement and time both implementations at one size (``timing``: the arguments of
    ``interleaved_medians``); returns a row for the table."""
    params, inputs, labels, h0 = make_problem(cell, batch, input_size, hidden_size, length)
    backward = get_cell(cell).backward
    ours, theirs = interleaved_medians(
        lambda: backward(inputs, labels, params, h0=h0), torch_model(cell, params, inputs, labels, h0), **timing
    )
    return {"cell": cell, "name": name, "size": f"N={batch} D={input_size} H={hidden_size} T={length}",
            "ours_ms": ours, "torch_ms": theirs, "ratio": ours / theirs,
            "max_difference": max_difference_from_torch(cell, batch, input_size, hidden_size, length)}


def format_table(rows):
    lines = [f"{'cell':<5} {'size':<20} {'shape':<26} {'ours ms':>9} {'torch ms':>9} {'ratio':>6} {'max |diff|':>11}"]
    for row in rows:
        lines.append(f"{row['cell']:<5} {row['name']:<20} {row['size']:<26} {row['ours_ms']:>9.3f} "
                     f"{row['torch_ms']:>9.3f} {row['ratio']:>6.2f} {row['max_difference']:>11.1e}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", nargs="+", choices=list(MAX_RATIO), default=list(MAX_RATIO),
                        help="which cells to time (default: all)")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("torch is not installed: pip install -r requirements-bench.txt")
        return 2
    print(f"numpy {np.__version__}, torch {torch.__version__}, float64, {torch.get_num_threads()} threads")
    rows = [compare(cell, *size) for cell in args.cells for size in SIZES]
    print(format_table(rows))
    failed = any(row["ratio"] > MAX_RATIO[row["cell"]] or row["max_difference"] > TOLERANCE for row in rows)
    targets = ", ".join(f"{cell} {MAX_RATIO[cell]}" for cell in args.cells)
    print(f"FAILED: a ratio above its target ({targets}) or a difference above {TOLERANCE}" if failed else
          f"all ratios within their targets ({targets}) and all differences <= {TOLERANCE}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
