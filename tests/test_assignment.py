"""The graded edition (scripts/make_assignment.py) goes through nbgrader for real, on notebooks 01 and 02.

The course is built, ``nbgrader validate`` passes on its source, ``nbgrader generate_assignment`` writes
the release, and three submissions are autograded: the solutions (full marks), the untouched release
(zero, no crash), and one with W_h transposed in ``rnn_step_forward`` and the bias left out of 01.1
(partial credit; ``nbgrader generate_feedback`` names both mistakes). Notebooks 01 and 02 keep the run
to a few minutes: each nbgrader step runs each notebook once, and the rest of the course is the same
conversion of the same kinds of cells (``test_the_whole_course_converts`` builds it all without running it).
"""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "make_assignment.py"
NOTEBOOKS = ("01", "02")
BIN = Path(sys.executable).parent
# nbgrader runs alembic (its database migrations) by name: the venv's bin folder must be on PATH.
ENVIRONMENT = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
SOLUTIONS, UNTOUCHED, MISTAKES = "solutions", "untouched", "two-mistakes"


def nbgrader(course, *arguments):
    result = subprocess.run([str(BIN / "nbgrader"), *arguments], cwd=course, env=ENVIRONMENT,
                            capture_output=True, text=True)
    assert result.returncode == 0, f"nbgrader {' '.join(arguments)}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    return result.stdout + result.stderr


def submission(course, student, change=None):
    """The release as a student hands it in: each solution cell filled in from the source, then ``change``."""
    folder = course / "submitted" / student / "rnn"
    shutil.copytree(course / "release" / "rnn", folder)
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        if change is not None:
            source = {cell.metadata.nbgrader["grade_id"]: cell.source
                      for cell in nbformat.read(course / "source" / "rnn" / path.name, as_version=4).cells
                      if cell.metadata.get("nbgrader", {}).get("solution")}
            for cell in notebook.cells:
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                if grade_id in source:
                    cell.source = change(grade_id, source[grade_id])
        nbformat.write(notebook, path)


def two_mistakes(grade_id, source):
    if grade_id == "solution-rnn_step_forward":
        return source.replace('h_prev @ params["Wh"].T', 'h_prev @ params["Wh"]')
    if grade_id == "answer-01_1":
        return source.replace(' + params["bx"])', ")")
    return source


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The course built, validated, released, and three submissions autograded, with feedback: (folder, seconds)."""
    started = time.perf_counter()
    course = tmp_path_factory.mktemp("course")
    subprocess.run([sys.executable, str(SCRIPT), "--output", str(course), "--notebooks", *NOTEBOOKS], check=True,
                   capture_output=True)
    sources = sorted(str(path) for path in (course / "source" / "rnn").glob("*.ipynb"))
    validated = nbgrader(course, "validate", *sources)
    assert validated.count("Success! Your notebook passes all the tests.") == len(sources), validated
    nbgrader(course, "generate_assignment", "rnn")
    submission(course, SOLUTIONS, lambda grade_id, source: source)
    submission(course, UNTOUCHED)
    submission(course, MISTAKES, two_mistakes)
    for student in (SOLUTIONS, UNTOUCHED, MISTAKES):
        nbgrader(course, "db", "student", "add", student)
    nbgrader(course, "autograde", "rnn")
    nbgrader(course, "generate_feedback", "rnn")
    return course, time.perf_counter() - started


def scores(course):
    """{student: (score, max_score)} from the gradebook."""
    code = ("import json; from nbgrader.api import Gradebook\n"
            "with Gradebook('sqlite:///gradebook.db') as gb:\n"
            "    print(json.dumps({s.id: [gb.find_submission('rnn', s.id).score, "
            "gb.find_submission('rnn', s.id).max_score] for s in gb.students}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=course, capture_output=True, text=True, check=True)
    return {student: tuple(value) for student, value in json.loads(result.stdout).items()}


def test_the_release_holds_no_solution(course):
    folder, _ = course
    release = folder / "release" / "rnn"
    shipped = "".join(path.read_text() for path in release.rglob("*") if path.is_file())
    for secret in ("BEGIN SOLUTION", "HIDDEN TESTS", "grade_answer('", "Model answer", "np.tanh(a_t)",
                   "h_t, y_t = rnn_step(inputs[..., t, :], h_t, params)",
                   "from rnn_helpers import reference", "rnn_helpers.reference import"):
        assert secret not in shipped, secret
    assert not any(path.name == "reference.py" for path in release.rglob("*"))
    checks = json.loads((release / "graded_checks" / "cases.json").read_text())
    assert all("original" not in case["label"] for exercise in checks.values() for case in exercise["cases"])


def test_the_three_submissions_get_full_zero_and_partial_marks(course):
    folder, seconds = course
    marks = scores(folder)
    print(f"\nnbgrader round trip (notebooks {', '.join(NOTEBOOKS)}): {seconds:.0f} s; points: "
          + ", ".join(f"{student} {score:g} of {most:g}" for student, (score, most) in marks.items()))
    most = marks[SOLUTIONS][1]
    assert marks[SOLUTIONS] == (most, most)
    assert marks[UNTOUCHED] == (0, most)
    assert 0 < marks[MISTAKES][0] < most
    assert marks[MISTAKES][0] == most - 2 - 1  # rnn_step_forward's 2 points and 01.1's 1 point lost


def test_the_feedback_names_the_mistakes(course):
    folder, _ = course
    feedback = (folder / "feedback" / MISTAKES / "rnn" / "01-rnn-cell.html").read_text()
    assert "It looks like W_h is used transposed" in feedback
    assert "the bias b_x is missing" in feedback
    untouched = (folder / "feedback" / UNTOUCHED / "rnn" / "01-rnn-cell.html").read_text()
    assert "not done yet" in untouched


def test_the_whole_course_converts(tmp_path):
    spec = importlib.util.spec_from_file_location("make_assignment", SCRIPT)
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
    finally:
        sys.path.remove(str(SCRIPT.parent))
    written = script.write_course(tmp_path)
    grade_ids = []
    for name in written:
        notebook = nbformat.read(tmp_path / "source" / "rnn" / name, as_version=4)
        cells = [cell.metadata["nbgrader"] for cell in notebook.cells if "nbgrader" in cell.metadata]
        grade_ids += [cell["grade_id"] for cell in cells]
        assert any(cell["grade"] and cell["locked"] and cell["points"] > 0 for cell in cells), name
        assert not any("Model answer" in cell.source for cell in notebook.cells)
    assert len(grade_ids) == len(set(grade_ids))  # unique grade ids across the course
    assert len([grade_id for grade_id in grade_ids if grade_id.startswith("answer-")]) == 13


def test_the_answer_key_holds_every_exercise_and_its_accepted_answer(tmp_path):
    from rnn_helpers.exercises import IMPLEMENTATIONS, VALUE_EXERCISES

    output = tmp_path / "answer-key.md"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_answer_key.py"), "--output", str(output)], check=True,
                   capture_output=True)
    key = output.read_text()
    assert key.count("### Exercise ") == len(VALUE_EXERCISES) == 13
    for name in VALUE_EXERCISES:
        assert f"### Exercise {name}:" in key
    for name in IMPLEMENTATIONS:
        assert f'(checked by `check_function("{name}", ' in key


def test_the_hub_image_holds_what_the_graded_notebooks_import_and_no_solution(tmp_path):
    """`make hub-image`: what a graded course's hub is built from, without the teacher's notebooks, the
    readable reference or the self-checks; every rnn_helpers module the graded notebooks import loads
    from it alone, and notebook 10's corpora sit where it reads them (../data from the assignment folder)."""
    image, course = tmp_path / "hub-image", tmp_path / "course"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_hub_image.py"), "--output", str(image)], check=True,
                   capture_output=True)
    subprocess.run([sys.executable, str(SCRIPT), "--output", str(course)], check=True, capture_output=True)
    shipped = [path for path in image.rglob("*") if path.is_file()]
    assert not [path for path in shipped if path.suffix == ".ipynb" or path.name == "reference.py"]
    assert not (image / "rnn_helpers" / "exercises").exists()
    assert not any("BEGIN SOLUTION" in path.read_text(errors="replace") for path in shipped)
    assert {"requirements.txt", "postBuild"} <= {path.name for path in (image / "binder").iterdir()}
    imported = sorted({module for path in (course / "source" / "rnn").glob("*.ipynb")
                       for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"
                       for module in re.findall(r"^from (rnn_helpers[\w.]*) import", cell.source, flags=re.M)})
    assert "rnn_helpers.gated" in imported and not any(".exercises" in module for module in imported), imported
    code = ("import importlib, sys; from pathlib import Path\n"
            "for name in sys.argv[1:]:\n"
            "    assert Path(importlib.import_module(name).__file__).is_relative_to(Path.cwd()), name\n"
            "assert Path('data/names.txt').exists() and Path('data/tinyshakespeare.txt').exists()")
    # The image's folder first on the path, ahead of this project's own rnn_helpers (installed for development).
    result = subprocess.run([sys.executable, "-c", code, *imported], cwd=image, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(image)})
    assert result.returncode == 0, result.stderr[-3000:]
