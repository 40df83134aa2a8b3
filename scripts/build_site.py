"""Build the collection as a static website with Jupyter Book 1, from the stored outputs, for reading offline.

    python scripts/build_site.py [--out build/site] [--notebooks notebooks]                 # the teacher's site
    python scripts/build_site.py --edition student [--out build/student-site]               # the students' site

Two editions. The teacher's site has every notebook as it is, with the lesson plans (docs/teaching.md).
The students' site is built from the student edition (scripts/make_student_edition.py): solutions
replaced by their stubs, ``teacher-only`` cells left out, no lesson plans and no model answers
(``<details>`` blocks); the outputs of the cells the student edition leaves unchanged are kept (its
figures and tables), except those of the checks, which would report on the teacher's solutions.

Stages the pages in ``<out>-src/``: site/_config.yml and site/intro.md, docs/teaching.md, and a copy
of every numbered notebook with its live-kernel outputs replaced by still images and finished
progress bars (static_outputs.py) and without its navigation links (the site has its own). Writes
_toc.yml from the notebook file names, copies MathJax 3 from node_modules into the site (so no
page loads anything from a CDN), and runs ``jupyter-book build`` without executing any notebook.
The site is ``<out>/_build/html/index.html``.
"""

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from make_student_edition import student_edition
from static_outputs import make_static

ROOT = Path(__file__).resolve().parent.parent
MATHJAX = ROOT / "node_modules" / "mathjax-v3" / "es5"
NAVIGATION_MARKER = "<!--NAVIGATION-->"
EDITIONS = ("teacher", "student")
MODEL_ANSWER = re.compile(r"\n*<details>.*?</details>", flags=re.DOTALL)
ALT_PREFIX = "Figure: "  # how rnn_helpers/_style.py's figure descriptions start
CHECK_CALL = re.compile(r"\bcheck_(function|answer)\(")


def for_students(teacher):
    """The student edition of ``teacher`` with the outputs a reader needs: those of every cell it leaves
    unchanged, except the checks' (they report on the teacher's solutions); model answers removed."""
    outputs = {cell.get("id"): cell.get("outputs", []) for cell in teacher.cells}
    sources = {cell.get("id"): cell.source for cell in teacher.cells}
    notebook = student_edition(teacher)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = MODEL_ANSWER.sub("", cell.source)
        elif sources.get(cell.get("id")) == cell.source and not CHECK_CALL.search(cell.source):
            cell.outputs = outputs[cell.get("id")]
    return notebook


def stage_notebook(path, destination, edition="teacher"):
    notebook = nbformat.read(path, as_version=4)
    if edition == "student":
        notebook = for_students(notebook)
    notebook.cells = [cell for cell in notebook.cells
                      if not (cell.cell_type == "markdown" and NAVIGATION_MARKER in cell.source)]
    make_static(notebook, name=path.name)
    for cell in notebook.cells:
        describe_figures(cell)
    nbformat.write(notebook, destination)


def describe_figures(cell):
    """Give the cell's figures their text descriptions (the figures' text/plain form, rnn_helpers/_style.py)
    as alt text: myst-nb takes one per cell, from the cell's ``mystnb.image.alt``."""
    descriptions = [output["data"]["text/plain"][len(ALT_PREFIX):] for output in cell.get("outputs", [])
                    if "image/png" in output.get("data", {})
                    and str(output["data"].get("text/plain", "")).startswith(ALT_PREFIX)]
    if descriptions:
        cell.metadata.setdefault("mystnb", {}).setdefault("image", {})["alt"] = " / ".join(descriptions)


def table_of_contents(notebook_names, edition="teacher"):
    chapters = "".join(f"- file: notebooks/{name}\n" for name in notebook_names)
    teaching = "- file: teaching\n" if edition == "teacher" else ""
    return f"format: jb-book\nroot: intro\nchapters:\n{chapters}{teaching}"


def stage(source, notebook_dir, edition="teacher"):
    """Write every page of the site into ``source`` (emptied first), with the notebooks of ``notebook_dir``."""
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}, got {edition!r}")
    if not MATHJAX.exists():
        raise FileNotFoundError(f"no MathJax 3 at {MATHJAX}: run `make classroom-assets` (npm ci)")
    shutil.rmtree(source, ignore_errors=True)
    (source / "notebooks").mkdir(parents=True)
    shutil.copy2(ROOT / "site" / "_config.yml", source / "_config.yml")
    intro = "intro.md" if edition == "teacher" else "intro-student.md"
    shutil.copy2(ROOT / "site" / intro, source / "intro.md")
    if edition == "teacher":
        # teaching.md links the notebooks as ../notebooks/ from docs/; on the site they sit beside it.
        teaching = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
        (source / "teaching.md").write_text(teaching.replace("](../notebooks/", "](notebooks/"), encoding="utf-8")
    paths = sorted(notebook_dir.glob("[0-9][0-9]-*.ipynb"))
    for path in paths:
        stage_notebook(path, source / "notebooks" / path.name, edition)
    (source / "_toc.yml").write_text(table_of_contents([path.stem for path in paths], edition), encoding="utf-8")
    shutil.copytree(MATHJAX, source / "_mathjax" / "mathjax")


def build(out, notebook_dir=ROOT / "notebooks", edition="teacher"):
    source = out.parent / f"{out.name}-src"
    stage(source, notebook_dir, edition)
    shutil.rmtree(out, ignore_errors=True)
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(source), "--path-output", str(out),
               "--all", "--warningiserror", "--keep-going", "--quiet"]
    subprocess.run(command, check=True)
    print(f"site: {out / '_build' / 'html' / 'index.html'}")


def main(arguments=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edition", choices=EDITIONS, default="teacher")
    parser.add_argument("--out", type=Path, help="default: build/site, or build/student-site for the students'")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks", help="folder of numbered notebooks")
    args = parser.parse_args(arguments)
    out = args.out or ROOT / "build" / ("site" if args.edition == "teacher" else "student-site")
    build(out.resolve(), args.notebooks.resolve(), args.edition)
    return 0


if __name__ == "__main__":
    sys.exit(main())
