"""Run notebooks top to bottom in a fresh kernel and store their outputs (for authors).

    python scripts/execute_notebooks.py notebooks/05-explorer.ipynb ...   # default: every numbered notebook

Like ``jupyter nbconvert --execute --inplace``, with two differences:

- the widget state that nbclient saves in the notebook's metadata is dropped. It holds random model
  ids that change on every run, and JupyterLab would show those stale widgets until the cells run again;
- the notebook's metadata records what produced its outputs (``execution_record``): a digest of every
  cell's source and the versions of the pinned packages that ran it. ``tests/test_notebooks_are_consistent.py``
  recomputes both, so a notebook edited after its last run, or run with other package versions than
  requirements.txt pins, is caught before it lands;
- the kernel runs with one BLAS thread (``KERNEL_ENV``), as ``make test`` runs the notebooks, and the record
  holds the CPU profile of the run (``cpu_profile``: OpenBLAS's kernel and threads, NumPy's SIMD code).
  On a computer with the same profile a fresh run must reproduce every output, the uncompared ones
  too (the root ``conftest.py`` checks that while nbval runs): that is how run-to-run nondeterminism shows.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from queue import Empty
from time import monotonic

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
REQUIREMENTS = ROOT / "requirements.txt"
RECORD_KEY = "execution_record"
# One BLAS thread, as in `make test` (each of its two workers has one).
KERNEL_ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}


def pinned_requirements(path=REQUIREMENTS):
    """{package name: version} for every ``name==version`` line of a requirements file."""
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^\s*([A-Za-z0-9_.\-]+)==([^\s#;]+)", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def installed_versions(names):
    """{package name: installed version, or None if it is not installed}."""
    versions = {}
    for name in names:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def source_digest(notebook):
    """SHA-256 over every cell's type and source, in order: changes whenever any cell is edited."""
    digest = hashlib.sha256()
    for cell in notebook["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        digest.update(f"{cell['cell_type']}\0{source}\0".encode())
    return digest.hexdigest()


def cpu_profile():
    """What decides the last digits of this process's arithmetic: OpenBLAS's kernel (e.g. "SkylakeX") and
    thread count, and the SIMD targets NumPy dispatches to (fewer under NPY_DISABLE_CPU_FEATURES)."""
    import threadpoolctl
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    blas = [pool for pool in threadpoolctl.threadpool_info() if pool["user_api"] == "blas"]
    return {"blas": [f"{pool['internal_api']} {pool['version']} {pool.get('architecture')}" for pool in blas],
            "blas_threads": [pool["num_threads"] for pool in blas],
            "numpy_simd": [target for target in __cpu_dispatch__ if __cpu_features__.get(target)]}


def kernel_cpu_profile(env=KERNEL_ENV):
    """``cpu_profile`` of a Python started with ``env`` (by default ``KERNEL_ENV``, as the notebooks' kernels are)."""
    code = f"import json, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); " \
           "import execute_notebooks; print(json.dumps(execute_notebooks.cpu_profile()))"
    result = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def executed_on_this_profile(path):
    """Whether notebook ``path`` was executed by ``execute`` on a CPU profile equal to this process's."""
    record = nbformat.read(path, as_version=4).metadata.get(RECORD_KEY, {})
    return record.get("cpu_profile") == cpu_profile()


def execution_record(notebook, profile):
    """What ``execute`` stores in a notebook's metadata about the run that produced its outputs."""
    return {"source_sha256": source_digest(notebook), "packages": installed_versions(sorted(pinned_requirements())),
            "cpu_profile": profile}


# No cell of ours runs for a minute, so a cell gets this long, and a notebook that stalls one more run.
CELL_TIMEOUT = 120
# How long one wait for the kernel's reply to a cell lasts before it looks again (see ShellPollingClient).
REPLY_POLL_SECONDS = 0.5


def in_short_polls(wait_once, poll_seconds=REPLY_POLL_SECONDS):
    """``wait_once(timeout)`` (a channel's async ``get_msg``) made to wait in polls of ``poll_seconds`` at most,
    up to ``timeout`` in all (None: for ever); raises ``queue.Empty`` when that has passed without a message."""

    async def get_msg(timeout=None):
        deadline = None if timeout is None else monotonic() + timeout
        while True:
            left = poll_seconds if deadline is None else max(deadline - monotonic(), 0.0)
            try:
                return await wait_once(timeout=min(poll_seconds, left))
            except Empty:
                if deadline is not None and monotonic() >= deadline:
                    raise

    return get_msg


class ShellPollingClient(NotebookClient):
    """nbclient's client, waiting for each cell's reply in short polls instead of one as long as the cell's timeout.

    One long poll of the shell socket sometimes misses a reply that has already arrived and returns only at
    its timeout (jupyter/nbclient#312: the kernel is idle, the client waits on). Notebook 05's widget cell
    did so in about one run of eight, stalling the run for the whole CELL_TIMEOUT; each short poll that ends
    looks at the socket again, so a missed reply costs at most REPLY_POLL_SECONDS.
    """

    async def async_start_new_kernel_client(self):
        kernel_client = await super().async_start_new_kernel_client()
        kernel_client.shell_channel.get_msg = in_short_polls(kernel_client.shell_channel.get_msg)
        return kernel_client


def run_notebook(notebook, folder, env=KERNEL_ENV, attempts=2):
    """``notebook`` run top to bottom in a fresh kernel working in ``folder``: a new notebook with outputs.

    A run in which a cell stalls past ``CELL_TIMEOUT`` is started again from the top, up to ``attempts``
    runs in all, and says so on stderr. ``env`` is the kernel's environment.
    """
    for attempt in range(1, attempts + 1):
        executed = nbformat.from_dict(notebook)  # a copy: a stalled run leaves its outputs behind
        # record_timing=False: no per-cell timestamps, which would change every cell's metadata on every run.
        client = ShellPollingClient(executed, timeout=CELL_TIMEOUT, kernel_name="python3", record_timing=False,
                                resources={"metadata": {"path": str(folder)}})
        try:
            client.execute(env=env)
            return executed
        except CellTimeoutError:
            if attempt == attempts:
                raise
            print(f"a cell ran for over {CELL_TIMEOUT} s: running the notebook again",
                  file=sys.stderr, flush=True)


def execute(path, profile):
    notebook = run_notebook(nbformat.read(path, as_version=4), path.parent)
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # timestamps stored by older runs
    notebook.metadata[RECORD_KEY] = execution_record(notebook, profile)
    nbformat.validate(notebook)
    nbformat.write(notebook, path)


def main(arguments):
    paths = [Path(argument) for argument in arguments] or sorted(NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb"))
    profile = kernel_cpu_profile()
    print(f"CPU profile of the kernels: {profile}")
    for path in paths:
        print(f"executing {path.name}", flush=True)
        execute(path, profile)


if __name__ == "__main__":
    main(sys.argv[1:])
