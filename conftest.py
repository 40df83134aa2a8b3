"""How `make test` runs the tests and notebooks: on both cores, and with every output of a notebook
compared where the computer lets it be.

Three workers on two cores (``pytest -n 3 --dist loadfile --no-loadscope-reorder``; the Makefile says
why): every test file, and every notebook (whose cells nbval runs one after another in one kernel), stays
in one worker, so its module fixtures (a JupyterLab server, an installed edition) start once; the slowest
files go first (``SLOWEST_FIRST``), so the workers finish at about the same time.

Run-to-run nondeterminism: nbval compares only the outputs a computer's CPU cannot change. On a
computer whose CPU profile is the one ``make execute`` recorded in a notebook (``execute_notebooks.
cpu_profile``: OpenBLAS's kernel and threads, NumPy's SIMD code), the training results are reproducible
to the last digit, so there a cell marked ``nbval-ignore-output`` must reproduce the text it printed too
(compared as nbval compares, with its sanitize file); if it does not, the notebook's results depend on
something other than its seeds. Elsewhere, tests/test_notebooks_are_consistent.py runs the training
notebooks twice instead.
"""

import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "scripts"))
import execute_notebooks  # noqa: E402  (a script, not a package: found through the path above)

executed_on_this_profile = cache(execute_notebooks.executed_on_this_profile)

# Measured on 2 cores (seconds, one worker each): the files that take longest, slowest first.
SLOWEST_FIRST = [
    "tests/test_other_cpu_avx2.py",  # nbval of notebooks 07-10 under a simulated other CPU, ~170 s
    "tests/test_student_edition.py",  # every notebook of the edition, ~150 s
    "tests/test_slides_and_site.py",  # ~150 s of Chromium
    "tests/test_browser.py",  # ~130 s
    "notebooks/09-gated-cells.ipynb",
    "tests/test_gated.py",
    "tests/test_language_model_claims.py",
    "notebooks/08-vanishing-gradients.ipynb",
    "tests/test_notebook08.py",
    "tests/test_assignment.py",
    "tests/test_other_cpu_baseline.py",  # the same under another, notebooks 01-06, ~20 s
]


def file_of(item):
    return item.nodeid.split("::")[0]


def pytest_collection_modifyitems(items):
    rank = {name: index for index, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(file_of(item), len(rank)))  # stable: each file keeps its order


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    # nbval's cells: IPyNbCell items, with the fresh outputs in .test_outputs once they ran.
    if call.when != "call" or not report.passed or getattr(item, "test_outputs", None) is None:
        return
    if item.options["check"] or not executed_on_this_profile(str(item.fspath)):
        return  # compared by nbval itself, or recorded on a computer that computes other last digits
    from nbval.plugin import coalesce_streams

    # Printed text only: how the rest of a widget cell's output arrives depends on the front end (nbclient,
    # which made the stored run, puts what an Output widget shows inside it; nbval shows it beside).
    printed = [output for output in item.test_outputs if output.get("output_type") == "stream"]
    stored = [output for output in coalesce_streams(item.cell.outputs) if output.get("output_type") == "stream"]
    if not item.compare_outputs(printed, stored):
        report.outcome = "failed"
        report.longrepr = (
            f"{item.name}: this cell's output is not compared across computers (nbval-ignore-output), but this "
            f"computer has the CPU profile the notebook was executed on ({execute_notebooks.cpu_profile()}), "
            "so a fresh run must reproduce it, and it did not: something other than the seeds changes the "
            "results from run to run.\n" + "\n".join(item.comparison_traceback))
