"""Our gradients equal PyTorch autograd's (needs torch).

torch is an optional test dependency (requirements-bench.txt); without it these tests skip. How fast
ours is against torch is `make benchmark`'s question (benchmarks/bptt_vs_torch.py, which fails when a
ratio misses its target): timing inside `make test`, with the other test worker busy on the second core,
measures the machine's load more than the code.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from rnn_helpers._checks import IGNORE
from rnn_helpers.cells import get_cell
from rnn_helpers.lm_training import init_language_model
from rnn_helpers.text import one_hot

torch = pytest.importorskip("torch")

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load_benchmark(name):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


benchmark = load_benchmark("bptt_vs_torch")
language_model_benchmark = load_benchmark("language_model")


@pytest.mark.parametrize("cell", list(benchmark.MAX_RATIO))
@pytest.mark.parametrize("size", benchmark.SIZES, ids=[size[0] for size in benchmark.SIZES])
def test_loss_and_gradients_equal_torch_autograd(cell, size):
    _, *shape = size
    assert benchmark.max_difference_from_torch(cell, *shape) <= 1e-10


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_the_language_model_benchmark_trains_our_model_in_torch(cell):
    """make benchmark-lm's torch copy of a model (torch's second bias held at zero, or at our bhn) has our
    loss, gradients and last state, from a given state and with IGNORE targets."""
    vocabulary_size, hidden_size, batch_size, length = 7, 5, 3, 6
    rng = np.random.RandomState(0)
    params = {name: value + 0.1 * rng.standard_normal(value.shape)  # biases not zero, so they are tested
              for name, value in init_language_model(vocabulary_size, hidden_size, cell, seed=1).items()}
    inputs = rng.randint(0, vocabulary_size, size=(batch_size, length))
    targets = rng.randint(0, vocabulary_size, size=(batch_size, length))
    targets[0, 4:] = IGNORE  # a padded name
    h0 = 0.5 * rng.standard_normal((batch_size, hidden_size))
    loss, grads, last = get_cell(cell).backward(one_hot(inputs, vocabulary_size), targets, params, h0=h0,
                                                return_state=True)

    layer, readout, trained = language_model_benchmark.torch_model(params, cell)
    torch_loss, torch_last = language_model_benchmark.torch_batch_loss(layer, readout, inputs, targets, h0)
    torch_loss.backward()
    torch_grads = {"Wx": layer.weight_ih_l0.grad, "Wh": layer.weight_hh_l0.grad, "bx": layer.bias_ih_l0.grad,
                   "Wy": readout.weight.grad, "by": readout.bias.grad}
    if cell == "gru":
        assert not layer.bias_hh_l0.grad[: 2 * hidden_size].any()  # torch's r and z parts of bias_hh stay at zero
        torch_grads["bhn"] = layer.bias_hh_l0.grad[2 * hidden_size :]
    else:
        assert layer.bias_hh_l0.grad is None  # not trained
    assert sorted(torch_grads) == sorted(params)
    assert len(trained) == len(params)
    assert abs(torch_loss.item() - loss) <= 1e-12
    assert np.abs(torch_last.detach().numpy() - last).max() <= 1e-12
    for name, torch_grad in torch_grads.items():
        assert np.abs(torch_grad.numpy() - grads[name]).max() <= 1e-12, name
