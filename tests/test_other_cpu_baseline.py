"""nbval with NumPy's baseline code only (see other_cpus.py)."""

from other_cpus import check_profile


def test_stored_outputs_hold_with_numpy_baseline_code(report):
    check_profile("numpy baseline code only", report)
