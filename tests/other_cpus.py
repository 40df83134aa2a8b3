"""The stored outputs hold on other computers: nbval again, under two simulated other CPUs.

``check_profile(name, report)`` is the test; tests/test_other_cpu_avx2.py and test_other_cpu_baseline.py
run it for one profile each, as two files, so that `make test`'s two workers run them at the same time.

NumPy picks its SIMD code for the CPU it runs on, so last digits differ from one computer to another;
nbval compares only outputs printed to a precision that such digits cannot reach, and claims that hold
with margin. Each profile below reruns nbval in a fresh pytest with NumPy's dispatch capped (names from
``numpy._core._multiarray_umath.__cpu_dispatch__``; disabling one the CPU lacks is harmless) and one BLAS
thread, and each notebook runs under one of them (to keep `make test` within its 10 minutes): the training
notebooks 07-10, whose claims depend most on last digits, under AVX2, the code of most computers without
AVX-512; the notebooks without training, 01-06, under the baseline code, the farthest from this CPU's
(their forward passes would hold under AVX2 as well; the training claims also run natively on ten other
seeds in tests/).
``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE`` are left as the machine sets them. A profile that disables
nothing this CPU has would repeat the main nbval run, and is skipped.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from execute_notebooks import kernel_cpu_profile  # noqa: E402  (a script, not a package: found through the path above)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
TRAINING = ("07", "08", "09", "10")  # the notebooks that train (their numbers)
# name: (NumPy dispatch targets disabled, notebooks run)
PROFILES = {
    "numpy dispatch up to AVX2": ("AVX512_SPR AVX512_ICL X86_V4",
                                  [path for path in NOTEBOOKS if path.name[:2] in TRAINING]),
    "numpy baseline code only": ("AVX512_SPR AVX512_ICL X86_V4 X86_V3",
                                 [path for path in NOTEBOOKS if path.name[:2] not in TRAINING]),
}


def dispatched_targets(env):
    """The SIMD targets NumPy dispatches to in a Python started with ``env``."""
    return kernel_cpu_profile(env)["numpy_simd"]


def check_profile(name, report):
    """nbval over the notebooks of profile ``name`` of PROFILES; ``report`` gets its summary line."""
    disabled, notebooks = PROFILES[name]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    env |= {"NPY_DISABLE_CPU_FEATURES": disabled, "OPENBLAS_NUM_THREADS": "1"}
    targets = dispatched_targets(env)
    if targets == dispatched_targets({**env, "NPY_DISABLE_CPU_FEATURES": ""}):
        pytest.skip(f"{name}: this CPU has none of {disabled}, so the main nbval run is this profile")
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", *map(str, notebooks)], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "no output"
    report(f"nbval under {name} (NumPy dispatches to {' '.join(targets) or 'nothing above its baseline'}), "
           f"one BLAS thread, notebooks {', '.join(path.name[:2] for path in notebooks)}: {summary} "
           f"({time.perf_counter() - start:.0f} s)")
    assert result.returncode == 0, f"nbval under {name} failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}"
