"""Build the graded edition: an nbgrader course directory made from the teacher's edition.

    python scripts/make_assignment.py                          # -> build/course/ (`make assignment`)
    python scripts/make_assignment.py --output DIR --notebooks 01 02

The course holds one assignment, ``rnn``, in ``source/rnn/``: the numbered notebooks with exercises,
converted to nbgrader's cells, and ``graded_checks/``, the judging engine with the data it judges by.

- An implementation exercise (a cell tagged ``solution``) becomes an nbgrader solution cell, its
  ``# BEGIN SOLUTION`` markers nbgrader's ``### BEGIN SOLUTION``; the ``check_function`` cell after it
  becomes one locked, autograded test cell per function (``grade_function``, IMPLEMENTATION_POINTS each).
- A value exercise (a cell tagged ``answer``) becomes a solution cell (the answer) and a locked test cell
  (VALUE_POINTS) whose visible part only asks that an answer is given: the expected value and the usual
  wrong answers sit in a hidden test (``### BEGIN HIDDEN TESTS``), which the release leaves out and
  ``nbgrader autograde`` puts back.
- Model answers (``<details><summary>Model answer</summary>``) and cells tagged ``teacher-only`` are left
  out, outputs cleared.

``graded_checks/`` holds copies of ``rnn_helpers/exercises/{engine,messages,stored}.py`` and
``cases.json``: for each implementation exercise, its cases, the expected results and the results of
every usual mistake, as numbers. No reference implementation goes in, and the cases on the original
example are left out of the data, as their results would give away value exercises (06.1 is a gradient
of the original example). ``nbgrader generate_assignment rnn`` then writes the release without the
solutions and the hidden tests.
"""

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
from make_student_edition import ANSWER_TAG, SOLUTION_TAG, TEACHER_ONLY_TAG  # the script beside this one

from rnn_helpers.exercises import IMPLEMENTATIONS, VALUE_EXERCISES, prepared
from rnn_helpers.exercises.engine import Prepared
from rnn_helpers.exercises.stored import DATA_FILE, encode, to_data

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "rnn"
CHECKS_PACKAGE = "graded_checks"
IMPLEMENTATION_POINTS, VALUE_POINTS = 2, 1
MODEL_ANSWER = re.compile(r"\n*<details>\s*<summary>Model answer[^<]*</summary>.*?</details>\n*", re.S)
NBGRADER_CONFIG = '''\
# nbgrader's settings for this course (written by scripts/make_assignment.py).
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "rnn-notebooks"
c.CourseDirectory.root = __file__.rsplit("/", 1)[0]
# Training cells of notebooks 07-09 run for minutes, not nbgrader's default 30 s.
c.Execute.timeout = 600
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}
'''


def nbgrader_metadata(grade_id, solution=False, points=None):
    metadata = {"grade_id": grade_id, "schema_version": 3, "solution": solution, "grade": points is not None,
                "locked": not solution}
    if points is not None:
        metadata["points"] = points
    return metadata


def marked_for_nbgrader(source):
    return re.sub(r"^(\s*)# (BEGIN|END) SOLUTION$", r"\1### \2 SOLUTION", source, flags=re.M)


def graded_cells(cell, number):
    """The nbgrader cells for one teacher's cell (one cell, or several, or none)."""
    tags = cell.metadata.get("tags", [])
    if TEACHER_ONLY_TAG in tags:
        return []
    if cell.cell_type == "markdown":
        return [nbformat.v4.new_markdown_cell(MODEL_ANSWER.sub("\n\n", cell.source).strip())]
    if SOLUTION_TAG in tags:
        names = re.findall(r"^def (\w+)\(", cell.source, flags=re.M)
        return [nbformat.v4.new_code_cell(marked_for_nbgrader(cell.source), metadata={
            "nbgrader": nbgrader_metadata(f"solution-{'-'.join(names)}", solution=True)})]
    if ANSWER_TAG in tags:
        name, variable = re.search(r'check_answer\("(\d\d\.\d)", (\w+)\)', cell.source).groups()
        answer = "\n".join(line for line in cell.source.splitlines() if "check_answer" not in line)
        return [nbformat.v4.new_code_cell(marked_for_nbgrader(answer.strip()), metadata={
                    "nbgrader": nbgrader_metadata(f"answer-{name.replace('.', '_')}", solution=True)}),
                nbformat.v4.new_code_cell(value_test(name, variable), metadata={
                    "nbgrader": nbgrader_metadata(f"test-{name.replace('.', '_')}", points=VALUE_POINTS)})]
    checks = re.findall(r'check_function\("(\w+)", (\w+)\)', cell.source)
    if checks:
        return [nbformat.v4.new_code_cell(
            f"from {CHECKS_PACKAGE} import grade_function\n\ngrade_function({name!r}, {function})",
            metadata={"nbgrader": nbgrader_metadata(f"test-{name}", points=IMPLEMENTATION_POINTS)})
            for name, function in checks]
    return [nbformat.v4.new_code_cell(cell.source, metadata={
        key: value for key, value in cell.metadata.items() if key != "tags" or value})]


def value_test(name, variable):
    exercise = VALUE_EXERCISES[name]
    mistakes = [(what, encode(wrong())) for what, wrong in exercise.mistakes]
    return "\n".join([
        f"from {CHECKS_PACKAGE} import answer_given, grade_answer",
        "",
        f"answer_given({name!r}, {variable})",
        "### BEGIN HIDDEN TESTS",
        f"grade_answer({name!r}, {variable}, {exercise.question!r}, {encode(exercise.answer())!r},",
        f"             {exercise.tolerance!r}, {mistakes!r})",
        "### END HIDDEN TESTS",
    ])


def graded_notebook(notebook):
    cells = [new for number, cell in enumerate(notebook.cells) for new in graded_cells(cell, number)]
    graded = nbformat.v4.new_notebook(cells=cells, metadata=notebook.metadata)
    graded.metadata.pop("execution_record", None)
    return graded


def without_original_cases(prepared_exercise):
    """The prepared data without the cases on the original example (their results give value answers away)."""
    keep = [number for number, case in enumerate(prepared_exercise.cases) if "original" not in case.label]
    return Prepared(prepared_exercise.returns, prepared_exercise.parameters,
                    tuple(prepared_exercise.cases[number] for number in keep),
                    tuple(prepared_exercise.expected[number] for number in keep),
                    tuple(type(mistake)(mistake.what, mistake.where, mistake.compare,
                                        tuple(mistake.results[number] for number in keep))
                          for mistake in prepared_exercise.mistakes),
                    prepared_exercise.shape_hint, prepared_exercise.batch_hint, prepared_exercise.answers)


def write_checks(folder, names):
    package = folder / CHECKS_PACKAGE
    package.mkdir(parents=True, exist_ok=True)
    for module in ("engine", "messages", "stored"):
        shutil.copy(ROOT / "rnn_helpers" / "exercises" / f"{module}.py", package / f"{module}.py")
    (package / "__init__.py").write_text(
        '"""The graded checks of this assignment (generated by scripts/make_assignment.py)."""\n\n'
        "from .stored import answer_given, grade_answer, grade_function\n\n"
        '__all__ = ["answer_given", "grade_answer", "grade_function"]\n')
    data = {name: to_data(without_original_cases(prepared(name))) for name in names}
    (package / DATA_FILE).write_text(json.dumps(data))


def write_course(output, numbers=None):
    """The course directory: nbgrader_config.py and source/rnn/ with the graded notebooks and their checks."""
    source = output / "source" / ASSIGNMENT
    if source.exists():
        shutil.rmtree(source)
    source.mkdir(parents=True)
    (output / "nbgrader_config.py").write_text(NBGRADER_CONFIG)
    names, written = set(), []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        has_exercises = any({SOLUTION_TAG, ANSWER_TAG} & set(cell.metadata.get("tags", [])) for cell in notebook.cells)
        if not has_exercises or (numbers and path.name[:2] not in numbers):
            continue
        graded = graded_notebook(notebook)
        names |= {cell.metadata.nbgrader["grade_id"][len("test-"):] for cell in graded.cells
                  if cell.metadata.get("nbgrader", {}).get("grade_id", "").startswith("test-")}
        nbformat.write(graded, source / path.name)
        written.append(path.name)
    write_checks(source, sorted(names & set(IMPLEMENTATIONS)))
    return written


def main(arguments):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "course")
    parser.add_argument("--notebooks", nargs="*", help="numbers of the notebooks to include (default: all)")
    args = parser.parse_args(arguments)
    written = write_course(args.output, args.notebooks)
    print(f"nbgrader course in {args.output}: assignment {ASSIGNMENT!r} with {len(written)} notebooks "
          f"({', '.join(written)}). Next: cd {args.output} && nbgrader generate_assignment {ASSIGNMENT}")


if __name__ == "__main__":
    main(sys.argv[1:])
