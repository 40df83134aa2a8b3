"""The student edition (scripts/make_student_edition.py): stubs instead of solutions, and it runs.

Every student notebook with an implementation exercise runs top to bottom in a fresh kernel without
an exception, and each of its checks prints "not done yet". A notebook without exercises is the
teacher's edition with its outputs cleared, which nbval already runs. The notebooks run at the same
time, each in its own kernel (their kernels start and compute concurrently), then one test each
reports on its notebook.
"""

import asyncio
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "make_student_edition.py"
TEACHER_NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def has_solutions(path):
    return any("solution" in cell.get("metadata", {}).get("tags", []) for cell in json.loads(path.read_text())["cells"])


EXERCISE_NOTEBOOKS = [path.name for path in TEACHER_NOTEBOOKS if has_solutions(path)]


def load_script():
    spec = importlib.util.spec_from_file_location("make_student_edition", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def student_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("student")
    subprocess.run([sys.executable, str(SCRIPT), "--output", str(folder)], check=True, capture_output=True)
    return folder


@pytest.fixture(scope="module")
def executed(student_folder):
    """{name: (executed notebook, the exception it raised or None)}, all notebooks run concurrently."""
    notebooks = {name: nbformat.read(student_folder / name, as_version=4) for name in EXERCISE_NOTEBOOKS}
    stored = {name: [cell.outputs for cell in notebook.cells if cell.cell_type == "code"]
              for name, notebook in notebooks.items()}

    async def run_all():
        clients = [NotebookClient(notebook, timeout=300, kernel_name="python3",
                                  resources={"metadata": {"path": str(student_folder)}})
                   for notebook in notebooks.values()]
        return await asyncio.gather(*(client.async_execute() for client in clients), return_exceptions=True)

    outcomes = asyncio.run(run_all())
    return {name: (notebook, stored[name], outcome if isinstance(outcome, BaseException) else None)
            for (name, notebook), outcome in zip(notebooks.items(), outcomes, strict=True)}


def test_the_exercises_are_where_the_ideas_are_taught():
    assert {"01-rnn-cell.ipynb", "02-unrolling.ipynb", "04-accuracy.ipynb",
            "06-backprop-through-time.ipynb"} <= set(EXERCISE_NOTEBOOKS)


@pytest.mark.parametrize("name", EXERCISE_NOTEBOOKS)
def test_the_student_edition_runs_and_every_check_says_not_done(executed, name):
    notebook, stored_outputs, error = executed[name]
    assert all(not outputs for outputs in stored_outputs), "outputs must be cleared"
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert not any("# BEGIN SOLUTION" in cell.source or "solution" in cell.metadata.get("tags", [])
                   for cell in code_cells), "a solution reached the student edition"
    assert error is None, f"{name} raised: {error}"
    checks = [cell for cell in code_cells if "check_function(" in cell.source]
    assert checks
    for cell in checks:
        printed = "".join(output.get("text", "") for output in cell.outputs)
        assert printed.count("not done yet") == cell.source.count("check_function("), printed


def test_notebooks_without_exercises_are_the_teachers_without_outputs(student_folder):
    for path in TEACHER_NOTEBOOKS:
        if path.name not in EXERCISE_NOTEBOOKS:
            teacher = nbformat.read(path, as_version=4)
            student = nbformat.read(student_folder / path.name, as_version=4)
            assert [cell.source for cell in student.cells] == [cell.source for cell in teacher.cells]


def test_stubs_replace_only_the_marked_lines_and_teacher_only_cells_go():
    script = load_script()
    solution = 'def f(x):\n    """Return 2 x."""\n    # BEGIN SOLUTION\n    y = 2 * x\n    return y\n    # END SOLUTION'
    cells = [nbformat.v4.new_code_cell(solution, metadata={"tags": ["solution"]}, outputs=[
                 nbformat.v4.new_output("stream", text="x")]),
             nbformat.v4.new_markdown_cell("a note for teachers", metadata={"tags": ["teacher-only"]}),
             nbformat.v4.new_code_cell("check(f)")]
    teacher = nbformat.v4.new_notebook(cells=cells)
    student = script.student_edition(teacher)
    assert [cell.source for cell in student.cells] == [
        'def f(x):\n    """Return 2 x."""\n    # YOUR CODE HERE\n    raise NotImplementedError', "check(f)"]
    assert student.cells[0].outputs == [] and teacher.cells[0].outputs  # the teacher's notebook is untouched
    for broken in ("# BEGIN SOLUTION\nx = 1", "x = 1\n# END SOLUTION", "x = 1"):
        with pytest.raises(ValueError):
            script.student_edition(nbformat.v4.new_notebook(cells=[
                nbformat.v4.new_code_cell(broken, metadata={"tags": ["solution"]})]))
    with pytest.raises(ValueError, match="not tagged"):
        script.student_edition(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(solution)]))
