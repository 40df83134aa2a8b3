"""Build one reveal.js lecture deck per notebook, with stored outputs, that works without internet.

    python scripts/build_slides.py [--out build/slides] [notebooks ...]   # default: every numbered notebook

Each deck is nbconvert's slides export of a copy of a notebook re-cut into a lecture (``lecture``):

- a title slide with the learning goals; each ``##`` section a slide with its first paragraphs, lists
  and tables (further prose goes to the speaker notes); each display equation on a sub-slide of its own;
- figures on sub-slides of their own, without their plotting code, as wide as the slide allows, with
  the figure's text description (rnn_helpers/_style.py) as alt text; widgets as still images with a note,
  progress bars in their finished state (static_outputs.py);
- no solution: cells tagged ``solution`` (or holding ``# BEGIN SOLUTION``), exercise answer cells and
  the model answers (``<details>``) are left out; import-only cells too; long code is cut to its first
  lines (``CODE_LINES``) and long outputs to theirs, with a note that the full cell is in the notebook;
- the questions to the room of the lesson plan (docs/teaching.md, read by lesson_plans.py), each with
  its answer on a following fragment, then the exercises as questions, then a closing summary;
- speaker notes (reveal.js ``s`` opens the speaker view) from the lesson plan: the timing cue of each
  row of its table on the slide it names, the question and its answer, what to notice.

The slide types of the notebook's own cells come from scripts/slide_metadata.py, so a ``slides:skip``
tag still leaves a cell out. reveal.js 4.0.2, require.js, jQuery and MathJax 2.7 are loaded from the
deck folder's ``assets/``, copied from ``node_modules/`` (``make classroom-assets``), never from a CDN.
The slides are 1280 x 720 (a projector); a slide still too big after all this is scaled down to fit
by the template's script, and tests/test_slides_and_site.py fails on any slide that overflows.

Open ``index.html`` of the output folder through a local web server (``make slides`` prints the
command): browsers refuse MathJax's fonts from ``file://`` pages.
"""

import argparse
import re
import shutil
import sys
from pathlib import Path

import nbformat
from lesson_plans import lesson_plans
from nbconvert import SlidesExporter
from static_outputs import make_static
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
TEMPLATE_DIR = Path(__file__).resolve().parent / "slides_template"
FIGURE_TAG = "slides:figure-only"  # marks the output-only cells made here; their (empty) input is hidden
FIGURE_MIMETYPES = ("image/png", "image/svg+xml")
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720  # a projector's pixels: the slides are laid out at this size

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
    config.SlidesExporter.reveal_width = str(SLIDE_WIDTH)
    config.SlidesExporter.reveal_height = str(SLIDE_HEIGHT)
    config.HTMLExporter.require_js_url = "assets/require.js"
    config.HTMLExporter.jquery_url = "assets/jquery.min.js"
    config.HTMLExporter.mathjax_url = "assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
    config.SlidesExporter.extra_template_basedirs = [str(TEMPLATE_DIR.parent)]
    config.SlidesExporter.template_name = TEMPLATE_DIR.name
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_input_tags = {FIGURE_TAG}
    return SlidesExporter(config=config)


SOLUTION_MARKERS = ("# BEGIN SOLUTION", "# END SOLUTION")
CODE_LINES = 12  # code lines a slide shows of one cell; the rest stays in the notebook
OUTPUT_LINES = 12  # output lines likewise
KEPT_PARAGRAPHS = 2  # prose paragraphs a section slide keeps; later ones become speaker notes
IMPORT = re.compile(r"^(import |from \S+ import )")
DETAILS = re.compile(r"<details>.*?</details>", flags=re.DOTALL)


def slide_type(cell):
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def new_cell(kind, source, slide, outputs=None, tags=()):
    """A markdown or code cell for the deck, with its slide type (and, for code, outputs)."""
    metadata = {"slideshow": {"slide_type": slide}, "tags": list(tags)}
    if kind == "markdown":
        return nbformat.v4.new_markdown_cell(source, metadata=metadata)
    made = nbformat.v4.new_code_cell(source, metadata=metadata)
    made.outputs = outputs or []
    return made


def is_solution(cell):
    return "solution" in cell.get("metadata", {}).get("tags", []) or any(
        marker in cell.source for marker in SOLUTION_MARKERS)


def blocks(markdown):
    """The markdown's blocks in order, as (kind, text): kind is "heading", "math", "list", "table" or
    "prose". Model answers (``<details>``) are dropped."""
    markdown = DETAILS.sub("", markdown)
    found, current = [], []
    in_math = False
    for line in markdown.splitlines():
        if line.count("$$") % 2:  # opens or closes a display equation ("$$...$$" on one line does neither)
            in_math = not in_math
        if not line.strip() and not in_math:
            if current:
                found.append("\n".join(current))
            current = []
        else:
            current.append(line)
    if current:
        found.append("\n".join(current))
    typed = []
    for block in found:
        first = block.lstrip()
        if first.startswith("#"):
            heading, _, rest = block.partition("\n")
            typed.append(("heading", heading))
            if rest.strip():
                typed += blocks(rest)
        elif first.startswith("$$"):
            typed.append(("math", block))
        elif re.match(r"(- |\* |\d+\. )", first):
            typed.append(("list", block))
        elif first.startswith("|"):
            typed.append(("table", block))
        else:
            # a paragraph that ends in a list ("... you can\n1. ...") is a list with its lead-in
            typed.append(("list" if re.search(r"^(- |\d+\. )", block, flags=re.MULTILINE) else "prose", block))
    return typed


def shortened(lines, limit, what):
    """At most ``limit`` lines, the last saying how many more the notebook has."""
    if len(lines) <= limit:
        return lines
    return lines[:limit - 1] + [f"{what}... {len(lines) - limit + 1} more lines: the full cell is in the notebook"]


def code_for_slide(source):
    """The lines of a code cell worth projecting: no nbval markers or leading imports, cut to CODE_LINES."""
    lines = [line for line in source.splitlines() if line.strip() != "# NBVAL_IGNORE_OUTPUT"]
    while lines and (not lines[0].strip() or IMPORT.match(lines[0])):  # the imports are in the notebook
        lines.pop(0)
    return "\n".join(shortened(lines, CODE_LINES, "# "))


def output_for_slide(output):
    """A text output cut to OUTPUT_LINES lines (other outputs unchanged)."""
    output = nbformat.from_dict(output)
    if output.output_type == "stream":
        output.text = "\n".join(shortened(output.text.rstrip("\n").splitlines(), OUTPUT_LINES, "")) + "\n"
    elif "text/plain" in output.get("data", {}) and not any(kind in output.data for kind in FIGURE_MIMETYPES):
        output.data["text/plain"] = "\n".join(shortened(output.data["text/plain"].splitlines(), OUTPUT_LINES, ""))
    return output


def is_figure(output):
    return any(kind in output.get("data", {}) for kind in FIGURE_MIMETYPES)


def with_alt_text(output):
    """The figure output with its text description (the figure's text/plain form) as alt text."""
    description = output.get("data", {}).get("text/plain", "")
    if isinstance(description, list):
        description = "".join(description)
    if description.startswith("Figure: "):
        for kind in FIGURE_MIMETYPES:
            if kind in output.data:
                output.setdefault("metadata", {}).setdefault(kind, {})["alt"] = description[len("Figure: "):]
    return output


def heading_text(heading):
    return heading.lstrip("#").strip()


def plain_words(text):
    return {word for word in re.findall(r"[a-z]{4,}", text.lower().replace("`", ""))}


def cues_by_section(plan, headings):
    """Which section (index into ``headings``; -1 the title slide) each row of the plan's table cues.

    A row naming a slide (``slide "The loss"``) goes to that section; otherwise to the section
    sharing most words with it, and failing that to the section of the row before."""
    placed, previous = {}, -1
    for number, row in enumerate(plan.rows if plan else []):
        target = -1 if number == 0 else None
        named = re.search(r'slide "([^"]+)"', row.how)
        if target is None and named:
            target = next((index for index, heading in enumerate(headings)
                           if heading_text(heading).replace("`", "").lower().startswith(named[1].lower())), None)
        if target is None:
            overlaps = [len(plain_words(row.what + " " + row.how) & plain_words(heading)) for heading in headings]
            best = max(overlaps, default=0)
            target = overlaps.index(best) if best else previous
        placed.setdefault(target, []).append(row.cue())
        previous = max(previous, target)
    return placed


def notes_cell(lines):
    return new_cell("markdown", "\n\n".join(lines), "notes")


def title_slide(cell, plan):
    """The title, the learning goals; the introduction and the first cue as notes."""
    parts = blocks(cell.source)
    title = next(text for kind, text in parts if kind == "heading")
    goals = [text for kind, text in parts if kind == "list"]
    intro = [text for kind, text in parts if kind == "prose"]
    shown = "\n\n".join([title, *goals]) if goals else "\n\n".join([title, *intro[:1]])
    notes = intro if goals else intro[1:]
    if plan and plan.goal:
        notes = [f"Goal of the lesson: {plan.goal}", *notes]
    return new_cell("markdown", shown, "slide"), notes


def section_cells(cell, kind):
    """A markdown cell cut for the deck: (cells, prose moved to the notes)."""
    parts = blocks(cell.source)
    heading = next((text for part, text in parts if part == "heading"), None)
    shown, moved, equations, prose = [], [], [], 0
    for part, text in parts:
        if part == "math" and heading is not None:
            equations.append(text)
        elif part == "prose":
            prose += 1
            (shown if prose <= KEPT_PARAGRAPHS or heading is None else moved).append(text)
        else:
            shown.append(text)
    cells = [new_cell("markdown", "\n\n".join(shown), kind)] if shown else []
    for equation in equations:  # the key equation, alone and large
        cells.append(new_cell("markdown", f"### {heading_text(heading)}\n\n{equation}", "subslide",
                              tags=["slide-equation"]))
    return cells, moved


def question_slides(plan):
    """The plan's questions to the room: the question, its answer on the next fragment and in the notes."""
    if not plan or not plan.questions:
        return []
    cells = [new_cell("markdown", "## Questions for the room\n\nThink first, then discuss with your neighbour.",
                      "slide"),
             notes_cell(["Ask each question, wait for answers from the room, then show the answer (next key)."])]
    for number, (question, answer) in enumerate(plan.questions, start=1):
        cells += [new_cell("markdown", f"### Question {number}\n\n*{question}*", "subslide"),
                  new_cell("markdown", f"**Answer.** {answer}", "fragment"),
                  notes_cell([f"Ask: {question}", f"Answer: {answer}"])]
    return cells


def summary_slide(title_cell, plan, headings):
    goals = next((text for kind, text in blocks(title_cell.source) if kind == "list"), "")
    goal_lines = [line for line in goals.splitlines() if re.match(r"\s*(\d+\.|-) ", line)]
    covered = [heading_text(heading) for heading in headings
               if not re.match(r"(Your turn|Exercises|Try it)", heading_text(heading))]
    text = "## Summary\n\n" + ("You can now\n" + "\n".join(goal_lines) if goal_lines else
                               "\n".join(f"- {heading}" for heading in covered))
    notes = ["Wrap up: read the goals back and ask which one is still unclear."]
    if plan and plan.notice:
        notes.append(f"What they should have noticed: {plan.notice}")
    if plan and plan.rows:
        notes.append(plan.rows[-1].cue())
    notes.append("The exercises are homework: the notebook's checks tell the students whether they are right.")
    return [new_cell("markdown", text, "slide"), notes_cell(notes)]


def lecture(notebook, plan=None):
    """Re-cut ``notebook`` (static outputs already in place) into the cells of a lecture, in place."""
    shown = [cell for cell in notebook.cells if slide_type(cell) != "skip" and not is_solution(cell)]
    headings = [heading for cell in shown if cell.cell_type == "markdown"
                for heading in re.findall(r"^## .+$", cell.source, flags=re.MULTILINE)]
    cues = cues_by_section(plan, headings)
    cells, section, title_cell = [], -1, None
    exercises_started = False
    for cell in shown:
        kind = slide_type(cell)
        if cell.cell_type == "markdown":
            if title_cell is None and re.match(r"^# ", cell.source):
                title_cell = cell
                slide, notes = title_slide(cell, plan)
                cells += [slide, notes_cell(cues.get(-1, []) + notes)]
                continue
            heading = re.search(r"^## .+$", cell.source, flags=re.MULTILINE)
            if heading and heading[0].startswith("## Exercises") and not exercises_started:
                exercises_started = True
                cells += question_slides(plan)
            if heading:
                section = headings.index(heading[0])
            made, moved = section_cells(cell, kind)
            cells += made
            notes = (cues.get(section, []) if heading else []) + [f"The notebook goes on: {text}" for text in moved]
            if notes:
                cells.append(notes_cell(notes))
        elif kind == "notes":
            cells.append(cell)
        else:
            figures = [with_alt_text(output) for output in cell.outputs if is_figure(output)]
            texts = [output_for_slide(output) for output in cell.outputs if not is_figure(output)]
            code_lines = [line for line in cell.source.splitlines()
                          if line.strip() and not line.startswith("#") and not IMPORT.match(line)]
            if figures:  # the figure without its plotting code; printed lines with it
                if texts:
                    cells.append(new_cell("code", "", kind, texts, tags=[FIGURE_TAG]))
                cells.append(new_cell("code", "", "subslide" if texts else kind, figures, tags=[FIGURE_TAG]))
            elif code_lines or texts:
                code = new_cell("code", code_for_slide(cell.source), kind, texts)
                cells.append(code)
    if not exercises_started:
        cells += question_slides(plan)
    if title_cell is not None:
        cells += summary_slide(title_cell, plan, headings)
    if cells and slide_type(cells[0]) not in ("slide", "subslide"):
        cells[0].metadata["slideshow"]["slide_type"] = "slide"
    notebook.cells = notes_last(cells)


def notes_last(cells):
    """The cells with each slide's notes moved to its end: reveal.js (nbconvert) puts every "-" cell
    that follows a notes cell into the notes too."""
    ordered, notes = [], []
    for cell in cells:
        kind = slide_type(cell)
        if kind == "notes":
            notes.append(cell)
            continue
        if kind in ("slide", "subslide") and notes:
            ordered += notes
            notes = []
        ordered.append(cell)
    return ordered + notes


def prepared(path, plans=None):
    """The notebook as its deck shows it: static outputs, cut into a lecture with its plan's notes."""
    notebook = nbformat.read(path, as_version=4)
    make_static(notebook, name=path.name)
    plans = lesson_plans() if plans is None else plans
    lecture(notebook, plans.get(path.name[:2]))
    return notebook


def deck(path, plans=None):
    """The HTML of one notebook's deck."""
    html, _ = exporter().from_notebook_node(prepared(path, plans), resources={"metadata": {"name": path.stem}})
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
    plans = lesson_plans()
    for path in paths:
        (out / f"{path.stem}.slides.html").write_text(deck(path, plans), encoding="utf-8")
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
