"""Run notebooks top to bottom in a fresh kernel and store their outputs (for authors).

    python scripts/execute_notebooks.py notebooks/05-explorer.ipynb ...   # default: every numbered notebook

Like ``jupyter nbconvert --execute --inplace``, with one difference: the widget state that nbclient
saves in the notebook's metadata is dropped. It holds random model ids that change on every run,
and JupyterLab would show those stale widgets until the cells run again.
"""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"


def execute(path):
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
                   ).execute()
    notebook.metadata.pop("widgets", None)
    nbformat.write(notebook, path)


def main(arguments):
    paths = [Path(argument) for argument in arguments] or sorted(NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb"))
    for path in paths:
        print(f"executing {path.name}", flush=True)
        execute(path)


if __name__ == "__main__":
    main(sys.argv[1:])
