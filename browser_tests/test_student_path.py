"""The student's path in a real browser: JupyterLab + Chromium, driven like a student would.

For lesson 01 and lesson 06 this test opens the lesson in JupyterLab, adds small
parameters at the end of its ``parameters`` cell, runs all cells from the Run menu,
waits (bounded) for the kernel to finish, and checks what a student sees: no cell
with an error, rendered plots, the live training view, the ``dc.explore`` control
as a live widget (not "Loading widget..." or a text repr) whose output changes
when its value does. Full-page screenshots land in ``build/browser/``.

Every wait here waits for a positive sign (all cells rendered and the kernel connected
and idle, an execution count on every code cell, the saved file holding those counts,
a widget's control drawn, a new image), never for a fixed time or for something to be
absent, so a slow or loaded machine makes the test slower, not wrong. The time limits
are only there to end a run that is stuck; they are generous for that reason.

Run it with ``make test-browser`` (installs Debian's chromium and a CJK font if
missing, and Playwright for Python; never ``playwright install``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from dnncourse.tools.environment import DEFAULT_BACKEND, kernel_env
from dnncourse.tools.tune import free_port

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "build" / "browser"
CHROMIUM = "/usr/bin/chromium"
RUN_TIMEOUT = 900  # seconds for one lesson's smoke run in the browser (a bound for a stuck run)
LOAD_TIMEOUT = 180  # seconds for JupyterLab to show a lesson with its kernel idle
UI_TIMEOUT = 90  # seconds for one reaction of the page (a save, a widget drawn, a redraw)
SMALL = {"01_baseline": "epochs = 1\nn_seeds = 2\nreplay_seeds = 2\nn_train = 2000\n",   # as the smoke profile
         "06_lr_decay": "epochs = 2\nn_seeds = 2\nheadline_seeds = 2\nn_train = 2000\n"}
NO_NEWS = '{"fetchNews": "false", "checkForUpdates": false}'


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a token, serving a copy of the lessons; yields (url, token, folder)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test-browser` (it installs Debian's chromium).")
    home = tmp_path_factory.mktemp("lab")
    lessons = home / "lessons"
    shutil.copytree(ROOT / "lessons", lessons)
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(NO_NEWS)
    from ipykernel.kernelspec import write_kernel_spec  # the lessons' python3 kernel, with the course's env

    env_vars = kernel_env(os.environ.get("KERAS_BACKEND", DEFAULT_BACKEND), headless=False,
                          cache=ROOT / "build" / "jax-cache")
    write_kernel_spec(home / "jupyter" / "kernels" / "python3", overrides={"env": env_vars})
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, **env_vars, "JUPYTER_PATH": str(home / "jupyter"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"), "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    env.pop("DNNCOURSE_HEADLESS", None)  # a person is watching: widgets and the live view are real
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={lessons}",
               f"--LabApp.workspaces_dir={home / 'workspaces'}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    with open(home / "lab.log", "w") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(url, token, server, home / "lab.log")
        yield url, token, lessons
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for_server(url: str, token: str, server: subprocess.Popen, log: Path, timeout: float = LOAD_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


# What the page shows, read in one go: per notebook cell (in order) the input prompt of a code
# cell ("[ ]:", "[*]:", "[7]:") or null for a markdown cell; the kernel's status as the status bar
# words it ("Idle", "Busy", "Connecting", ...; "" before it shows one); the toolbar indicator.
PAGE_STATE = """() => {
  const cells = [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')];
  const prompts = cells.map(c => c.classList.contains('jp-CodeCell')
    ? (c.querySelector('.jp-InputPrompt')?.textContent ?? '').trim() : null);
  const item = [...document.querySelectorAll('.jp-StatusBar-TextItem')]
    .map(e => e.textContent).find(t => t.includes(' | ')) ?? '';
  const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status ?? '';
  return {prompts, kernel: item.includes(' | ') ? item.split(' | ').pop().trim() : '', indicator};
}"""


def page_state(page) -> dict:
    return page.evaluate(PAGE_STATE)


def execution_count(prompt: str | None) -> int | None:
    """The number in a code cell's prompt ``[7]:``; None for ``[ ]:``, ``[*]:`` or a markdown cell."""
    inner = (prompt or "").rstrip(":").strip("[] ")
    return int(inner) if inner.isdigit() else None


def lesson_on_disk(folder: Path, name: str):
    return nbformat.read(folder / f"{name}.ipynb", as_version=4)


def poll(page, ready, timeout: float, explain) -> dict:
    """Read the page state until ``ready(state)`` holds; on timeout fail with ``explain(state)``."""
    deadline = time.monotonic() + timeout
    while True:
        state = page_state(page)
        if ready(state):
            return state
        if time.monotonic() > deadline:
            pytest.fail(explain(state))
        page.wait_for_timeout(250)  # the polling interval; nothing is assumed to happen in it


def open_lesson(browser, url: str, token: str, folder: Path, name: str):
    """Open the lesson; return once every one of its cells is on the page and its kernel is idle.

    The toolbar's execution indicator says "idle" before any kernel is connected (and while
    only the first cell is drawn), and Run All with no kernel yet clears the cells without
    running them, so this waits for the status bar's "| Idle", which JupyterLab shows only
    for a connected kernel that answered, and for the notebook's full cell count.
    """
    cells = len(lesson_on_disk(folder, name).cells)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/lab/tree/{name}.ipynb?token={token}&reset", timeout=LOAD_TIMEOUT * 1000)
    poll(page, lambda st: len(st["prompts"]) == cells and st["kernel"] == "Idle", LOAD_TIMEOUT,
         lambda st: f"{name} did not open with its kernel idle within {LOAD_TIMEOUT} s: "
                    f"{len(st['prompts'])} of {cells} cells on the page, kernel status {st['kernel']!r}")
    return page


def set_small_parameters(page, text: str) -> None:
    """Click into the parameters cell, go to its end and type the small values, as a student would."""
    from playwright.sync_api import expect

    cell = page.locator(".jp-Notebook .jp-CodeCell").nth(1)   # the first is the Colab set-up cell
    expect(cell.locator(".cm-content")).to_contain_text("n_train = None", timeout=UI_TIMEOUT * 1000)
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.insert_text(text)
    expect(cell.locator(".cm-content")).to_contain_text("n_train = 2000", timeout=UI_TIMEOUT * 1000)


def run_all_and_wait(page, folder: Path, name: str) -> None:
    """Run > Run All Cells; return once the run has positively finished.

    Finished means: every code cell with source shows an execution count, none shows ``[*]``
    and the kernel is idle. Run All marks every code cell ``[*]`` at once, so a run that was
    seen to start (a ``[*]``, a count or a busy kernel) and then has no ``[*]`` left with the
    kernel idle has also finished, early, as after a cell that raised (the cells after it are
    aborted and go back to ``[ ]``); the checks that follow then report which cell failed.
    """
    nb = lesson_on_disk(folder, name)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    before = page_state(page)
    counted = [i for i in code if execution_count(before["prompts"][i]) is not None]
    assert not counted, f"cells {counted} show an execution count before Run All: not a fresh lesson"
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    seen = {"queued": False, "counted": False, "busy": False}

    def progress(st) -> tuple[list[int], list[int]]:
        unrun = [i for i in code if execution_count(st["prompts"][i]) is None]
        pending = [i for i, p in enumerate(st["prompts"]) if p == "[*]:"]
        return unrun, pending

    def finished(st) -> bool:
        if len(st["prompts"]) != len(nb.cells):
            return False
        unrun, pending = progress(st)
        seen["queued"] |= bool(pending)
        seen["counted"] |= len(unrun) < len(code)
        seen["busy"] |= st["kernel"] == "Busy" or st["indicator"] == "busy"
        idle = st["kernel"] == "Idle" and not pending
        return idle and (not unrun or any(seen.values()))

    def explain(st) -> str:
        unrun, pending = progress(st)
        return (f"{name}: Run All did not finish within {RUN_TIMEOUT} s; code cells that never ran "
                f"(notebook indices): {unrun}; still [*]: {pending}; kernel status {st['kernel']!r}, "
                f"execution indicator {st['indicator']!r}; seen since Run All: "
                f"{', '.join(k for k, v in seen.items() if v) or 'nothing (the run never started)'}")

    poll(page, finished, RUN_TIMEOUT, explain)


def saved_notebook(page, folder: Path, name: str):
    """Save from the browser (Ctrl+S) and read what the student's run produced.

    Waits until the file on disk holds this run: the execution counts the page shows, cell
    for cell, and the small parameters typed in (a Ctrl+S that got lost is pressed again).
    """
    path = folder / f"{name}.ipynb"
    shown = [execution_count(p) for p in page_state(page)["prompts"] if p is not None]
    typed = SMALL[name].splitlines()[-1]
    deadline = time.monotonic() + UI_TIMEOUT
    last, nb = None, None
    while True:
        if last is None or time.monotonic() - last > UI_TIMEOUT / 3:
            page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
            page.keyboard.press("Control+s")
            last = time.monotonic()
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # noqa: BLE001 - a file being replaced; read it again
            nb = None
        if nb is not None:
            code = [c for c in nb.cells if c.cell_type == "code"]
            # A collapsed cell (the recording cell, source_hidden) draws no prompt: its count shows as None.
            on_page = [c.execution_count if c.metadata.get("jupyter", {}).get("source_hidden") and n is None else n
                       for c, n in zip(code, shown)]
            parameters = [c for c in code if "parameters" in c.metadata.get("tags", [])]
            if ([c.execution_count for c in code] == on_page and len(shown) == len(code) and parameters
                    and typed in parameters[0].source):
                return nb
        if time.monotonic() > deadline:
            on_disk = None if nb is None else [c.execution_count for c in nb.cells if c.cell_type == "code"]
            pytest.fail(f"{name}: the save did not reach the disk within {UI_TIMEOUT} s: "
                        f"the page shows counts {shown}, the file has {on_disk}")
        page.wait_for_timeout(250)


# The notebook's scroller, its geometry, and whether everything in it is drawn: every image
# decoded, the fonts loaded, the scroller at the top. ``height`` is where the last cell ends,
# not the scroll height: that includes the "scroll past end" space, which grows with the window.
LAYOUT = """() => {
  const outer = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
  const images = [...outer.querySelectorAll('img')];
  const cells = outer.querySelectorAll('.jp-Cell');
  const box = outer.getBoundingClientRect();
  const end = cells.length ? cells[cells.length - 1].getBoundingClientRect().bottom - box.top + outer.scrollTop
                           : outer.scrollHeight;
  return {width: box.width, height: Math.ceil(end),
          client: outer.clientHeight, top: outer.scrollTop, fonts: document.fonts.status,
          images: images.every(i => i.complete && i.naturalWidth > 0),
          browser: [...document.querySelectorAll('.jp-FileBrowser')].some(e => e.offsetWidth > 0)};
}"""
TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def wait_layout(page, ready, what: str) -> dict:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(f"() => ({ready})(({LAYOUT})())", timeout=UI_TIMEOUT * 1000)
    except PlaywrightTimeout:
        pytest.fail(f"{what} within {UI_TIMEOUT} s: {page.evaluate(LAYOUT)}")
    page.evaluate(TWO_FRAMES)  # the change has been painted
    return page.evaluate(LAYOUT)


def screenshot(page, name: str) -> Path:
    """The whole notebook in one picture: make the window as tall as the notebook, then shoot."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    layout = page.evaluate(LAYOUT)
    if layout["browser"]:
        page.keyboard.press("Control+b")  # hide the file browser: the notebook gets the width
        layout = wait_layout(page, f"l => !l.browser && l.width > {layout['width']}",
                             "the notebook did not widen when the file browser was hidden")
    viewport = 1000
    for _ in range(5):  # cells drawn for the first time may change the height: until it holds
        height = min(int(layout["height"]) + 200, 16000)
        if height == viewport:
            break
        page.set_viewport_size({"width": 1400, "height": height})
        page.evaluate("document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer').scrollTop = 0")
        layout = wait_layout(page, f"l => window.innerHeight === {height} && l.client !== {layout['client']}"
                                   " && l.top === 0 && l.images && l.fonts === 'loaded'",
                             "the notebook did not fit itself to the taller window, or its images did not load")
        viewport = height
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    return path


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# How much the page has drawn: output images, widget views drawn (an output holding a widget's
# root element; "Loading widget..." or an error text has none), widget views still loading.
DRAWN = """() => ({
  images: document.querySelectorAll('.jp-OutputArea-output img').length,
  widgets: document.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length,
  loading: [...document.querySelectorAll('.jp-OutputArea-output')]
    .filter(e => e.textContent.trim() === 'Loading widget...').length,
})"""


def check_no_errors_and_plots(nb, page) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    errors = [(i, o.ename, o.evalue) for i, c in enumerate(nb.cells) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert not errors, f"cells with errors: {errors}"
    unrun = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()
             and c.execution_count is None]
    assert not unrun, f"cells that did not run: {unrun}"
    views = sum(WIDGET_VIEW in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    try:  # widget views are drawn after the run, once their models have arrived: wait until they are
        page.wait_for_function(f"() => (d => d.images >= 4 && d.widgets >= {views} && !d.loading)(({DRAWN})())",
                               timeout=UI_TIMEOUT * 1000)
    except PlaywrightTimeout:
        pass  # the asserts below say what is missing
    drawn = page.evaluate(DRAWN)
    assert drawn["images"] >= 4, f"only {drawn['images']} plots rendered"
    assert drawn["widgets"] >= views and not drawn["loading"], \
        f"a widget never loaded: {drawn['widgets']} of {views} widget views drawn, {drawn['loading']} loading"
    assert page.locator(".jp-OutputArea-output", has_text="<function").count() == 0, "a stray function repr"


OVERFLOW = """() => {
  const page = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer').getBoundingClientRect();
  return [...document.querySelectorAll('.jp-NotebookPanel table')]
    .filter(t => t.getBoundingClientRect().right > page.right + 1)
    .map(t => t.innerText.slice(0, 60));
}"""


def check_tables_fit(page) -> None:
    """No table runs past the right edge of the notebook on a 1400-pixel window with the file browser open."""
    wide = page.evaluate(OVERFLOW)
    assert not wide, f"tables wider than the page: {wide}"


def explore_panel(page, source_marker: str):
    """The output area of the (first) code cell whose source contains ``source_marker``."""
    cell = page.locator(".jp-CodeCell", has=page.locator(".cm-content", has_text=source_marker)).first
    cell.scroll_into_view_if_needed(timeout=UI_TIMEOUT * 1000)
    panel = cell.locator(".widget-interact")
    panel.wait_for(timeout=UI_TIMEOUT * 1000)
    return cell, panel


def image_of(cell) -> str:
    """The image under the control, once the interact panel has drawn it."""
    image = cell.locator(".widget-interact img").first
    image.wait_for(timeout=UI_TIMEOUT * 1000)
    return image.get_attribute("src")


def wait_for_new_image(cell, before: str, timeout: float = UI_TIMEOUT) -> str:
    """Wait until the image under the control is a different one than ``before``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        images = cell.locator(".widget-interact img")
        if images.count() and images.first.get_attribute("src") != before:
            return images.first.get_attribute("src")
        cell.page.wait_for_timeout(250)
    pytest.fail(f"the output under the control did not change within {timeout:.0f} s when its value changed")


def run_like_a_student(lab, browser, name: str):
    """Open a lesson, type small parameters, run all cells, save; check errors, plots and tables."""
    url, token, folder = lab
    page = open_lesson(browser, url, token, folder, name)
    set_small_parameters(page, SMALL[name])
    run_all_and_wait(page, folder, name)
    nb = saved_notebook(page, folder, name)
    check_no_errors_and_plots(nb, page)
    check_tables_fit(page)
    return page, nb


def test_lesson_01_like_a_student(lab, browser):
    from playwright.sync_api import expect

    page, nb = run_like_a_student(lab, browser, "01_baseline")

    live = [c for c in nb.cells if c.cell_type == "code" and "dc.run_variants(" in c.source]
    assert live and all(any("image/png" in o.get("data", {}) for o in c.outputs) for c in live), \
        "a comparison cell shows no live training view"

    cell, panel = explore_panel(page, "def show_class")
    before = image_of(cell)
    dropdown = panel.locator("select")
    dropdown.first.wait_for(timeout=UI_TIMEOUT * 1000)  # a control is drawn on its own, after the panel
    assert dropdown.count() == 1, "the class picker is not a live dropdown"
    dropdown.select_option("Sneaker", timeout=UI_TIMEOUT * 1000)
    wait_for_new_image(cell, before)

    solution = page.locator("summary", has_text="Solution 01.2")
    solution.scroll_into_view_if_needed(timeout=UI_TIMEOUT * 1000)
    code = page.locator("details", has=solution).locator("pre")
    assert not code.is_visible(), "solutions must be hidden at first"
    solution.click()
    expect(code).to_be_visible(timeout=UI_TIMEOUT * 1000)
    assert "def build_wide" in code.inner_text()
    screenshot(page, "01_baseline")


def test_lesson_06_control_redraws_its_curves(lab, browser):
    page, _ = run_like_a_student(lab, browser, "06_lr_decay")

    cell, panel = explore_panel(page, "def draw_schedules")
    before = image_of(cell)
    slider = panel.locator(".widget-slider", has_text="decay rate").locator(".noUi-handle, .ui-slider-handle").first
    slider.focus(timeout=UI_TIMEOUT * 1000)
    page.keyboard.press("ArrowLeft")
    wait_for_new_image(cell, before)
    screenshot(page, "06_lr_decay")
