"""Print every deck to PDF and write a one-page handout per lesson, offline, with Chromium.

    python scripts/print_decks.py [--slides build/slides] [--out build/print]   # `make pdfs`

Needs the decks (``make slides``) and Chromium at /usr/bin/chromium. Serves the deck folder on a
loopback port and, in Chromium driven by Playwright with every request outside the loopback
aborted:

- opens each deck with reveal.js's ``?print-pdf`` (one 1280 x 720 page per slide, fragments shown,
  each slide scaled to fit by the deck's own script) and saves ``<out>/NN-name.pdf``;
- writes ``handouts/NN-name.html`` into the deck folder (so it uses the decks' local MathJax) and saves
  ``<out>/NN-name-handout.pdf``: the lesson's goal (docs/teaching.md), its learning goals, its key
  equations (the display equations of its sections, not the exercises) and the notation they use, on
  one A4 page (the text shrinks until it fits).
"""

import argparse
import html
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import nbformat
from build_slides import blocks, heading_text
from lesson_plans import lesson_plans

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
A4_HEIGHT_PX = 1123 - 2 * 48 - 40  # 297 mm at 96 px/inch, less the page margins below and a safety band
MAX_EQUATIONS = 6  # on one page, readable

# The symbols of the collection, in the order a handout lists them; a handout shows those its
# equations use (matched by the LaTeX on the left).
NOTATION = [
    (r"x_t", r"x_t", "input at step $t$, length $D$"),
    (r"h_t", r"h_t", "hidden state after step $t$, length $H$ ($h_0$: the start)"),
    (r"h_{t-1}", r"h_{t-1}", "hidden state before step $t$"),
    (r"y_t", r"y_t", "output scores at step $t$, length $O$"),
    (r"a_t", r"a_t", "pre-activation of step $t$"),
    (r"W_x", r"W_x", "input weights, shape $(H, D)$"),
    (r"W_h", r"W_h", "recurrent weights, shape $(H, H)$"),
    (r"W_y", r"W_y", "output weights, shape $(O, H)$"),
    (r"b_x", r"b_x", "hidden bias, length $H$"),
    (r"b_y", r"b_y", "output bias, length $O$"),
    (r"\tanh", r"\tanh", "the activation; slope $1 - \\tanh^2$"),
    (r"p_t", r"p_t", "softmax probabilities of step $t$"),
    (r"L", r"L", "the loss, mean over the $T$ steps"),
    (r"\delta_t", r"\delta_t", r"$\partial L / \partial a_t$, the gradient at step $t$'s pre-activation"),
    (r"\rho", r"\rho(W_h)", "spectral radius: the largest $|\\lambda_i(W_h)|$"),
    (r"\varepsilon", r"\varepsilon", "a small step for finite differences"),
    (r"\odot", r"\odot", "element-wise product"),
    (r"\sigma", r"\sigma", "the logistic sigmoid, values in $(0, 1)$"),
    (r"c_t", r"c_t", "LSTM cell state after step $t$"),
    (r"f_t", r"i_t, f_t, o_t", "LSTM input, forget and output gates"),
    (r"g_t", r"g_t", "LSTM candidate values"),
    (r"z_t", r"r_t, z_t", "GRU reset and update gates"),
    (r"n_t", r"n_t", "GRU candidate state"),
]


def key_equations(notebook):
    """(section heading, display equation) for each display equation before ``## Exercises``."""
    found, section = [], ""
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for kind, text in blocks(cell.source):
            if kind == "heading":
                section = heading_text(text)
            elif kind == "math" and not section.startswith("Exercises"):
                found.append((section, text.strip()))
    return found[:MAX_EQUATIONS]


def learning_goals(notebook):
    title = next(cell for cell in notebook.cells if cell.cell_type == "markdown" and cell.source.startswith("# "))
    parts = blocks(title.source)
    goals = next((text for kind, text in parts if kind == "list"), "")
    return heading_text(next(text for kind, text in parts if kind == "heading")), goals


def markdown_inline(text):
    """The little markdown a handout line has: `code`, **bold**, *italic*; math is left to MathJax."""
    text = html.escape(text, quote=False)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"(?<![*\w])\*([^*]+)\*(?!\*)", r"<em>\1</em>", text)


def handout_html(path, plan):
    """The handout page of one notebook (uses the decks' MathJax from ../assets/)."""
    notebook = nbformat.read(path, as_version=4)
    title, goals = learning_goals(notebook)
    equations = key_equations(notebook)
    items = [re.sub(r"^\s*(\d+\.|-)\s*", "", line) for line in goals.splitlines() if re.match(r"\s*(\d+\.|-) ", line)]
    used = "".join(equation for _, equation in equations)
    notation = [(shown, meaning) for pattern, shown, meaning in NOTATION if pattern in used]
    goal_items = "".join(f"<li>{markdown_inline(item)}</li>" for item in items)
    equation_items = "".join(f'<div class="equation"><div class="section">{markdown_inline(section)}</div>'
                             f"{html.escape(equation, quote=False)}</div>" for section, equation in equations)
    notation_rows = "".join(f"<tr><td>${shown}$</td><td>{markdown_inline(meaning)}</td></tr>"
                            for shown, meaning in notation)
    goal = f"<p class=\"goal\">Goal: {markdown_inline(plan.goal)}</p>" if plan and plan.goal else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}: handout</title>
<style>
@page {{ size: A4; margin: 48px; }}
body {{ font-family: sans-serif; font-size: 15px; line-height: 1.35; margin: 0; }}
h1 {{ font-size: 1.6em; margin: 0 0 0.2em 0; }} h2 {{ font-size: 1.15em; margin: 0.8em 0 0.3em 0; }}
.goal {{ font-style: italic; margin: 0.2em 0; }} ol {{ margin: 0.2em 0; }}
.equation {{ margin: 0.3em 0; }} .section {{ font-size: 0.85em; color: #444; }}
table {{ border-collapse: collapse; }} td {{ padding: 1px 10px 1px 0; vertical-align: top; }}
footer {{ margin-top: 1em; font-size: 0.8em; color: #444; }}
</style>
<script type="text/x-mathjax-config">
MathJax.Hub.Config({{tex2jax: {{inlineMath: [['$', '$']]}}, messageStyle: "none"}});
</script>
<script src="../assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"></script>
</head><body><main id="handout">
<h1>{markdown_inline(title)}</h1>{goal}
<h2>After this lesson you can</h2><ol>{goal_items}</ol>
<h2>Key equations</h2>{equation_items or "<p>(This lesson has no display equations.)</p>"}
<h2>Notation</h2><table>{notation_rows}</table>
<footer>rnn-notebooks · notebook {path.name} · the exercises are at its end</footer>
</main></body></html>
"""


def write_handouts(slides, notebooks):
    folder = slides / "handouts"
    folder.mkdir(parents=True, exist_ok=True)
    plans = lesson_plans()
    for path in notebooks:
        (folder / f"{path.stem}.html").write_text(handout_html(path, plans.get(path.name[:2])), encoding="utf-8")
    return folder


def serve(directory):
    """A loopback web server for ``directory``; returns (process, base URL)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                "--directory", str(directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return process, url
        except OSError:
            if time.time() > deadline:
                process.terminate()
                raise
            time.sleep(0.2)


def offline_page(browser, **options):
    """A page whose requests outside the loopback are aborted and listed in ``page.outside``."""
    page = browser.new_page(**options)
    page.outside = []

    def route(request_route):
        url = urlparse(request_route.request.url)
        if url.scheme in ("data", "blob", "about") or url.hostname in LOOPBACK:
            request_route.continue_()
        else:
            page.outside.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    return page


MATHJAX_DONE = ("window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 && "
                "MathJax.Hub.queue.running === 0")


def print_deck(browser, url, name, target):
    """Save deck ``name`` as a PDF, one 1280 x 720 page per slide; returns the page's checks."""
    page = offline_page(browser, viewport={"width": 1280, "height": 720})
    page.goto(f"{url}/{name}.slides.html?print-pdf")
    page.wait_for_selector("body[data-print-ready]", state="attached", timeout=120_000)
    page.wait_for_function(MATHJAX_DONE, timeout=60_000)
    checks = page.evaluate("""() => ({
        pages: document.querySelectorAll('.pdf-page').length,
        broken: Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length,
        unfitted: Array.from(document.querySelectorAll('.reveal .slides section:not(.stack)'))
                      .filter(s => !s.dataset.fitted).length})""")
    page.pdf(path=str(target), width="1280px", height="720px", print_background=True,
             margin={"top": "0", "right": "0", "bottom": "0", "left": "0"})
    checks["outside"] = page.outside
    page.close()
    return checks


def print_handout(browser, url, name, target):
    """Save the handout of ``name`` on one A4 page, shrinking its text until it fits; returns its checks."""
    page = offline_page(browser, viewport={"width": 794 - 2 * 48, "height": 1123})  # A4 less its margins
    page.emulate_media(media="print")
    page.goto(f"{url}/handouts/{name}.html")
    page.wait_for_function(MATHJAX_DONE, timeout=60_000)
    size = 15
    while page.evaluate("document.getElementById('handout').scrollHeight") > A4_HEIGHT_PX and size > 9:
        size -= 0.5
        page.evaluate(f"document.body.style.fontSize = '{size}px'")
    height = page.evaluate("document.getElementById('handout').scrollHeight")
    page.pdf(path=str(target), format="A4", print_background=True,
             margin={"top": "48px", "right": "48px", "bottom": "48px", "left": "48px"})
    checks = {"height": height, "font_size": size, "outside": page.outside,
              "raw_math": page.evaluate("document.body.innerText.includes('$')")}
    page.close()
    return checks


def pdf_pages(path):
    """How many pages a PDF written by Chromium has (the /Count of its page tree)."""
    return max(int(count) for count in re.findall(rb"/Count (\d+)", Path(path).read_bytes()))


def print_all(slides, out, notebooks, browser=None):
    """PDFs of every deck and every handout into ``out`` (with ``browser``, a Playwright Chromium, or
    one launched here); returns {file name: checks}."""
    out.mkdir(parents=True, exist_ok=True)
    write_handouts(slides, notebooks)
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--no-sandbox", "--disable-gpu"])
            try:
                return print_all(slides, out, notebooks, browser)
            finally:
                browser.close()
    server, url = serve(slides)
    results = {}
    try:
        for path in notebooks:
            deck_pdf, handout_pdf = out / f"{path.stem}.pdf", out / f"{path.stem}-handout.pdf"
            results[deck_pdf.name] = print_deck(browser, url, path.stem, deck_pdf)
            results[handout_pdf.name] = print_handout(browser, url, path.stem, handout_pdf)
            print(f"pdf: {deck_pdf} and {handout_pdf}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return results


def main(arguments=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slides", type=Path, default=ROOT / "build" / "slides", help="the decks (make slides)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "print")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(arguments)
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    missing = [path.stem for path in notebooks if not (args.slides / f"{path.stem}.slides.html").exists()]
    if missing:
        raise SystemExit(f"no deck for {missing} in {args.slides}: run `make slides` first")
    print_all(args.slides, args.out, notebooks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
