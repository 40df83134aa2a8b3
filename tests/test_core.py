"""The forward pass reproduces the original notebook and the batched form agrees with it."""

import subprocess
import sys

import numpy as np
import pytest

import rnn_helpers as rnn

# The original notebook's printed hidden states and outputs (shared/reference), to 8 decimals.
ORIGINAL_HIDDEN_STATES = np.array([
    [-0.96173206, -0.58496839, -0.96886184, -0.92659414],
    [0.86873635, 0.99377747, 0.99890617, -0.99014082],
    [0.80532323, 0.9597728, -0.66760942, 0.17261006],
    [0.76548557, -0.83975859, -0.99327807, 0.36350352],
    [-0.53632566, -0.24763753, -0.99994757, 0.97481815],
])
ORIGINAL_OUTPUTS = np.array([
    [-3.88273013, 0.78470417],
    [1.5235875, -4.66207969],
    [1.55791062, -3.77683017],
    [-1.12558172, -0.03380735],
    [-2.02078978, 0.0469496],
])


@pytest.fixture
def example():
    return rnn.original_example(seed=0)


def test_original_example_matches_the_original_global_seed_draws(example):
    np.random.seed(0)
    expected = [np.random.randn(4, 3), np.random.randn(4, 4), np.random.randn(2, 4),
                np.random.randn(4, 1)[:, 0], np.random.randn(2, 1)[:, 0]]
    inputs = np.random.randn(3, 5).T
    labels = np.random.randint(0, 2, size=5)
    for name, value in zip(("Wx", "Wh", "Wy", "bx", "by"), expected, strict=True):
        assert np.array_equal(example["params"][name], value)
    assert np.array_equal(example["inputs"], inputs)
    assert np.array_equal(example["labels"], labels)


def test_forward_reproduces_the_original_transcript(example):
    hidden_states, outputs = rnn.rnn_forward(example["inputs"], example["params"])
    assert hidden_states.shape == (5, 4) and outputs.shape == (5, 2)
    np.testing.assert_allclose(hidden_states, ORIGINAL_HIDDEN_STATES, atol=5e-9, rtol=0)
    np.testing.assert_allclose(outputs, ORIGINAL_OUTPUTS, atol=5e-9, rtol=0)


def test_original_predictions_and_accuracy(example):
    _, outputs = rnn.rnn_forward(example["inputs"], example["params"])
    predicted = rnn.predict(outputs)
    assert example["labels"].tolist() == [1, 1, 0, 0, 0]
    assert predicted.tolist() == [1, 0, 0, 1, 1]
    assert rnn.accuracy(predicted, example["labels"]) == pytest.approx(0.4)


def test_step_matches_the_equations(example):
    params = example["params"]
    x, h = np.array([0.5, -1.0, 2.0]), np.array([0.1, 0.2, -0.3, 0.4])
    h_next, y = rnn.rnn_step(x, h, params)
    expected_h = np.tanh(params["Wx"] @ x + params["Wh"] @ h + params["bx"])
    np.testing.assert_allclose(h_next, expected_h, rtol=0, atol=1e-15)
    np.testing.assert_allclose(y, params["Wy"] @ expected_h + params["by"], rtol=0, atol=1e-14)


@pytest.mark.parametrize("sizes", [(3, 4, 2, 5, 1), (1, 1, 1, 1, 3), (5, 16, 3, 40, 7)])
def test_batched_forward_agrees_with_single_sequences(sizes):
    input_size, hidden_size, output_size, length, batch = sizes
    rng = np.random.RandomState(42)
    params = rnn.init_params(input_size, hidden_size, output_size, seed=rng)
    inputs = rng.randn(batch, length, input_size)
    h0 = rng.randn(batch, hidden_size)
    batch_states, batch_outputs = rnn.rnn_forward_batch(inputs, params, h0=h0)
    for n in range(batch):
        states, outputs = rnn.rnn_forward(inputs[n], params, h0=h0[n])
        np.testing.assert_allclose(batch_states[n], states, rtol=0, atol=1e-12)
        np.testing.assert_allclose(batch_outputs[n], outputs, rtol=0, atol=1e-12)


def test_initial_state_is_used(example):
    states_zero, _ = rnn.rnn_forward(example["inputs"], example["params"])
    states_ones, _ = rnn.rnn_forward(example["inputs"], example["params"], h0=np.ones(4))
    assert not np.allclose(states_zero[0], states_ones[0])


def test_accuracy_counts_matches():
    assert rnn.accuracy(np.array([1, 0, 1, 1]), np.array([1, 1, 1, 0])) == 0.5
    assert rnn.accuracy(np.array([[0, 1], [1, 1]]), np.array([[0, 1], [1, 1]])) == 1.0


def test_predict_takes_argmax_over_last_axis():
    outputs = np.array([[[0.1, 0.9], [2.0, -1.0]]])
    assert rnn.predict(outputs).tolist() == [[1, 0]]


def test_spectral_radius_and_saturation():
    assert rnn.spectral_radius(np.diag([0.5, -2.0, 1.0])) == pytest.approx(2.0)
    assert rnn.saturated_fraction(np.array([[0.99, 0.1], [-0.96, 0.95]])) == 0.5


def test_project_2d_recovers_a_planar_trajectory():
    t = np.linspace(0, 2 * np.pi, 50)
    plane = np.stack([np.cos(t), 0.5 * np.sin(t)], axis=1)
    basis = np.linalg.qr(np.random.RandomState(0).randn(6, 2))[0]  # an orthonormal plane in 6-D
    coordinates, explained = rnn.project_2d(plane @ basis.T)
    assert explained.sum() == pytest.approx(1.0)
    # Distances between points are preserved by a projection onto the trajectory's own plane.
    original = np.linalg.norm(plane[:, None] - plane[None], axis=-1)
    projected = np.linalg.norm(coordinates[:, None] - coordinates[None], axis=-1)
    np.testing.assert_allclose(projected, original, atol=1e-10)


def test_project_2d_with_one_hidden_unit():
    coordinates, explained = rnn.project_2d(np.array([[0.1], [0.5], [-0.2]]))
    assert coordinates.shape == (3, 2) and np.all(coordinates[:, 1] == 0)
    assert explained.tolist() == [1.0, 0.0]


def test_import_does_not_load_matplotlib():
    code = "import sys, rnn_helpers; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def package_imports():
    """The package's import graph from its source: module name -> the rnn_helpers modules it imports.

    Every import statement counts, also those inside functions (an import deferred to call time still
    makes a circle), relative ones (``from .x import``, ``from . import x``) and absolute ones.
    """
    import ast
    from pathlib import Path

    package = Path(rnn.__file__).parent
    modules = {path.stem for path in package.glob("*.py") if path.stem != "__init__"}
    graph = {}
    for name in sorted(modules) + ["__init__"]:
        imported = set()
        for node in ast.walk(ast.parse((package / f"{name}.py").read_text())):
            if isinstance(node, ast.ImportFrom):
                parts = (node.module or "").split(".")
                if node.level == 1 or parts[0] == "rnn_helpers":
                    inner = parts[1:] if parts[0] == "rnn_helpers" else parts
                    targets = [inner[0]] if inner and inner[0] else [alias.name for alias in node.names]
                    imported.update(target for target in targets if target in modules)
            elif isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[1] for alias in node.names
                                if alias.name.startswith("rnn_helpers.") and alias.name.split(".")[1] in modules)
        graph[name] = imported
    return graph


def test_the_package_imports_run_one_way():
    """No module reaches itself through its imports (the guide: imports run one way, no circles)."""
    graph = package_imports()
    assert graph["bptt"] >= {"core", "losses", "clipping"}, graph["bptt"]  # the parser sees the imports
    assert "cells" in graph["backprop"]
    done, on_path = set(), []

    def visit(module):
        if module in on_path:
            raise AssertionError(f"import circle: {' -> '.join(on_path[on_path.index(module):] + [module])}")
        if module not in done:
            on_path.append(module)
            for imported in sorted(graph[module]):
                visit(imported)
            on_path.pop()
            done.add(module)

    for module in sorted(graph):
        visit(module)


def test_no_module_imports_another_modules_private_names():
    """Shared pieces have public names in the module that owns them; ``_checks`` and ``_scratch`` are the
    package's private modules, whose functions every module may use."""
    import ast
    from pathlib import Path

    package = Path(rnn.__file__).parent
    private = []
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("rnn_helpers")):
                private += [f"{path.name}: {alias.name} from {node.module}" for alias in node.names
                            if alias.name.startswith("_")]
    assert not private, private
