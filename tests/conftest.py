"""Shared test fixtures.

``report`` lets a test hand lines (measured timings, for example) to the end of the pytest run,
where they are printed in a "measurements" section even though pytest captures test output.
"""

import pytest

_REPORT_LINES = []


@pytest.fixture
def report():
    """Call ``report(line)`` to print ``line`` in the summary at the end of the run."""
    return _REPORT_LINES.append


def pytest_terminal_summary(terminalreporter):
    if _REPORT_LINES:
        terminalreporter.section("measurements")
        for line in _REPORT_LINES:
            terminalreporter.write_line(line)
