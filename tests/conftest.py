"""Shared test fixtures.

``report`` lets a test hand lines (measured timings, for example) to the end of the pytest run,
where they are printed in a "measurements" section even though pytest captures test output. The lines
travel with the test's report (its ``user_properties``), so they reach the summary when the tests run
in pytest-xdist workers too (``make test`` runs them on both cores).
"""

import pytest

MEASUREMENT = "measurement"
_REPORT_LINES = []


@pytest.fixture
def report(request):
    """Call ``report(line)`` to print ``line`` in the summary at the end of the run."""
    return lambda line: request.node.user_properties.append((MEASUREMENT, line))


def pytest_runtest_logreport(report):
    if report.when == "teardown":  # the properties are complete once the test has finished
        _REPORT_LINES.extend(line for key, line in report.user_properties if key == MEASUREMENT)


def pytest_terminal_summary(terminalreporter):
    if _REPORT_LINES:
        terminalreporter.section("measurements")
        for line in _REPORT_LINES:
            terminalreporter.write_line(line)
