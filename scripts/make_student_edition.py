"""Write the self-study edition: the notebooks with stubs for solutions, and everything they need to run.

    python scripts/make_student_edition.py                   # -> student/ (`make student`)
    python scripts/make_student_edition.py --output DIR      # somewhere else

The edition stands alone: ``notebooks/`` (the student notebooks), the ``rnn_helpers`` package (with its
readable reference, ``rnn_helpers/reference.py``, for a stuck student), ``pyproject.toml``, a
``requirements.txt`` with the pins of this repository's for the packages the notebooks use, a README with
the two set-up commands and the contents, a Makefile for them, and ``binder/`` (repo2docker's
configuration, as in this repository), so that Binder or a JupyterHub can build an image from the edition
alone, without the teacher's notebooks. The notebooks' "Contents" links point
to ``../README.md#the-notebooks``, which the edition's README has.

notebooks/ is the teacher's edition. An implementation exercise there is a code cell tagged
``solution`` whose solution lines sit between ``# BEGIN SOLUTION`` and ``# END SOLUTION``; the rest of
the cell (the ``def`` line, the docstring saying what to return) is the exercise itself. In the student
edition the marked lines become ``# YOUR CODE HERE`` and ``raise NotImplementedError``, at the same
indentation (nbgrader's convention), so the check cell after it says "not done yet". A value exercise
is a cell tagged ``answer``: its marked lines (the teacher's answer) are left out, so the student sees
``answer_01_1 = None`` and the check says "not done yet". Cells tagged ``teacher-only`` are left out.
The work is done by nbconvert's own preprocessors (ClearOutput, TagRemove) and one small one of ours
for the stubs. student/ is build output: never edit it by hand.
"""

import argparse
import re
import shutil
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearOutputPreprocessor, Preprocessor, TagRemovePreprocessor

ROOT = Path(__file__).resolve().parent.parent
SOLUTION_TAG = "solution"
ANSWER_TAG = "answer"
TEACHER_ONLY_TAG = "teacher-only"
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError")


def stub_source(source, stub=STUB):
    """``source`` with every BEGIN/END SOLUTION block replaced by ``stub``, indented like the block's marker."""
    lines, inside = [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise ValueError(f"{BEGIN} inside another solution block")
            indent = line[: len(line) - len(line.lstrip())]
            lines += [indent + stub_line for stub_line in stub]
            inside = True
        elif marker == END:
            if not inside:
                raise ValueError(f"{END} without {BEGIN}")
            inside = False
        elif not inside:
            lines.append(line)
    if inside:
        raise ValueError(f"{BEGIN} without {END}")
    return "\n".join(lines)


class StubPreprocessor(Preprocessor):
    """Replace the solution lines of every cell tagged ``solution`` by the stub; drop those of an ``answer`` cell.

    A solution or answer cell without markers, or markers in a cell tagged neither, is an error: either
    would hand a solution to the students.
    """

    def preprocess_cell(self, cell, resources, index):
        tags = cell.metadata.get("tags", [])
        marked = [tag for tag in (SOLUTION_TAG, ANSWER_TAG) if tag in tags]
        if marked:
            if BEGIN not in cell.source:
                raise ValueError(f"cell {index} is tagged {marked[0]!r} but has no {BEGIN!r} line")
            cell.source = stub_source(cell.source, STUB if marked[0] == SOLUTION_TAG else ())
            cell.metadata["tags"] = [tag for tag in tags if tag not in marked]
        elif BEGIN in cell.source or END in cell.source:
            raise ValueError(f"cell {index} has solution markers but is tagged neither {SOLUTION_TAG!r} nor "
                             f"{ANSWER_TAG!r}")
        return cell, resources


def student_edition(notebook):
    """The student edition of one teacher's notebook (a new NotebookNode; the argument is not changed)."""
    notebook = nbformat.from_dict(notebook)  # a deep copy: the preprocessors work in place
    resources = {}
    for preprocessor in (TagRemovePreprocessor(remove_cell_tags={TEACHER_ONLY_TAG}, enabled=True),
                         StubPreprocessor(enabled=True), ClearOutputPreprocessor(enabled=True)):
        notebook, resources = preprocessor(notebook, resources)
    return notebook


# The packages the notebooks import, with the pins of requirements.txt (the pins live in one place).
NOTEBOOK_PACKAGES = ("numpy", "matplotlib", "ipywidgets", "ipykernel", "jupyterlab", "tqdm", "bqplot", "threadpoolctl")

EDITION_MAKEFILE = """\
# The two set-up commands of README.md, as make targets: `make lab` does both.
VENV ?= .venv
setup: $(VENV)/.installed
$(VENV)/.installed: requirements.txt pyproject.toml
\ttest -x $(VENV)/bin/python || python3 -m venv $(VENV)
\t$(VENV)/bin/python -m pip install --quiet -r requirements.txt -e .
\ttouch $@
lab: setup
\t$(VENV)/bin/jupyter lab notebooks/
.PHONY: setup lab
"""


def edition_requirements(requirements):
    """The lines of ``requirements`` (the text of requirements.txt) that pin a package the notebooks import."""
    pins = [line for line in requirements.splitlines()
            if (match := re.match(r"^([A-Za-z0-9_.\-]+)==", line)) and match.group(1).lower() in NOTEBOOK_PACKAGES]
    missing = set(NOTEBOOK_PACKAGES) - {line.split("==")[0].lower() for line in pins}
    if missing:
        raise ValueError(f"requirements.txt pins no version of {sorted(missing)}")
    return "# The packages the notebooks use, pinned as in the course repository.\n" + "\n".join(pins) + "\n"


def notebook_table(readme):
    """The table of section "## The notebooks" of the repository's README (its links are notebooks/NN-*.ipynb)."""
    section = readme.split("\n## The notebooks\n", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.strip().splitlines() if line.startswith("|"))


def edition_readme(readme):
    return f"""# rnn-notebooks: the self-study edition

Recurrent neural networks from first principles, in NumPy. Each notebook explains an idea, then asks you to
build it: a function to write where it says `# YOUR CODE HERE` (the cell after it checks your function
and names the usual mistake it sees), and exercises whose answer replaces `None`. Model answers are
folded under "Model answer"; `rnn_helpers/reference.py` is readable code of every step, to open when stuck.

## Set-up: two commands

```bash
python3 -m venv .venv && .venv/bin/python -m pip install -r requirements.txt -e .
.venv/bin/jupyter lab notebooks/
```

(or `make lab`, which runs both). You need Python 3.10 or newer with `venv`.

On Binder or a JupyterHub, `binder/` tells repo2docker how to build the image of this edition: the
pinned packages and `rnn_helpers`.

## The notebooks

{notebook_table(readme)}
"""


def write_edition(output):
    """Write the whole edition into ``output``: notebooks, package, requirements, README, Makefile, binder/."""
    notebooks = output / "notebooks"
    notebooks.mkdir(parents=True, exist_ok=True)
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    for path in paths:
        try:
            notebook = student_edition(nbformat.read(path, as_version=4))
        except ValueError as error:
            raise SystemExit(f"{path.name}: {error}") from None
        nbformat.write(notebook, notebooks / path.name)
    shutil.rmtree(output / "rnn_helpers", ignore_errors=True)
    shutil.copytree(ROOT / "rnn_helpers", output / "rnn_helpers", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", output / "pyproject.toml")
    # Notebook 10 reads its texts from ../data/ (with their provenance in data/README.md).
    shutil.rmtree(output / "data", ignore_errors=True)
    shutil.copytree(ROOT / "data", output / "data")
    (output / "requirements.txt").write_text(edition_requirements((ROOT / "requirements.txt").read_text()))
    (output / "README.md").write_text(edition_readme((ROOT / "README.md").read_text()))
    (output / "Makefile").write_text(EDITION_MAKEFILE)
    shutil.rmtree(output / "binder", ignore_errors=True)
    shutil.copytree(ROOT / "binder", output / "binder")
    return paths


def main(arguments):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "student", help="folder to write (default: student/)")
    args = parser.parse_args(arguments)
    paths = write_edition(args.output)
    print(f"self-study edition of {len(paths)} notebooks, with rnn_helpers and its set-up, written to {args.output}")


if __name__ == "__main__":
    main(sys.argv[1:])
