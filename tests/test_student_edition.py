"""The self-study edition (scripts/make_student_edition.py): stubs instead of solutions, and it stands alone.

The edition is generated into a folder, that folder ALONE is copied into an empty one, a virtual
environment is made there and the copy installed into it (``pip install --no-deps -e .``: the venv is made
on top of this project's venv, whose site-packages it reads, so the pinned packages need no download),
and every notebook runs top to bottom in a kernel of that venv, importing the copy's rnn_helpers. Each
check must print "not done yet". The notebooks run two at a time, each in its own kernel.
"""

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "make_student_edition.py"
TEACHER_NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
NAMES = [path.name for path in TEACHER_NOTEBOOKS]


def has_exercises(path):
    return any({"solution", "answer"} & set(cell.get("metadata", {}).get("tags", []))
               for cell in json.loads(path.read_text())["cells"])


EXERCISE_NOTEBOOKS = [path.name for path in TEACHER_NOTEBOOKS if has_exercises(path)]


def load_script():
    spec = importlib.util.spec_from_file_location("make_student_edition", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """The edition copied alone into an empty folder, installed into a venv of its own there."""
    built = tmp_path_factory.mktemp("built")
    subprocess.run([sys.executable, str(SCRIPT), "--output", str(built)], check=True, capture_output=True)
    folder = tmp_path_factory.mktemp("alone") / "rnn-notebooks"
    shutil.copytree(built, folder)
    venv = folder / ".venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # On top of this project's venv: its site-packages as a path (a venv's --system-site-packages would reach
    # the base Python's, not this venv's). Only the folder is added, not its .pth files: this project's own
    # editable rnn_helpers stays out, and the edition's copy is the one installed.
    edition_site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  check=True, capture_output=True, text=True).stdout.strip()
    Path(edition_site, "project-packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "-e", "."],
                   cwd=folder, check=True, capture_output=True)
    return folder, python


# Runs one notebook of the edition top to bottom (with the project's runner, which starts a stalled notebook
# again) and writes it, executed, to executed/: an error is recorded in the notebook's metadata
# (run_error), not raised, so every notebook is judged on its own.
RUNNER = textwrap.dedent(f"""
    import sys
    from pathlib import Path
    import nbformat
    sys.path.insert(0, {str(ROOT / "scripts")!r})
    from execute_notebooks import run_notebook
    folder, name = Path(sys.argv[1]), sys.argv[2]
    notebook = nbformat.read(folder / "notebooks" / name, as_version=4)
    try:
        notebook = run_notebook(notebook, folder / "notebooks")
        error = ""
    except Exception as exception:
        error = f"{{type(exception).__name__}}: {{str(exception)[-2000:]}}"
    notebook.metadata["run_error"] = error
    nbformat.write(notebook, folder / "executed" / name)
""")


@pytest.fixture(scope="module")
def executed(edition):
    """{name: executed notebook}: every notebook run in the edition's own venv (its kernel is that python).

    Two notebooks run at a time, each in a process and kernel of its own with one BLAS thread, so the two
    use one core each (ten kernels started at once in one process once left a notebook waiting forever)."""
    folder, python = edition
    where = subprocess.run([str(python), "-c", "import rnn_helpers; print(rnn_helpers.__file__)"], cwd="/",
                           check=True, capture_output=True, text=True).stdout.strip()
    assert where.startswith(str(folder)), f"the edition's venv imports rnn_helpers from {where}"
    (folder / "executed").mkdir(exist_ok=True)

    def run(name):  # the runner gives the kernel one BLAS thread
        subprocess.run([str(python), "-c", RUNNER, str(folder), name], check=True, cwd=folder, timeout=900)

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(run, sorted(NAMES, reverse=True)))  # the long training notebooks (07-10) first
    return {name: nbformat.read(folder / "executed" / name, as_version=4) for name in NAMES}


def test_the_edition_holds_what_it_needs_to_run_alone(edition):
    folder, _ = edition
    assert {"README.md", "Makefile", "pyproject.toml", "requirements.txt", "rnn_helpers", "notebooks"} <= {
        path.name for path in folder.iterdir()}
    readme = (folder / "README.md").read_text()
    assert "pip install -r requirements.txt -e ." in readme and "jupyter lab notebooks/" in readme
    assert (folder / "rnn_helpers" / "reference.py").exists()  # the readable reference, for self-study
    # repo2docker's configuration, so that a hub's image can be built from the edition alone
    for name in ("requirements.txt", "postBuild", "lab-settings/overrides.json"):
        assert (folder / "binder" / name).read_bytes() == (ROOT / "binder" / name).read_bytes(), name
    for name in NAMES:  # every link of every notebook points to a file of the edition (and the README's section)
        notebook = nbformat.read(folder / "notebooks" / name, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "markdown" and "<!--NAVIGATION-->" in cell.source:
                for target in re.findall(r"\]\(([^)#]+)(#[^)]*)?\)", cell.source):
                    assert (folder / "notebooks" / target[0]).resolve().exists(), (name, target)
                    if target[1]:
                        assert f"## {target[1][1:].replace('-', ' ')}".lower() in readme.lower(), target


def test_the_exercises_are_where_the_ideas_are_taught():
    assert {"01-rnn-cell.ipynb", "02-unrolling.ipynb", "04-accuracy.ipynb",
            "06-backprop-through-time.ipynb"} <= set(EXERCISE_NOTEBOOKS)


@pytest.mark.parametrize("name", NAMES)
def test_every_notebook_runs_to_the_end_and_every_check_says_not_done(edition, executed, name):
    stored = nbformat.read(edition[0] / "notebooks" / name, as_version=4)
    assert all(not cell.get("outputs") for cell in stored.cells), "outputs must be cleared"
    notebook = executed[name]
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert not any("# BEGIN SOLUTION" in cell.source or {"solution", "answer"} & set(cell.metadata.get("tags", []))
                   for cell in code_cells), "a solution reached the student edition"
    assert not notebook.metadata["run_error"], f"{name} raised: {notebook.metadata['run_error']}"
    checks = [cell for cell in code_cells if "check_function(" in cell.source or "check_answer(" in cell.source]
    assert bool(checks) == (name in EXERCISE_NOTEBOOKS)
    for cell in checks:
        printed = "".join(output.get("text", "") for output in cell.outputs)
        assert printed.count("not done yet") == cell.source.count("check_function(") + cell.source.count(
            "check_answer("), printed


def test_notebooks_without_exercises_are_the_teachers_without_outputs(edition):
    for path in TEACHER_NOTEBOOKS:
        if path.name not in EXERCISE_NOTEBOOKS:
            teacher = nbformat.read(path, as_version=4)
            student = nbformat.read(edition[0] / "notebooks" / path.name, as_version=4)
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
    with pytest.raises(ValueError, match="tagged neither"):
        script.student_edition(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(solution)]))


def test_an_answer_cell_loses_its_marked_lines_and_keeps_none():
    script = load_script()
    answer = ('answer_01_1 = None  # your h_1\n# BEGIN SOLUTION\nanswer_01_1 = 0.5\n# END SOLUTION\n'
              'check_answer("01.1", answer_01_1)')
    student = script.student_edition(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(answer, metadata={"tags": ["answer"]})]))
    assert student.cells[0].source == 'answer_01_1 = None  # your h_1\ncheck_answer("01.1", answer_01_1)'
    assert "answer" not in student.cells[0].metadata["tags"]
