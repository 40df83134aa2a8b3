"""Our gradients equal PyTorch autograd's, and our forward + backward is faster (needs torch).

torch is an optional test dependency (requirements-bench.txt); without it these tests skip.
"""

import importlib.util
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

BENCHMARK_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "bptt_vs_torch.py"
spec = importlib.util.spec_from_file_location("bptt_vs_torch", BENCHMARK_PATH)
benchmark = importlib.util.module_from_spec(spec)
spec.loader.exec_module(benchmark)


@pytest.mark.parametrize("cell", list(benchmark.MAX_RATIO))
@pytest.mark.parametrize("size", benchmark.SIZES, ids=[size[0] for size in benchmark.SIZES])
def test_loss_and_gradients_equal_torch_autograd(cell, size):
    _, *shape = size
    assert benchmark.max_difference_from_torch(cell, *shape) <= 1e-10


@pytest.mark.parametrize("cell", list(benchmark.MAX_RATIO))
def test_forward_backward_is_faster_than_torch(cell, report):
    """Ratio ours / torch <= the cell's target at every size (0.7 for the vanilla RNN, 1.0 for the
    gated cells). Each size is timed briefly first (the benchmark's QUICK_TIMING); timing on a shared
    2-core machine is noisy, so a size that misses is measured again with the full table's settings
    (FULL_TIMING, those of ``make benchmark``), and the test fails only if it misses then too."""
    target = benchmark.MAX_RATIO[cell]
    rows = []
    for size in benchmark.SIZES:
        row = benchmark.compare(cell, *size, timing=benchmark.QUICK_TIMING)
        if row["ratio"] > target:
            print(f"{cell} {row['name']}: ratio {row['ratio']:.2f} on the quick measurement, measuring again")
            row = benchmark.compare(cell, *size)
        rows.append(row)
    layer = {"rnn": "torch.nn.RNN", "lstm": "torch.nn.LSTM", "gru": "torch.nn.GRU"}[cell]
    report(f"forward + backward, float64, ours vs {layer} + nn.Linear + cross_entropy autograd (target <= {target}):")
    for line in benchmark.format_table(rows).splitlines():
        report("  " + line)
    assert all(row["ratio"] <= target for row in rows), benchmark.format_table(rows)
