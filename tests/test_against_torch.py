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


@pytest.mark.parametrize("size", benchmark.SIZES, ids=[size[0] for size in benchmark.SIZES])
def test_loss_and_gradients_equal_torch_autograd(size):
    _, *shape = size
    assert benchmark.max_difference_from_torch(*shape) <= 1e-10


def test_forward_backward_is_faster_than_torch(report):
    """Ratio ours / torch <= 0.7 at every size. Timing on a shared 2-core machine is noisy, so a size
    that misses is measured once more; it fails only if it misses twice."""
    rows = []
    for size in benchmark.SIZES:
        row = benchmark.compare(*size)
        if row["ratio"] > 0.7:
            print(f"{row['name']}: ratio {row['ratio']:.2f} on the first measurement, measuring again")
            row = benchmark.compare(*size)
        rows.append(row)
    report("forward + backward, float64, ours vs torch.nn.RNN + nn.Linear + cross_entropy autograd:")
    for line in benchmark.format_table(rows).splitlines():
        report("  " + line)
    assert all(row["ratio"] <= 0.7 for row in rows), benchmark.format_table(rows)
