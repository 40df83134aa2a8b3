"""Write the reveal.js slide type of every cell, chosen for lecturing by a few fixed rules.

    python scripts/slide_metadata.py            # write cell.metadata.slideshow in every notebook
    python scripts/slide_metadata.py --check    # exit 1 if any notebook's slide types are out of date
    python scripts/slide_metadata.py a.ipynb    # only these notebooks (e.g. a copy in a build folder)

The rules, in order (the first that applies decides):

1. a cell tag ``slides:slide``, ``slides:subslide``, ``slides:fragment``, ``slides:continue``,
   ``slides:skip`` or ``slides:notes`` overrides everything below, for that cell;
2. the navigation links (scripts/update_navigation.py) are skipped: reveal.js has its own;
3. the title (``# ...``) and every markdown cell with a ``## `` heading start a new slide;
4. after ``## Exercises``: each question (markdown) is a sub-slide and the answer cells are
   skipped; a lecture shows the questions, students answer them in the notebook;
5. a cell that shows a figure or a widget starts a sub-slide (build_slides.py then moves the
   figure onto a sub-slide of its own, full size);
6. a cell with a long output (more than LONG_OUTPUT lines) starts a sub-slide;
7. any other cell continues the current slide while it fits (about SLIDE_LINES lines of text,
   code and output), else starts a sub-slide: one idea per slide, never a slide that overflows.

Running it twice changes nothing; `make navigation` and `make execute` run it, and a test fails
when a notebook's slide types differ from what these rules give.
"""

import argparse
import math
import re
import sys
from pathlib import Path

import nbformat
from update_navigation import numbered_notebooks, store_or_report  # the script beside this one

NAVIGATION_MARKER = "<!--NAVIGATION-->"
TAG_PREFIX = "slides:"
TAG_TYPES = {"slide": "slide", "subslide": "subslide", "fragment": "fragment", "continue": "-", "skip": "skip",
             "notes": "notes"}
SLIDE_LINES = 20  # lines of 20-px text that fit on a 960 x 700 reveal.js slide with its heading
LONG_OUTPUT = 12  # output lines that deserve a sub-slide of their own
CHARACTERS_PER_LINE = 80  # of markdown at the slides' font size
FIGURE_MIMETYPES = ("image/png", "image/svg+xml", "application/vnd.jupyter.widget-view+json")


def tag_override(cell):
    """The slide type a ``slides:...`` tag asks for, or None."""
    for tag in cell.get("metadata", {}).get("tags", []):
        if tag.startswith(TAG_PREFIX):
            name = tag[len(TAG_PREFIX):]
            if name not in TAG_TYPES:
                raise ValueError(f"unknown slide tag {tag!r}: use one of {[TAG_PREFIX + key for key in TAG_TYPES]}")
            return TAG_TYPES[name]
    return None


def output_lines(cell):
    """Lines of text the cell's outputs take (figures are counted by rule 5, not here)."""
    lines = 0
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            lines += output["text"].count("\n") or 1
        elif "data" in output and not any(kind in output["data"] for kind in FIGURE_MIMETYPES):
            lines += output["data"].get("text/plain", "").count("\n") + 1
    return lines


def shows_figure(cell):
    return any(kind in output.get("data", {}) for output in cell.get("outputs", []) for kind in FIGURE_MIMETYPES)


def height_in_lines(cell):
    """About how many slide lines the cell takes: wrapped markdown (display math counts double),
    or code plus its text outputs."""
    if cell.cell_type == "markdown":
        lines = sum(max(1, math.ceil(len(line) / CHARACTERS_PER_LINE)) for line in cell.source.splitlines())
        return lines + cell.source.count("$$")
    return len(cell.source.splitlines()) + output_lines(cell)


def slide_types(cells):
    """The slide type of each cell, by the rules in this module's docstring."""
    types = []
    in_exercises = False
    used = 0  # lines used on the current (sub-)slide
    for cell in cells:
        if cell.cell_type == "markdown" and re.search(r"^## ", cell.source, flags=re.MULTILINE):
            in_exercises = bool(re.search(r"^## Exercises", cell.source, flags=re.MULTILINE))
        chosen = tag_override(cell)
        if chosen is None:
            if cell.cell_type == "markdown" and NAVIGATION_MARKER in cell.source:
                chosen = "skip"
            elif cell.cell_type == "markdown" and re.search(r"^##? ", cell.source, flags=re.MULTILINE):
                chosen = "slide"
            elif in_exercises:
                chosen = "subslide" if cell.cell_type == "markdown" else "skip"
            elif shows_figure(cell) or output_lines(cell) > LONG_OUTPUT:
                chosen = "subslide"
            elif used + height_in_lines(cell) > SLIDE_LINES:
                chosen = "subslide"
            else:
                chosen = "-"
        if chosen in ("slide", "subslide"):
            used = height_in_lines(cell)
        elif chosen in ("-", "fragment"):
            used += height_in_lines(cell)
        types.append(chosen)
    return types


def apply(notebook):
    """Write the slide types into the notebook's cells; return True if anything changed."""
    changed = False
    for cell, slide_type in zip(notebook.cells, slide_types(notebook.cells), strict=True):
        if cell.metadata.get("slideshow") != {"slide_type": slide_type}:
            cell.metadata["slideshow"] = {"slide_type": slide_type}
            changed = True
    return changed


def main(arguments=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks whose slide types are stale")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every numbered notebook in notebooks/")
    args = parser.parse_args(arguments)
    paths = args.notebooks or numbered_notebooks()
    notebooks = [nbformat.read(path, as_version=4) for path in paths]
    changed = [apply(notebook) for notebook in notebooks]
    return store_or_report(paths, notebooks, changed, args.check, "slide metadata", "scripts/slide_metadata.py")


if __name__ == "__main__":
    sys.exit(main())
