"""nbval with NumPy's dispatch capped at AVX2 (see other_cpus.py)."""

from other_cpus import check_profile


def test_stored_outputs_hold_with_numpy_capped_at_avx2(report):
    check_profile("numpy dispatch up to AVX2", report)
