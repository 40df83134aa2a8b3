"""Build the collection as a static website with Jupyter Book 1, from the stored outputs, for reading offline.

    python scripts/build_site.py [--out build/site] [--notebooks notebooks]

Stages the pages in ``<out>-src/``: site/_config.yml and site/intro.md, docs/teaching.md, and a copy
of every numbered notebook with its live-kernel outputs replaced by still images and finished
progress bars (static_outputs.py) and without its navigation links (the site has its own). Writes
_toc.yml from the notebook file names, copies MathJax 3 from node_modules into the site (so no
page loads anything from a CDN), and runs ``jupyter-book build`` without executing any notebook.
The site is ``<out>/_build/html/index.html``.
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from static_outputs import make_static

ROOT = Path(__file__).resolve().parent.parent
MATHJAX = ROOT / "node_modules" / "mathjax-v3" / "es5"
NAVIGATION_MARKER = "<!--NAVIGATION-->"


def stage_notebook(path, destination):
    notebook = nbformat.read(path, as_version=4)
    notebook.cells = [cell for cell in notebook.cells
                      if not (cell.cell_type == "markdown" and NAVIGATION_MARKER in cell.source)]
    make_static(notebook, name=path.name)
    nbformat.write(notebook, destination)


def table_of_contents(notebook_names):
    chapters = "".join(f"- file: notebooks/{name}\n" for name in notebook_names)
    return f"format: jb-book\nroot: intro\nchapters:\n{chapters}- file: teaching\n"


def stage(source, notebook_dir):
    """Write every page of the site into ``source`` (emptied first), with the notebooks of ``notebook_dir``."""
    if not MATHJAX.exists():
        raise FileNotFoundError(f"no MathJax 3 at {MATHJAX}: run `make classroom-assets` (npm ci)")
    shutil.rmtree(source, ignore_errors=True)
    (source / "notebooks").mkdir(parents=True)
    for name in ("_config.yml", "intro.md"):
        shutil.copy2(ROOT / "site" / name, source / name)
    # teaching.md links the notebooks as ../notebooks/ from docs/; on the site they sit beside it.
    teaching = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    (source / "teaching.md").write_text(teaching.replace("](../notebooks/", "](notebooks/"), encoding="utf-8")
    paths = sorted(notebook_dir.glob("[0-9][0-9]-*.ipynb"))
    for path in paths:
        stage_notebook(path, source / "notebooks" / path.name)
    (source / "_toc.yml").write_text(table_of_contents([path.stem for path in paths]), encoding="utf-8")
    shutil.copytree(MATHJAX, source / "_mathjax" / "mathjax")


def build(out, notebook_dir=ROOT / "notebooks"):
    source = out.parent / f"{out.name}-src"
    stage(source, notebook_dir)
    shutil.rmtree(out, ignore_errors=True)
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(source), "--path-output", str(out),
               "--all", "--warningiserror", "--keep-going", "--quiet"]
    subprocess.run(command, check=True)
    print(f"site: {out / '_build' / 'html' / 'index.html'}")


def main(arguments=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks", help="folder of numbered notebooks")
    args = parser.parse_args(arguments)
    build(args.out.resolve(), args.notebooks.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
