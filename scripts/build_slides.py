"""Build one reveal.js deck per notebook, with stored outputs, that works without internet.

    python scripts/build_slides.py [--out build/slides] [notebooks ...]   # default: every numbered notebook

Each deck is nbconvert's slides export of a notebook (its slide types come from
scripts/slide_metadata.py), with three changes for a lecture hall:

- reveal.js 4.0.2, require.js, jQuery and MathJax 2.7 are loaded from the deck folder's
  ``assets/``, copied from ``node_modules/`` (``make classroom-assets`` installs them with npm from the
  committed package-lock.json), never from a CDN;
- widgets become still images with a note, and progress bars their finished state (static_outputs.py);
- a figure moves onto a sub-slide of its own, right after its code, so it can fill the screen.

Open ``index.html`` of the output folder through a local web server (``make slides`` prints the
command): browsers refuse MathJax's fonts from ``file://`` pages.
"""

import argparse
import shutil
import sys
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from static_outputs import make_static
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
TEMPLATE_DIR = Path(__file__).resolve().parent / "slides_template"
FIGURE_TAG = "slides:figure-only"  # marks the output-only cells made here; their (empty) input is hidden
FIGURE_MIMETYPES = ("image/png", "image/svg+xml")

# What the decks load, copied from node_modules into assets/: (source, destination) relative paths.
# MathJax 2 is only the pieces its "TeX-AMS_CHTML-full,Safe" configuration loads, not all 70 MB.
ASSETS = [
    ("reveal.js/dist", "reveal.js/dist"),
    ("reveal.js/plugin/notes", "reveal.js/plugin/notes"),
    ("requirejs/require.js", "require.js"),
    ("jquery/dist/jquery.min.js", "jquery.min.js"),
    ("mathjax/MathJax.js", "mathjax/MathJax.js"),
    ("mathjax/config/TeX-AMS_CHTML-full.js", "mathjax/config/TeX-AMS_CHTML-full.js"),
    ("mathjax/config/Safe.js", "mathjax/config/Safe.js"),
    ("mathjax/extensions", "mathjax/extensions"),
    ("mathjax/jax/input/TeX", "mathjax/jax/input/TeX"),
    ("mathjax/jax/output/CommonHTML", "mathjax/jax/output/CommonHTML"),
    ("mathjax/jax/element", "mathjax/jax/element"),
    ("mathjax/fonts/HTML-CSS/TeX/woff", "mathjax/fonts/HTML-CSS/TeX/woff"),
    ("mathjax/localization/en", "mathjax/localization/en"),
]


def copy_assets(destination):
    """Copy the decks' JavaScript into ``destination`` (fails clearly if npm has not installed it)."""
    missing = [source for source, _ in ASSETS if not (NODE_MODULES / source).exists()]
    if missing:
        raise FileNotFoundError(f"missing {missing} in {NODE_MODULES}: run `make classroom-assets` (npm ci)")
    for source, target in ASSETS:
        source, target = NODE_MODULES / source, destination / target
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)


def exporter():
    config = Config()
    config.SlidesExporter.reveal_url_prefix = "assets/reveal.js"
    config.SlidesExporter.reveal_theme = "white"
    config.SlidesExporter.reveal_transition = "none"  # no animation between slides on a slow projector laptop
    config.SlidesExporter.reveal_number = "c/t"
    config.HTMLExporter.require_js_url = "assets/require.js"
    config.HTMLExporter.jquery_url = "assets/jquery.min.js"
    config.HTMLExporter.mathjax_url = "assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
    config.SlidesExporter.extra_template_basedirs = [str(TEMPLATE_DIR.parent)]
    config.SlidesExporter.template_name = TEMPLATE_DIR.name
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_input_tags = {FIGURE_TAG}
    return SlidesExporter(config=config)


def figures_on_their_own_slides(notebook):
    """Move each code cell's figures into a new output-only cell right after it, on a sub-slide."""
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        slide_type = cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")
        if cell.cell_type != "code" or slide_type == "skip":
            continue
        figures = [output for output in cell.outputs if any(kind in output.get("data", {})
                                                            for kind in FIGURE_MIMETYPES)]
        if not figures:
            continue
        cell.outputs = [output for output in cell.outputs if not any(output is figure for figure in figures)]
        figure_cell = nbformat.v4.new_code_cell(source="", metadata={"tags": [FIGURE_TAG],
                                                                     "slideshow": {"slide_type": "subslide"}})
        figure_cell.outputs = figures
        cells.append(figure_cell)
    notebook.cells = cells


def prepared(path):
    """The notebook as its deck shows it: static outputs, figures on sub-slides of their own."""
    notebook = nbformat.read(path, as_version=4)
    make_static(notebook, name=path.name)
    figures_on_their_own_slides(notebook)
    return notebook


def deck(path):
    """The HTML of one notebook's deck."""
    html, _ = exporter().from_notebook_node(prepared(path), resources={"metadata": {"name": path.stem}})
    return html


def index_page(names):
    links = "\n".join(f'<li><a href="{name}.slides.html">{name}</a></li>' for name in names)
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>rnn-notebooks slides</title>"
            f"</head>\n<body><h1>rnn-notebooks: slides</h1>\n<ul>\n{links}\n</ul>\n"
            f"<p>Arrow keys move between slides (down for sub-slides); <kbd>s</kbd> opens the speaker view.</p>"
            f"</body></html>\n")


def build(paths, out):
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out / "assets")
    for path in paths:
        (out / f"{path.stem}.slides.html").write_text(deck(path), encoding="utf-8")
        print(f"slides: {out / path.stem}.slides.html", flush=True)
    (out / "index.html").write_text(index_page([path.stem for path in paths]), encoding="utf-8")


def main(arguments=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "slides")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(arguments)
    build(args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
