"""Our gradients equal PyTorch autograd's (needs torch).

torch is an optional test dependency (requirements-bench.txt); without it these tests skip. How fast
ours is against torch is `make benchmark`'s question (benchmarks/bptt_vs_torch.py, which fails when a
ratio misses its target): timing inside `make test`, with the other test worker busy on the second core,
measures the machine's load more than the code.
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
