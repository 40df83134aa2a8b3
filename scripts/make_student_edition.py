"""Write the student edition of the notebooks: each solution replaced by its stub, every output cleared.

    python scripts/make_student_edition.py                   # notebooks/NN-*.ipynb -> student/ (`make student`)
    python scripts/make_student_edition.py --output DIR      # somewhere else

notebooks/ is the teacher's edition. An implementation exercise there is a code cell tagged
``solution`` whose solution lines sit between ``# BEGIN SOLUTION`` and ``# END SOLUTION``; the rest of
the cell (the ``def`` line, the docstring saying what to return) is the exercise itself. In the student
edition the marked lines become ``# YOUR CODE HERE`` and ``raise NotImplementedError``, at the same
indentation (nbgrader's convention), so the check cell after it says "not done yet". Cells tagged
``teacher-only`` are left out. The work is done by nbconvert's own preprocessors (ClearOutput,
TagRemove) and one small one of ours for the stubs. student/ is build output: never edit it by hand.
"""

import argparse
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearOutputPreprocessor, Preprocessor, TagRemovePreprocessor

ROOT = Path(__file__).resolve().parent.parent
SOLUTION_TAG = "solution"
TEACHER_ONLY_TAG = "teacher-only"
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError")


def stub_source(source):
    """``source`` with every BEGIN/END SOLUTION block replaced by the stub, indented like the block's marker."""
    lines, inside = [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise ValueError(f"{BEGIN} inside another solution block")
            indent = line[: len(line) - len(line.lstrip())]
            lines += [indent + stub_line for stub_line in STUB]
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
    """Replace the solution lines of every cell tagged ``solution`` by the stub.

    A solution cell without markers, or markers in a cell not tagged ``solution``, is an error: either
    would hand a solution to the students.
    """

    def preprocess_cell(self, cell, resources, index):
        tags = cell.metadata.get("tags", [])
        if SOLUTION_TAG in tags:
            if BEGIN not in cell.source:
                raise ValueError(f"cell {index} is tagged {SOLUTION_TAG!r} but has no {BEGIN!r} line")
            cell.source = stub_source(cell.source)
            cell.metadata["tags"] = [tag for tag in tags if tag != SOLUTION_TAG]
        elif BEGIN in cell.source or END in cell.source:
            raise ValueError(f"cell {index} has solution markers but is not tagged {SOLUTION_TAG!r}")
        return cell, resources


def student_edition(notebook):
    """The student edition of one teacher's notebook (a new NotebookNode; the argument is not changed)."""
    notebook = nbformat.from_dict(notebook)  # a deep copy: the preprocessors work in place
    resources = {}
    for preprocessor in (TagRemovePreprocessor(remove_cell_tags={TEACHER_ONLY_TAG}, enabled=True),
                         StubPreprocessor(enabled=True), ClearOutputPreprocessor(enabled=True)):
        notebook, resources = preprocessor(notebook, resources)
    return notebook


def main(arguments):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "student", help="folder to write (default: student/)")
    args = parser.parse_args(arguments)
    args.output.mkdir(parents=True, exist_ok=True)
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    for path in paths:
        try:
            notebook = student_edition(nbformat.read(path, as_version=4))
        except ValueError as error:
            raise SystemExit(f"{path.name}: {error}") from None
        nbformat.write(notebook, args.output / path.name)
    print(f"student edition of {len(paths)} notebooks written to {args.output}")


if __name__ == "__main__":
    main(sys.argv[1:])
