"""Repository-level promises about the notebooks (their outputs are checked by nbval itself)."""

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
ORIGINAL = ROOT.parent / "shared" / "reference" / "original_rnn_notebook.txt"

ORIGINAL_LINES = [
    "Time Step 1 - Hidden State: [-0.96173206 -0.58496839 -0.96886184 -0.92659414] - Output: [-3.88273013  0.78470417]",
    "Time Step 2 - Hidden State: [ 0.86873635  0.99377747  0.99890617 -0.99014082] - Output: [ 1.5235875  -4.66207969]",
    "Time Step 3 - Hidden State: [ 0.80532323  0.9597728  -0.66760942  0.17261006] - Output: [ 1.55791062 -3.77683017]",
    "Time Step 4 - Hidden State: [ 0.76548557 -0.83975859 -0.99327807  0.36350352] - Output: [-1.12558172 -0.03380735]",
    "Time Step 5 - Hidden State: [-0.53632566 -0.24763753 -0.99994757  0.97481815] - Output: [-2.02078978  0.0469496 ]",
    "True Labels: [1 1 0 0 0]",
    "Predicted Labels: [1, 0, 0, 1, 1]",
    "Accuracy: 40.00%",
]


def stream_text(notebook):
    """All stdout/stderr text of a notebook's code cells (a dict or NotebookNode)."""
    return "".join(
        "".join(output.get("text", ""))
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        for output in cell["outputs"]
        if output["output_type"] == "stream"
    )


def stored_stream_text(path):
    return stream_text(json.loads(path.read_text()))


def test_expected_lines_are_the_reference_transcript():
    if ORIGINAL.exists():  # shared/ sits beside the clone in CI and for developers
        reference = ORIGINAL.read_text().splitlines()
        for line in ORIGINAL_LINES:
            assert line in reference


def test_original_transcript_is_in_the_stored_outputs():
    unrolling = stored_stream_text(ROOT / "notebooks" / "02-unrolling.ipynb").splitlines()
    accuracy = stored_stream_text(ROOT / "notebooks" / "04-accuracy.ipynb").splitlines()
    for line in ORIGINAL_LINES[:5]:
        assert line in unrolling
    for line in ORIGINAL_LINES[5:]:
        assert line in accuracy


def test_notebooks_are_saved_from_one_fresh_run_with_a_kernelspec():
    assert len(NOTEBOOKS) >= 4
    for path in NOTEBOOKS:
        notebook = json.loads(path.read_text())
        assert notebook["metadata"]["kernelspec"]["name"] == "python3", path.name
        counts = [cell["execution_count"] for cell in notebook["cells"] if cell["cell_type"] == "code"]
        assert counts == list(range(1, len(counts) + 1)), f"{path.name}: execution counts {counts}"
        for cell in notebook["cells"]:
            for output in cell.get("outputs", []):
                assert output["output_type"] != "error", f"{path.name} stores an error output"


def test_every_notebook_opens_with_goals_and_ends_with_exercises():
    for path in NOTEBOOKS:
        markdown = [
            "".join(cell["source"]) for cell in json.loads(path.read_text())["cells"] if cell["cell_type"] == "markdown"
        ]
        assert "**Learning goals.**" in markdown[1], path.name
        assert any(re.match(r"## Exercises", text) or "\n## Exercises" in text for text in markdown), path.name


def test_navigation_links_are_up_to_date():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update_navigation.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in readme, f"README.md does not link {path.name}"


def test_training_notebook_reaches_95_percent_in_under_a_minute():
    """Notebook 07's promise: test accuracy >= 95%, and the whole notebook runs in under 60 s."""
    path = ROOT / "notebooks" / "07-training.ipynb"
    stored = re.search(r"final test accuracy: ([0-9.]+)", stored_stream_text(path))
    assert stored and float(stored.group(1)) >= 0.95, "the stored run does not show >= 95% test accuracy"
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
                   ).execute()
    elapsed = time.perf_counter() - start
    assert elapsed < 60, f"notebook 07 took {elapsed:.1f} s"
    fresh = re.search(r"final test accuracy: ([0-9.]+)", stream_text(notebook))
    assert fresh and float(fresh.group(1)) >= 0.95

