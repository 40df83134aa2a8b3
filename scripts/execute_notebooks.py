"""Run notebooks top to bottom in a fresh kernel and store their outputs (for authors).

    python scripts/execute_notebooks.py notebooks/05-explorer.ipynb ...   # default: every numbered notebook

Like ``jupyter nbconvert --execute --inplace``, with two differences:

- the widget state that nbclient saves in the notebook's metadata is dropped. It holds random model
  ids that change on every run, and JupyterLab would show those stale widgets until the cells run again;
- the notebook's metadata records what produced its outputs (``execution_record``): a digest of every
  cell's source and the versions of the pinned packages that ran it. ``tests/test_notebooks_are_consistent.py``
  recomputes both, so a notebook edited after its last run, or run with other package versions than
  requirements.txt pins, is caught before it lands.
"""

import hashlib
import re
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
REQUIREMENTS = ROOT / "requirements.txt"
RECORD_KEY = "execution_record"


def pinned_requirements(path=REQUIREMENTS):
    """{package name: version} for every ``name==version`` line of a requirements file."""
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^\s*([A-Za-z0-9_.\-]+)==([^\s#;]+)", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def installed_versions(names):
    """{package name: installed version, or None if it is not installed}."""
    versions = {}
    for name in names:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def source_digest(notebook):
    """SHA-256 over every cell's type and source, in order: changes whenever any cell is edited."""
    digest = hashlib.sha256()
    for cell in notebook["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        digest.update(f"{cell['cell_type']}\0{source}\0".encode())
    return digest.hexdigest()


def execution_record(notebook):
    """What ``execute`` stores in a notebook's metadata about the run that produced its outputs."""
    return {"source_sha256": source_digest(notebook), "packages": installed_versions(sorted(pinned_requirements()))}


def execute(path):
    notebook = nbformat.read(path, as_version=4)
    # record_timing=False: no per-cell timestamps, which would change every cell's metadata on every run.
    NotebookClient(notebook, timeout=600, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # timestamps stored by older runs
    notebook.metadata[RECORD_KEY] = execution_record(notebook)
    nbformat.validate(notebook)
    nbformat.write(notebook, path)


def main(arguments):
    paths = [Path(argument) for argument in arguments] or sorted(NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb"))
    for path in paths:
        print(f"executing {path.name}", flush=True)
        execute(path)


if __name__ == "__main__":
    main(sys.argv[1:])
