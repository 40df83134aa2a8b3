"""The classroom extras: slide metadata, the reveal.js decks and the static website, checked offline.

Builds the decks (scripts/build_slides.py) and the site (scripts/build_site.py) into build/, serves
each on a loopback port and opens every deck and every page in Chromium with every request outside
the loopback aborted: pages must load with no console error and no failed request, math must be
typeset by the local MathJax and every figure must decode. The build times and page counts go to
the "measurements" section. Screenshots go to artifacts/.

Needs node_modules/ (``make classroom-assets``); the browser tests need Chromium like test_browser.py.
"""

import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest
from test_browser import (
    ARTIFACTS,
    CHROMIUM,
    browser,  # noqa: F401  (the Chromium fixture, shared; the tests below take it by name)
    free_port,
    start_server,
    stop_server,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import build_site  # noqa: E402
import build_slides  # noqa: E402
import slide_metadata  # noqa: E402
import static_outputs  # noqa: E402

# RNN_NOTEBOOK_DIR checks another folder of notebooks, e.g. a re-executed copy before it is committed.
NOTEBOOK_DIR = Path(os.environ.get("RNN_NOTEBOOK_DIR", ROOT / "notebooks"))
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb"))
BUILD = ROOT / "build"
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
# reveal.js comes in through require.js, so it is a module, not a global: fetch it by its URL.
REVEAL = "require('assets/reveal.js/dist/reveal.js')"
needs_assets = pytest.mark.skipif(not (ROOT / "node_modules").is_dir(),
                                  reason="no node_modules/: run make classroom-assets")
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")


# --- slide metadata -------------------------------------------------------------------------------

def cell(kind, source, outputs=(), tags=()):
    made = nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
    if tags:
        made.metadata["tags"] = list(tags)
    if kind == "code":
        made.outputs = list(outputs)
    return made


def stream(lines):
    return nbformat.v4.new_output("stream", name="stdout", text="".join(f"line {n}\n" for n in range(lines)))


FIGURE = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})


def test_slide_rules():
    cells = [
        cell("markdown", "<!--NAVIGATION-->\n[Contents](../README.md)"),
        cell("markdown", "# 01 · Title\n\nGoals."),
        cell("markdown", "## An idea\n\nSome text."),
        cell("code", "x = 1\nprint(x)", [stream(1)]),
        cell("code", "plot()", [FIGURE]),
        cell("code", "print(many)", [stream(slide_metadata.LONG_OUTPUT + 1)]),
        cell("code", "\n".join(["y = 2"] * slide_metadata.SLIDE_LINES)),
        cell("code", "z = 3", tags=["slides:skip"]),
        cell("markdown", "## Exercises\n\n**1.1** A question."),
        cell("code", "answer = None"),
        cell("markdown", "**1.2** Another question."),
        cell("code", "answer = None"),
    ]
    assert slide_metadata.slide_types(cells) == [
        "skip", "slide", "slide", "-", "subslide", "subslide", "subslide", "skip", "slide", "skip", "subslide", "skip"]


def test_slide_metadata_is_idempotent_and_rejects_unknown_tags():
    notebook = nbformat.v4.new_notebook(cells=[cell("markdown", "# Title"), cell("code", "x = 1")])
    assert slide_metadata.apply(notebook) is True
    assert slide_metadata.apply(notebook) is False
    assert [c.metadata["slideshow"]["slide_type"] for c in notebook.cells] == ["slide", "-"]
    with pytest.raises(ValueError, match="unknown slide tag 'slides:sideways'"):
        slide_metadata.slide_types([cell("code", "x", tags=["slides:sideways"])])


def test_notebooks_slide_metadata_is_up_to_date():
    """Fails when a notebook changed without `make navigation` (scripts/slide_metadata.py) afterwards."""
    assert slide_metadata.main(["--check", *map(str, NOTEBOOKS)]) == 0, "run: python scripts/slide_metadata.py"


# --- outputs that need a kernel -------------------------------------------------------------------

def widget_output(text):
    return nbformat.v4.new_output("display_data", data={static_outputs.WIDGET: {"model_id": "x"}, "text/plain": text})


def test_widgets_become_stills_and_progress_bars_finish():
    notebook = nbformat.v4.new_notebook(cells=[
        cell("code", "explorer = build_explorer()\nexplorer", [widget_output("VBox(children=(...))")]),
        cell("code", "for d in tqdm(delays): ...", [widget_output("delays:   0%|          | 0/8 [00:00<?, ?it/s]"),
                                                    stream(2)]),
    ])
    assert static_outputs.make_static(notebook) == 2
    first, second = notebook.cells
    assert [sorted(output["data"]) for output in first.outputs] == [["image/png", "text/plain"],
                                                                     ["text/markdown", "text/plain"]]
    assert "make lab" in first.outputs[1]["data"]["text/markdown"]
    assert second.outputs[0]["data"]["text/plain"] == "delays: 100%|██████████| 8/8"
    unknown = nbformat.v4.new_notebook(cells=[cell("code", "mystery_widget()", [widget_output("Button()")])])
    with pytest.raises(LookupError, match="cell 0: a widget with no still image"):
        static_outputs.make_static(unknown, name="unknown.ipynb")


def test_every_widget_in_the_notebooks_has_a_still():
    for path in NOTEBOOKS:
        static_outputs.make_static(nbformat.read(path, as_version=4), name=path.name)  # raises if one has none


# --- the decks and the site in Chromium, offline ---------------------------------------------------

@pytest.fixture(scope="module")
def decks():
    start = time.perf_counter()
    build_slides.build(NOTEBOOKS, BUILD / "slides")
    return BUILD / "slides", time.perf_counter() - start


@pytest.fixture(scope="module")
def site():
    start = time.perf_counter()
    build_site.build(BUILD / "site", NOTEBOOK_DIR)
    return BUILD / "site" / "_build" / "html", time.perf_counter() - start


def slides_in(notebook):
    """How many slides and sub-slides reveal.js should show: one per slide or sub-slide start, and the
    first shown cell starts one whatever its type."""
    shown = [cell.metadata.get("slideshow", {}).get("slide_type", "-") for cell in notebook.cells]
    shown = [kind for kind in shown if kind not in ("skip", "notes")]
    return sum(1 for index, kind in enumerate(shown) if index == 0 or kind in ("slide", "subslide"))


def serve(directory, log_name):
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(directory)]
    return start_server(command, f"http://127.0.0.1:{port}/", log_name), f"http://127.0.0.1:{port}"


class OfflinePage:
    """A page whose requests outside the loopback are aborted, remembering everything that went wrong."""

    def __init__(self, chromium, viewport=None):
        self.page = chromium.new_page(viewport=viewport or {"width": 1280, "height": 800})
        self.external, self.failed, self.errors = [], [], []
        self.page.route("**/*", self._route)
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("requestfailed", lambda request: self.failed.append(request.url))
        self.page.on("response", lambda response: response.status >= 400 and self.failed.append(
            f"{response.status} {response.url}"))

    def _route(self, route):
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob", "about") or url.hostname in LOOPBACK:
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def broken_images(self):
        return self.page.evaluate(
            "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))")

    def problems(self):
        return {"requests outside the loopback": self.external, "failed requests": self.failed,
                "console errors": self.errors}


# In the page: visit every slide (fragments shown), wait until the deck's script has fitted it and
# MathJax is idle, then list what is wrong with it: text, images, tables or code boxes outside the
# 1280 x 720 screen, elements that clip their content, solution text. Also counts its speaker notes.
PAGE_THROUGH = """
async (markers) => {
  const Reveal = require('assets/reveal.js/dist/reveal.js');
  const idle = () => MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0;
  const settled = (slide) => new Promise(resolve => {
    const wait = () => (slide.dataset.fitted && idle()) ? requestAnimationFrame(() => resolve()) : setTimeout(wait, 20);
    wait();
  });
  const range = document.createRange();
  const results = [];
  for (const slide of Reveal.getSlides()) {
    const {h, v} = Reveal.getIndices(slide);
    Reveal.slide(h, v || 0, 1000);
    await settled(slide);
    const problems = [];
    const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let node = walker.nextNode(); node && problems.length < 5; node = walker.nextNode()) {
      const element = node.nodeType === 1 ? node : node.parentElement;
      if (element.closest('aside.notes, .MJX_Assistive_MathML')) continue;
      let box;
      if (node.nodeType === 3) {
        if (!node.textContent.trim()) continue;
        range.selectNodeContents(node);
        box = range.getBoundingClientRect();
      } else {
        const style = getComputedStyle(node);
        if (['hidden', 'auto', 'scroll', 'clip'].some(kind => style.overflowX === kind || style.overflowY === kind) &&
            (node.scrollWidth > node.clientWidth + 1 || node.scrollHeight > node.clientHeight + 1) &&
            style.display !== 'none')
          problems.push(`clipped: ${node.tagName}.${node.className}`);
        if (!/^(IMG|TABLE)$/.test(node.tagName) && !node.classList.contains('jp-InputArea-editor')) continue;
        box = node.getBoundingClientRect();
      }
      if (box.width === 0 && box.height === 0) continue;
      if (box.left < -1 || box.top < -1 || box.right > innerWidth + 1 || box.bottom > innerHeight + 1)
        problems.push(`off the screen: ${(node.textContent || node.tagName).trim().slice(0, 40)} at ` +
                      `${Math.round(box.left)},${Math.round(box.top)}-${Math.round(box.right)},${Math.round(box.bottom)}`);
    }
    const text = slide.innerText;
    for (const marker of markers) if (text.includes(marker)) problems.push(`solution text: ${marker.slice(0, 60)}`);
    const images = Array.from(slide.querySelectorAll('img')).map(i => i.alt);
    results.push({slide: `${h}/${v || 0}`, title: text.trim().split('\\n')[0].slice(0, 60), problems,
                  scale: parseFloat(slide.dataset.fitted), notes: (Reveal.getSlideNotes(slide) || '').trim().length > 0,
                  images});
  }
  return results;
}
"""


def solution_texts(path):
    """What must never be on a slide: the markers, the model answers' label, and every substantial line
    of the notebook's solutions (between the markers) that the notebook does not also show outside them)."""
    texts = ["BEGIN SOLUTION", "END SOLUTION", "Model answer", "YOUR CODE HERE"]
    solution_lines, shown_lines = [], set()
    for cell in nbformat.read(path, as_version=4).cells:
        inside = False
        for line in cell.source.splitlines():
            if line.strip() in build_slides.SOLUTION_MARKERS:
                inside = line.strip() == build_slides.SOLUTION_MARKERS[0]
            elif inside and len(line.strip()) > 24:
                solution_lines.append(line.strip())
            elif not inside:
                shown_lines.add(line.strip())
    # An import gives nothing away, and the notebook may import the same name elsewhere.
    texts += [line for line in solution_lines if line not in shown_lines and not line.startswith(("from ", "import "))]
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown" and "<details>" in cell.source:
            for answer in re.findall(r"<details>.*?</summary>(.*?)</details>", cell.source, flags=re.DOTALL):
                texts += [line.strip()[:60] for line in answer.splitlines() if len(line.strip()) > 40][:3]
    return texts


@needs_assets
@needs_chromium
def test_decks_fit_the_screen_without_solutions(decks, browser, report):  # noqa: F811
    """Every slide of every deck at 1280 x 720, offline: nothing off the screen or clipped, no solution,
    figures with their descriptions as alt text, speaker notes in every deck; a lecture's shape."""
    folder, seconds = decks
    server, url = serve(folder, "slides-server.log")
    start = time.perf_counter()
    try:
        counts, bad, scaled, smallest = [], [], 0, 1.0
        for path in NOTEBOOKS:
            page = OfflinePage(browser, viewport={"width": 1280, "height": 720})
            page.page.goto(f"{url}/{path.stem}.slides.html")
            page.page.wait_for_selector(".reveal.ready", timeout=30_000)
            page.page.wait_for_function(
                "window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0",
                timeout=60_000)
            typeset = page.page.locator(".MathJax_CHTML").count()
            raw_math = page.page.evaluate(  # a $ left in the text of a markdown cell is math that was not typeset
                "Array.from(document.querySelectorAll('.jp-MarkdownCell')).map(e => e.innerText).join(' ')"
                ".match(/\\$[^$\\s]/g)")
            assert typeset > 0 and not raw_math, f"{path.stem}: math not typeset ({typeset} formulas, raw: {raw_math})"
            assert page.broken_images() == [], f"{path.stem}: figures that do not show"
            total = page.page.evaluate(f"{REVEAL}.getTotalSlides()")
            assert total == slides_in(build_slides.prepared(path)), f"{path.stem}: {total} slides"
            page.page.screenshot(path=ARTIFACTS / f"slides-{path.stem}-title.png")
            slides = page.page.evaluate(PAGE_THROUGH, solution_texts(path))
            bad += [f"{path.stem} {slide['slide']} ({slide['title']}): {slide['problems']}"
                    for slide in slides if slide["problems"]]
            scaled += sum(slide["scale"] < 0.999 for slide in slides)
            smallest = min([smallest] + [slide["scale"] for slide in slides])
            alt_texts = [alt for slide in slides for alt in slide["images"]]
            undescribed = [alt for alt in alt_texts
                           if len(alt) < 20 or "Figure size" in alt or "without a description" in alt]
            assert not undescribed, f"{path.stem}: figures without a description: {undescribed}"
            notes = sum(slide["notes"] for slide in slides)
            titles = [slide["title"].lower() for slide in slides]
            title_slide = page.page.locator(".reveal .slides section").first.inner_text().lower()
            assert "learning goals" in title_slide, f"{path.stem}: no learning goals on the title slide"
            assert titles[-1].startswith("summary"), f"{path.stem}: the last slide is not a summary"
            assert any(title.startswith("question") for title in titles), f"{path.stem}: no question to the room"
            assert notes >= len(re.findall(r"^## ", "".join(c.source for c in nbformat.read(path, as_version=4).cells
                                                            if c.cell_type == "markdown"), flags=re.MULTILINE)), \
                f"{path.stem}: {notes} slides with speaker notes"
            counts.append(f"{path.stem[:2]}: {len(slides)} slides, {notes} with notes, {len(alt_texts)} figures")
            assert page.problems() == {key: [] for key in page.problems()}, f"{path.stem}: {page.problems()}"
            page.page.close()
        slide_total = sum(int(count.split(": ")[1].split()[0]) for count in counts)
        report(f"slides: {len(NOTEBOOKS)} decks built in {seconds:.1f} s; {slide_total} slides paged through at "
               f"1280x720 offline in {time.perf_counter() - start:.0f} s: {len(bad)} overflow, clipped or with "
               f"solution text; "
               f"{scaled} scaled down to fit (smallest scale {smallest:.2f})")
        report("slides per deck: " + "; ".join(counts))
        assert not bad, "slides that do not fit or show a solution:\n" + "\n".join(bad)
    finally:
        stop_server(server)


@needs_assets
@needs_chromium
def test_decks_and_handouts_print(decks, browser, report):  # noqa: F811
    """`make pdfs`: every deck a PDF of one 1280 x 720 page per slide, every page fitted and its figures
    loaded; every lesson a one-page handout with its math typeset; nothing fetched from outside."""
    import print_decks

    folder, _ = decks
    start = time.perf_counter()
    results = print_decks.print_all(folder, BUILD / "print", NOTEBOOKS, browser)
    for path in NOTEBOOKS:
        deck = results[f"{path.stem}.pdf"]
        slides = slides_in(build_slides.prepared(path))
        assert deck["pages"] == slides and deck["broken"] == 0 and deck["unfitted"] == 0, f"{path.stem}: {deck}"
        assert print_decks.pdf_pages(BUILD / "print" / f"{path.stem}.pdf") == slides, f"{path.stem}: PDF pages"
        handout = results[f"{path.stem}-handout.pdf"]
        assert print_decks.pdf_pages(BUILD / "print" / f"{path.stem}-handout.pdf") == 1, f"{path.stem}: handout pages"
        assert not handout["raw_math"] and handout["height"] <= print_decks.A4_HEIGHT_PX, f"{path.stem}: {handout}"
        assert deck["outside"] == [] and handout["outside"] == []
    report(f"print: {len(NOTEBOOKS)} deck PDFs and {len(NOTEBOOKS)} one-page handouts in "
           f"{time.perf_counter() - start:.0f} s")


@needs_assets
@needs_chromium
def test_site_pages_render_offline(site, browser, report):  # noqa: F811
    html, seconds = site
    pages = sorted(path.relative_to(html).as_posix() for path in html.rglob("*.html")
                   if not path.relative_to(html).parts[0].startswith("_"))
    assert {f"notebooks/{path.stem}.html" for path in NOTEBOOKS} <= set(pages)
    server, url = serve(html, "site-server.log")
    try:
        for name in pages:
            page = OfflinePage(browser)
            page.page.goto(f"{url}/{name}", wait_until="load")
            if page.page.locator(".math").count():
                page.page.wait_for_selector("mjx-container", state="attached", timeout=30_000)
                untypeset = page.page.evaluate(
                    "Array.from(document.querySelectorAll('.math')).filter(e => !e.querySelector('mjx-container'))"
                    ".length")
                assert untypeset == 0, f"{name}: {untypeset} formulas not typeset"
            page.page.wait_for_timeout(200)
            assert page.broken_images() == [], f"{name}: figures that do not show"
            text = page.page.locator("main").inner_text() if page.page.locator("main").count() else ""
            assert "VBox(children=" not in text and "interactive(children=" not in text, f"{name}: a widget repr"
            assert not re.search(r"\b0/\d+ \[", text), f"{name}: a progress bar at 0"
            undescribed = page.page.evaluate(  # every figure says what it shows (rnn_helpers/_style.py)
                "Array.from(document.querySelectorAll('main .cell_output img'))"
                ".filter(i => (i.alt || '').length < 20 || i.alt.includes('Figure size')).map(i => i.alt)")
            assert undescribed == [], f"{name}: figures without a description: {undescribed}"
            if name.startswith("notebooks/"):
                page.page.screenshot(path=ARTIFACTS / f"site-{Path(name).stem}.png", full_page=False)
            assert page.problems() == {key: [] for key in page.problems()}, f"{name}: {page.problems()}"
            page.page.close()
        report(f"site: built in {seconds:.1f} s, {len(pages)} pages rendered offline in Chromium")
    finally:
        stop_server(server)


@needs_assets
@needs_chromium
def test_site_shows_widgets_as_stills_with_a_note(site, browser):  # noqa: F811
    html, _ = site
    server, url = serve(html, "site-server.log")
    try:
        page = OfflinePage(browser)
        page.page.goto(f"{url}/notebooks/05-explorer.html", wait_until="load")
        notes = page.page.get_by_text("Interactive in the notebook").count()
        assert notes == 2, f"{notes} notes on how to run the widgets"
        explorer = page.page.locator("text=Interactive in the notebook").first
        explorer.scroll_into_view_if_needed()
        page.page.screenshot(path=ARTIFACTS / "site-05-explorer-still.png")
        page.page.close()
    finally:
        stop_server(server)


def test_student_site_has_no_solutions_answers_or_lesson_plans(tmp_path):
    """The students' site (make student-site) is staged from the student edition: no solution line, no
    model answer, no lesson plans, and the figures of the notebooks still there."""
    build_site.stage(tmp_path, NOTEBOOK_DIR, edition="student")
    assert not (tmp_path / "teaching.md").exists() and "teaching" not in (tmp_path / "_toc.yml").read_text()
    figures = 0
    for path in NOTEBOOKS:
        notebook = nbformat.read(tmp_path / "notebooks" / path.name, as_version=4)
        staged = "\n".join(cell.source for cell in notebook.cells)
        for text in solution_texts(path):
            assert text == "YOUR CODE HERE" or text not in staged, f"{path.name}: {text!r} on the students' site"
        figures += sum("image/png" in output.get("data", {}) for cell in notebook.cells
                       for output in cell.get("outputs", []))
    assert figures > 10, f"only {figures} figures on the students' site"


# --- JupyterLab without the news prompt ------------------------------------------------------------

def test_lab_settings_turn_off_the_news_prompt():
    """`make lab` and Binder's postBuild use binder/lab-settings/overrides.json, and its values are ones
    the installed JupyterLab accepts (so the "notify about news?" prompt never shows)."""
    import json

    overrides = json.loads((ROOT / "binder" / "lab-settings" / "overrides.json").read_text())
    notification = overrides["@jupyterlab/apputils-extension:notification"]
    schema_path = Path(sys.prefix, "share/jupyter/lab/schemas/@jupyterlab/apputils-extension/notification.json")
    properties = json.loads(schema_path.read_text())["properties"]
    assert notification["fetchNews"] == "false"
    assert {"const": "false", "title": "Never"} in properties["fetchNews"]["oneOf"]
    assert notification["checkForUpdates"] is False and properties["checkForUpdates"]["type"] == "boolean"
    assert "--LabApp.app_settings_dir=$(CURDIR)/binder/lab-settings" in (ROOT / "Makefile").read_text()
    assert "binder/lab-settings/overrides.json" in (ROOT / "binder" / "postBuild").read_text()
