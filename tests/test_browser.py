"""The explorer in a real browser: JupyterLab and Voila, driven by Playwright in Debian's Chromium.

Starts JupyterLab headless on a free loopback port, opens notebook 05, runs all cells, checks that
the widgets render as widgets and no cell shows a traceback, then measures how long a key press on
a slider takes to change the plot's pixels, for the explorer (bqplot) and for the naive
``interact`` + matplotlib version in the same notebook; the same for notebook 08's spectral-radius
slider, and for notebook 10's temperature slider and prefix box (key press to redrawn bars). Then
serves the app with Voila and checks that page too. In both, at 1280 x 720 (Voila at the 125% zoom
docs/teaching.md recommends), the explorer must fit the screen: every control and all three plots in
view together, button labels whole, the outputs plot's legend above its data; and no request may
leave the machine (any request outside the loopback fails the test). Screenshots go to artifacts/.

Needs Chromium at /usr/bin/chromium (``make test`` installs it with apt where it can); without it
these tests skip. Run them alone with ``.venv/bin/python -m pytest tests/test_browser.py``.
"""

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
PRESSES = 12  # key presses per latency measurement (the target asks for at least 10)
TOKEN = "rnn-notebooks-browser-test"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"no Chromium at {CHROMIUM} (make test installs it)")
sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
PlaywrightTimeoutError = pytest.importorskip("playwright.sync_api").TimeoutError

# In the page: remember what the watched element looks like (an SVG plot: its lines and bars), then
# on the next trusted key press note the time and poll once per animation frame until it looks
# different. Each poll runs just after its frame has been rendered (a task posted from the
# requestAnimationFrame callback), so a change that a library applies in its own animation-frame
# callback is seen in the frame that paints it, not one frame later. Resolves to milliseconds, or -1
# after 5 s without a change.
ARM_LATENCY_PROBE = """
([selector, kind]) => {
  const snapshot = () => {
    const root = document.querySelector(selector);
    if (!root) return null;
    if (kind === 'svg') return Array.from(root.querySelectorAll('path')).map(p => p.getAttribute('d'))
      .concat(Array.from(root.querySelectorAll('rect')).map(r => r.getAttribute('y') + ',' + r.getAttribute('height')))
      .join('|');
    const image = root.querySelector('img');
    return image && image.complete && image.naturalWidth > 0 ? image.src : null;
  };
  const before = snapshot();
  window.__latency = new Promise((resolve) => {
    const afterFrame = new MessageChannel();
    let pressed = null;
    afterFrame.port1.onmessage = () => {
      const now = snapshot();
      if (now !== null && now !== before) resolve(performance.now() - pressed);
      else if (performance.now() - pressed > 5000) resolve(-1);
      else requestAnimationFrame(poll);
    };
    const poll = () => afterFrame.port2.postMessage(null);
    const onKey = (event) => {
      if (!event.isTrusted) return;
      document.removeEventListener('keydown', onKey, true);
      pressed = event.timeStamp;
      requestAnimationFrame(poll);
    };
    document.addEventListener('keydown', onKey, true);
  });
  return before !== null;
}
"""


LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
SCREEN = {"width": 1280, "height": 720}
VOILA_ZOOM = 1.25  # docs/teaching.md: zoom the app to 125% on a projector


def block_outside_requests(page):
    """Abort every request that would leave the machine; returns the list of their URLs (to assert empty)."""
    from urllib.parse import urlparse

    outside = []

    def route(request_route):
        url = urlparse(request_route.request.url)
        if url.scheme in ("data", "blob", "about") or url.hostname in LOOPBACK:
            request_route.continue_()
        else:
            outside.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    return outside


EXPLORER_GEOMETRY = """
(root) => {
  const explorer = document.querySelector(root);
  explorer.scrollIntoView({block: 'start'});
  const box = (element) => { const r = element.getBoundingClientRect();
                             return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  const parts = Array.from(explorer.querySelectorAll('.widget-slider, .widget-toggle-buttons, .bqplot'));
  const truncated = Array.from(explorer.querySelectorAll('button, .widget-label'))
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText);
  const outputs = explorer.querySelector('.rnn-outputs');
  const legend = outputs.querySelector('.g_legend');
  const data = Array.from(outputs.querySelectorAll('path.line')).filter(p => !p.closest('.g_legend'))
    .map(p => p.getBoundingClientRect()).filter(r => r.height > 0);
  return {explorer: box(explorer), parts: parts.map(box), truncated,
          legend: legend ? box(legend) : null, dataTop: Math.min(...data.map(r => r.top)),
          plotTops: Array.from(explorer.querySelectorAll('.bqplot'))
            .map(e => Math.round(e.getBoundingClientRect().top)),
          viewport: {width: innerWidth, height: innerHeight}};
}
"""


def assert_explorer_fits(page, root):
    """At the page's viewport: every control and the three plots on screen at once, in one row, labels
    whole, the outputs legend above the outputs' lines. Returns the geometry, for the report."""
    page.wait_for_timeout(500)
    geometry = page.evaluate(EXPLORER_GEOMETRY, root)
    width, height = geometry["viewport"]["width"], geometry["viewport"]["height"]
    off_screen = [part for part in geometry["parts"]
                  if part["left"] < -1 or part["top"] < -1 or part["right"] > width + 1 or part["bottom"] > height + 1]
    assert not off_screen, f"parts of the explorer off the {width}x{height} screen: {off_screen}"
    assert len(set(geometry["plotTops"])) == 1, f"the three plots are not in one row: {geometry['plotTops']}"
    assert not geometry["truncated"], f"labels cut short: {geometry['truncated']}"
    assert geometry["legend"] is not None, "the outputs plot has no legend"
    assert geometry["legend"]["bottom"] <= geometry["dataTop"] + 1, f"the legend covers the data: {geometry}"
    return geometry


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url, process, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def start_server(command, url, log_name, env=None, timeout=90):
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / log_name, "w")
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_for_http(url, process, timeout)
    except Exception:
        process.terminate()
        raise
    return process


def stop_server(process):
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def jupyterlab():
    port = free_port()
    settings = tempfile.mkdtemp(prefix="rnn-lab-")
    # Render every cell (JupyterLab 4 otherwise skips drawing cells scrolled out of view), and do not
    # ask about news: the page should look as it does for a student with default cell rendering.
    notebook_settings = Path(settings) / "@jupyterlab" / "notebook-extension"
    notebook_settings.mkdir(parents=True)
    (notebook_settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    news_settings = Path(settings) / "@jupyterlab" / "apputils-extension"
    news_settings.mkdir(parents=True)
    (news_settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    # Never save: running the notebooks must not write their outputs into the repository.
    document_settings = Path(settings) / "@jupyterlab" / "docmanager-extension"
    document_settings.mkdir(parents=True)
    (document_settings / "plugin.jupyterlab-settings").write_text('{"autosave": false}')
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={ROOT}",
        f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={settings}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    process = start_server(command, f"http://127.0.0.1:{port}/api/status?token={TOKEN}", "jupyterlab.log")
    yield f"http://127.0.0.1:{port}"
    stop_server(process)
    shutil.rmtree(settings, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def measure_latency(page, handle, watched, kind, presses=PRESSES, keys=("ArrowRight", "ArrowLeft")):
    """Median and 95th percentile (ms) from a key press on ``handle`` to a change in ``watched``; the
    presses take turns among ``keys`` (a slider goes one step right and back)."""
    latencies = []
    for press in range(presses):
        handle.focus()
        page.wait_for_timeout(350)  # let the previous update finish everywhere
        assert page.evaluate(ARM_LATENCY_PROBE, [watched, kind]), f"nothing to watch at {watched}"
        page.keyboard.press(keys[press % len(keys)])
        latency = page.evaluate("window.__latency")
        assert latency >= 0, f"the plot at {watched} did not change within 5 s of a key press"
        latencies.append(latency)
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    return statistics.median(latencies), p95


def measure_latency_within_target(page, handle, watched, report, keys=("ArrowRight", "ArrowLeft")):
    """The explorer's latency; measured once more if it misses the target (median < 100 ms, p95 < 200 ms).

    A shared 2-core machine has slow spells that no page can hide; a second set of presses tells
    those from a real slowdown, which misses both times. The first set is reported either way.
    """
    median, p95 = measure_latency(page, handle, watched, "svg", keys=keys)
    if median < 100 and p95 < 200:
        return median, p95
    report(f"latency at {watched} missed the target on a first set of presses (median {median:.0f} ms, "
           f"p95 {p95:.0f} ms); measuring again")
    return measure_latency(page, handle, watched, "svg", keys=keys)


def check_widgets_rendered(page, scope):
    """The controls are live widgets and the plots are bqplot SVGs, not text reprs."""
    # Two minutes: under `make test`'s load building the explorer once took over one (the kernel was busy).
    wait_for_widget(page, f"{scope} .rnn-explorer", "path", "explorer-slider-missing")
    assert page.locator(f"{scope} .rnn-explorer .widget-slider").count() == 7
    assert page.locator(f"{scope} .rnn-explorer .bqplot").count() == 3
    assert page.get_by_text("Loading widget").count() == 0
    assert page.get_by_text("VBox(children=").count() == 0, "a widget is shown as its text repr"


def assert_plot_follows_slider(page, handle, figure):
    """Moving the slider by a few steps changes the figure's pixels."""
    before = figure.screenshot()
    handle.focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(1000)
    assert figure.screenshot() != before, "the plot did not change after moving the slider"


def slider_handle(page, scope, description):
    slider = page.locator(f"{scope} .widget-slider").filter(has_text=description).first
    return slider.locator(".noUi-handle").first


NOTEBOOK_SCOPE = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook in view
# Its kernel's state; a notebook opened earlier in the same JupyterLab has one too, hidden.
IDLE = f"{NOTEBOOK_SCOPE} .jp-Notebook-ExecutionIndicator[data-status='idle']"
MAX_DIALOGS = 50  # "Select Kernel" comes once per cell to run: more than any notebook here has
STDERR_OUTPUTS = f"{NOTEBOOK_SCOPE} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"


def open_notebook(browser, jupyterlab, path):
    """Open ``path`` (relative to the project) in JupyterLab once its kernel is idle; returns (page,
    JavaScript errors seen)."""
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.outside_requests = block_outside_requests(page)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A workspace of its own (named after the notebook): in the default one JupyterLab restores, as hidden
    # tabs, the notebooks opened before, and their kernels; once, opening the temperature notebook there
    # started two kernels and shut one down while the page was connecting to it.
    page.goto(f"{jupyterlab}/lab/workspaces/{Path(path).stem}/tree/{path}?token={TOKEN}")
    page.wait_for_selector(f"{NOTEBOOK_SCOPE} .jp-Cell", timeout=90_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    dismiss_dialogs(page)
    return page, errors


def dismiss_dialogs(page):
    """Answer any dialogs JupyterLab shows, saying what they said: they would take the clicks meant for the
    menu and the widgets. Under `make test`'s load the notebook's kernel was sometimes not attached yet when
    "Run All Cells" was chosen, and JupyterLab asked "Select Kernel" once for every cell it was to run, in
    dialogs stacked on each other. The first is answered as a student would, with its preferred kernel
    (Python 3), and the others are declined (their cancel button changes nothing): each "Select" would
    start yet another kernel in place of the last (in one run three did, and a fourth dialog still covered
    the menu). Any other dialog is closed with Escape. After a kernel was chosen, the notebook's kernel must
    be idle before the caller goes on. Screenshots of the first three go to artifacts/dialog-N.png."""
    kernel_chosen = False
    for number in range(1, MAX_DIALOGS + 1):
        dialogs = page.locator(".jp-Dialog")
        if not dialogs.count():
            break
        if number <= 3:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"dialog-{number}.png")
        dialog = dialogs.last  # the one on top
        text = dialog.inner_text()
        print(f"JupyterLab showed a dialog: {text!r}")
        if text.startswith("Select Kernel"):
            dialog.locator(".jp-mod-reject" if kernel_chosen else ".jp-mod-accept").first.click()
            kernel_chosen = True
        else:
            page.keyboard.press("Escape")
        page.wait_for_timeout(300)
    else:
        raise AssertionError(f"JupyterLab still showed a dialog after {MAX_DIALOGS} were answered")
    if kernel_chosen:
        page.wait_for_selector(IDLE, timeout=120_000)


# The prompts of the notebook in view; a cell has started when its prompt changed to [*] (running) or a number.
PROMPTS = f"{NOTEBOOK_SCOPE} .jp-InputPrompt"
CELL_STARTED = """({selector, before}) => Array.from(document.querySelectorAll(selector)).some(
    (prompt, index) => prompt.textContent !== before[index] && /\\[(\\*|\\d+)\\]/.test(prompt.textContent))"""


def run_from_menu(page, item):
    """Choose ``item`` (e.g. "Run All Cells") in JupyterLab's Run menu, and see a cell start on it.

    The caller first clicks a cell of the notebook, which makes it the notebook the Run menu acts on.
    Under load the click on the item was sometimes lost (the menu closed, no cell ran, while the kernel
    went busy on something else), so a cell's prompt is what shows the run started; when none does
    within 5 s (a queued cell shows [*] at once), the menu is chosen again, up to three times, and the
    run says so."""
    for attempt in range(3):
        dismiss_dialogs(page)
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        menu_item = page.locator(".lm-Menu-item", has_text=item).first
        assert "lm-mod-disabled" not in (menu_item.get_attribute("class") or ""), f"'{item}' is disabled"
        before = page.locator(PROMPTS).all_text_contents()
        menu_item.click()
        try:
            page.wait_for_function(CELL_STARTED, arg={"selector": PROMPTS, "before": before}, timeout=5_000)
            return
        except PlaywrightTimeoutError:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"run-menu-not-started-{attempt + 1}.png")
            print(f"'{item}' did not start a cell within 5 s (attempt {attempt + 1})")
    raise AssertionError(f"choosing '{item}' in the Run menu three times did not start a cell")


def wait_or_show_why(page, selector, screenshot_name, timeout=120_000):
    """Wait for ``selector``; if it never comes, fail with what the notebook shows instead (the kernel's
    state, every cell's prompt, any error), and a screenshot in artifacts/."""
    try:
        page.wait_for_selector(selector, state="attached", timeout=timeout)
    except PlaywrightTimeoutError:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{screenshot_name}.png", full_page=True)
        status = page.locator(f"{NOTEBOOK_SCOPE} .jp-Notebook-ExecutionIndicator").first.get_attribute("data-status")
        prompts = page.locator(PROMPTS).all_inner_texts()
        errors = page.locator(STDERR_OUTPUTS).all_inner_texts()
        raise AssertionError(f"{selector} did not appear within {timeout / 1000:.0f} s; kernel {status}, input "
                             f"prompts {prompts}, errors shown: {errors}; screenshot {screenshot_name}.png") from None


def wait_for_widget(page, app, drawn, screenshot_name, timeout=120_000):
    """Wait for the widget ``app`` (a selector) to show its controls (within ``timeout`` ms, or fail as
    ``wait_or_show_why`` does), scroll it into view, and wait for its bqplot to draw ``drawn`` (a selector
    inside its SVG)."""
    wait_or_show_why(page, f"{app} .widget-slider", screenshot_name, timeout)
    page.locator(app).scroll_into_view_if_needed()
    page.wait_for_selector(f"{app} .bqplot svg {drawn}", state="attached", timeout=60_000)


def check_ran_cleanly(page):
    """Wait until the kernel is idle, then check that no cell shows an error."""
    page.wait_for_selector(IDLE, timeout=120_000)
    assert page.locator(STDERR_OUTPUTS).count() == 0
    assert page.locator(NOTEBOOK_SCOPE).get_by_text("Traceback").count() == 0, "a cell shows a traceback"


def check_latencies(page, errors, report, line, latencies):
    """Report ``line``; no JavaScript error, no request outside the loopback, and every (median, p95) of
    ``latencies`` (a dict: name -> pair, ms) within the target: median < 100 ms, p95 < 200 ms."""
    print(line)
    report(line)
    assert not errors, f"JavaScript errors in the page: {errors}"
    assert page.outside_requests == [], f"requests that left the machine: {page.outside_requests}"
    for name, (median, p95) in latencies.items():
        assert median < 100 and p95 < 200, f"{name} too slow: {line}"


def test_explorer_in_jupyterlab(jupyterlab, browser, report):
    page, errors = open_notebook(browser, jupyterlab, "notebooks/05-explorer.ipynb")
    page.locator(PROMPTS).first.click()
    run_from_menu(page, "Run All Cells")
    scope = NOTEBOOK_SCOPE
    check_widgets_rendered(page, scope)
    page.set_viewport_size(SCREEN)  # the projector; JupyterLab at 100%, its file browser open
    geometry = assert_explorer_fits(page, f"{scope} .rnn-explorer")
    page.screenshot(path=ARTIFACTS / "explorer-jupyterlab-1280x720.png")
    report(f"explorer in JupyterLab at 1280x720: {geometry['explorer']['bottom'] - geometry['explorer']['top']:.0f} px "
           f"high, controls and 3 plots on screen together")
    page.set_viewport_size({"width": 1500, "height": 1000})
    page.wait_for_selector(f"{scope} .rnn-naive img", state="attached", timeout=60_000)
    check_ran_cleanly(page)

    hidden_units = f"{scope} .rnn-explorer .rnn-hidden-units"
    units_figure = page.locator(hidden_units)
    units_figure.scroll_into_view_if_needed()
    radius = slider_handle(page, f"{scope} .rnn-explorer", "ρ(Wh)")
    assert_plot_follows_slider(page, radius, units_figure)
    default = measure_latency_within_target(page, radius, hidden_units, report)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "explorer-jupyterlab.png")

    # The heaviest setting: longest sequence and most hidden units (End jumps a slider to its maximum).
    for description in ("length T", "hidden H"):
        slider_handle(page, f"{scope} .rnn-explorer", description).focus()
        page.keyboard.press("End")
        page.wait_for_timeout(800)
    heaviest = measure_latency_within_target(page, radius, hidden_units, report)

    naive_output = f"{scope} .rnn-naive"
    page.locator(naive_output).scroll_into_view_if_needed()
    naive = measure_latency(page, slider_handle(page, naive_output, "ρ(Wh)"), naive_output, "img")
    page.screenshot(path=ARTIFACTS / "naive-interact-jupyterlab.png")
    page.close()

    ratio = default[0] / naive[0]
    line = (f"slider latency: median {default[0]:.0f} ms, p95 {default[1]:.0f} ms; heaviest (T=100, H=32): "
            f"median {heaviest[0]:.0f} ms, p95 {heaviest[1]:.0f} ms; naive interact: median {naive[0]:.0f} ms, "
            f"p95 {naive[1]:.0f} ms; ratio {ratio:.2f}")
    check_latencies(page, errors, report, line, {"default setting": default, "heaviest setting": heaviest})
    assert ratio <= 0.5, f"not at most half the naive latency: {line}"


def test_explorer_in_voila(browser, report):
    """`make app`'s command (the offline template), on a 1280 x 720 screen zoomed to 125%."""
    port = free_port()
    command = [sys.executable, "-m", "voila", "--template=offline", "apps/explorer.ipynb", "--no-browser",
               f"--port={port}", "--Voila.ip=127.0.0.1"]
    environment = {**os.environ, "JUPYTER_PATH": str(ROOT / "apps" / "share")}
    # Voila runs the notebook before it answers its first request: slow on a busy machine.
    process = start_server(command, f"http://127.0.0.1:{port}/", "voila.log", env=environment, timeout=240)
    try:
        # A 1280 x 720 screen at 125% zoom is a 1024 x 576 CSS-pixel page drawn 1.25 times larger.
        page = browser.new_page(viewport={"width": round(SCREEN["width"] / VOILA_ZOOM),
                                          "height": round(SCREEN["height"] / VOILA_ZOOM)},
                                device_scale_factor=VOILA_ZOOM)
        outside = block_outside_requests(page)
        page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
        check_widgets_rendered(page, "body")
        assert page.get_by_text("Traceback").count() == 0
        geometry = assert_explorer_fits(page, ".rnn-explorer")
        page.screenshot(path=ARTIFACTS / "explorer-voila-1280x720-zoom125.png")
        units_figure = page.locator(".rnn-explorer .rnn-hidden-units")
        assert_plot_follows_slider(page, slider_handle(page, ".rnn-explorer", "ρ(Wh)"), units_figure)
        assert outside == [], f"requests that left the machine: {outside}"
        tall = geometry["explorer"]["bottom"] - geometry["explorer"]["top"]
        report(f"explorer in Voila at 1280x720, zoom 125%: {tall:.0f} CSS px high of {geometry['viewport']['height']}, "
               "no request outside the loopback")
        page.close()
    finally:
        stop_server(process)


def test_gradient_slider_in_jupyterlab(jupyterlab, browser, report):
    """Notebook 08's spectral-radius slider (bqplot) against the same plot with interact + matplotlib."""
    page, errors = open_notebook(browser, jupyterlab, "notebooks/08-vanishing-gradients.ipynb")
    # Run the cells up to and including both sliders only: the training runs below them are not needed here.
    page.locator(f"{NOTEBOOK_SCOPE} .jp-MarkdownCell", has_text="What clipping does").first.click()
    run_from_menu(page, "Run All Above Selected Cell")
    app = f"{NOTEBOOK_SCOPE} .rnn-gradient-explorer"
    wait_for_widget(page, app, "path", "gradient-slider-missing", timeout=60_000)
    naive_output = f"{NOTEBOOK_SCOPE} .rnn-naive"
    page.wait_for_selector(f"{naive_output} img", state="attached", timeout=60_000)
    check_ran_cleanly(page)
    assert page.locator(NOTEBOOK_SCOPE).get_by_text("VBox(children=").count() == 0, "a widget is shown as text"

    plot = f"{app} .rnn-gradient-plot"
    page.locator(plot).scroll_into_view_if_needed()
    radius = slider_handle(page, app, "ρ(Wh)")
    assert_plot_follows_slider(page, radius, page.locator(plot))
    slider = measure_latency_within_target(page, radius, plot, report)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "gradient-slider-jupyterlab.png")

    page.locator(naive_output).scroll_into_view_if_needed()
    naive = measure_latency(page, slider_handle(page, naive_output, "ρ(Wh)"), naive_output, "img")
    page.close()

    ratio = slider[0] / naive[0]
    line = (f"notebook 08 slider latency: median {slider[0]:.0f} ms, p95 {slider[1]:.0f} ms; naive interact: "
            f"median {naive[0]:.0f} ms, p95 {naive[1]:.0f} ms; ratio {ratio:.2f}")
    check_latencies(page, errors, report, line, {"slider": slider})
    assert ratio <= 0.5, f"not at most half the naive latency: {line}"


# The cells of notebook 10 that the temperature explorer needs, found by what they do: the data, the
# vocabularies, the optimiser's import (in the names model's cell), the trained Shakespeare model, and
# the explorer itself.
EXPLORER_CELLS_OF_10 = ('read_text("../data/tinyshakespeare.txt")', "vocabulary = build_vocabulary(shakespeare)",
                        "name_vocabulary = build_vocabulary(", "from rnn_helpers.training import Adam",
                        "def train_shakespeare(", "TemperatureExplorer(shakespeare_params")


def explorer_notebook_of_10():
    """A notebook of notebook 10's own cells that train its Shakespeare model and show its temperature
    explorer, written beside a link to data/ (as ../data/ from the notebook); returns its path under ROOT.

    The whole notebook (60 cells, a dozen figures) would add its training runs and figures to the
    test's time; these six cells are the explorer's whole set-up."""
    import nbformat

    notebook = nbformat.read(ROOT / "notebooks" / "10-language-model.ipynb", as_version=4)
    cells = [next(cell for cell in notebook.cells if cell.cell_type == "code" and marker in cell.source)
             for marker in EXPLORER_CELLS_OF_10]
    folder = ROOT / "build" / "browser-test"
    (folder / "notebooks").mkdir(parents=True, exist_ok=True)
    if not (folder / "data").exists():
        (folder / "data").symlink_to(ROOT / "data")
    path = folder / "notebooks" / "10-temperature-explorer.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell.source) for cell in cells],
                                            metadata=notebook.metadata), path)
    return path.relative_to(ROOT)


def test_temperature_slider_in_jupyterlab(jupyterlab, browser, report):
    """Notebook 10's temperature slider and prefix box, built by notebook 10's own cells (see
    ``explorer_notebook_of_10``): a key press on either redraws the bars fast."""
    page, errors = open_notebook(browser, jupyterlab, explorer_notebook_of_10())
    page.locator(PROMPTS).first.click()
    run_from_menu(page, "Run All Cells")
    app = f"{NOTEBOOK_SCOPE} .rnn-temperature-explorer"
    wait_for_widget(page, app, "rect.bar", "temperature-slider-missing")
    check_ran_cleanly(page)
    assert page.locator(NOTEBOOK_SCOPE).get_by_text("VBox(children=").count() == 0, "a widget is shown as text"

    plot = f"{app} .rnn-temperature-plot"
    temperature = slider_handle(page, app, "τ")
    assert_plot_follows_slider(page, temperature, page.locator(plot))
    slider = measure_latency_within_target(page, temperature, plot, report)
    prefix_box = page.locator(f"{app} .widget-text input").first
    prefix_box.press("End")
    typing = measure_latency_within_target(page, prefix_box, plot, report, keys=("e", "Backspace"))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "temperature-slider-jupyterlab.png")
    page.close()

    line = (f"notebook 10 temperature slider latency: median {slider[0]:.0f} ms, p95 {slider[1]:.0f} ms; "
            f"typing in the prefix box: median {typing[0]:.0f} ms, p95 {typing[1]:.0f} ms")
    check_latencies(page, errors, report, line, {"slider": slider, "prefix box": typing})
