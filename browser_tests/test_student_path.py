"""The student's path in a real browser: JupyterLab + Chromium, driven like a student would.

For lesson 01 and lesson 06 this test opens the lesson in JupyterLab, adds small
parameters at the end of its ``parameters`` cell, runs all cells from the Run menu,
waits (bounded) for the kernel to finish, and checks what a student sees: no cell
with an error, rendered plots, the live training view, the ``dc.explore`` control
as a live widget (not "Loading widget..." or a text repr) whose output changes
when its value does. Full-page screenshots land in ``build/browser/``.

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
RUN_TIMEOUT = 150  # seconds for one lesson's smoke run in the browser
SMALL = {"01_baseline": "epochs = 1\nn_train = 2000\nn_seeds = 1\n",
         "06_lr_decay": "epochs = 2\nn_train = 2000\nn_seeds = 1\n"}
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


def wait_for_server(url: str, token: str, server: subprocess.Popen, log: Path, timeout: float = 60) -> None:
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


def open_lesson(browser, url: str, token: str, name: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/lab/tree/{name}.ipynb?token={token}&reset")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=60_000)
    return page


def set_small_parameters(page, text: str) -> None:
    """Click into the parameters cell, go to its end and type the small values, as a student would."""
    cell = page.locator(".jp-Notebook .jp-CodeCell").first
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.insert_text(text)
    assert "n_train = 2000" in cell.locator(".cm-content").inner_text()


def run_all_and_wait(page) -> None:
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    deadline = time.monotonic() + RUN_TIMEOUT
    time.sleep(2)
    while time.monotonic() < deadline:
        busy = page.locator(".jp-Notebook-ExecutionIndicator[data-status='busy']").count()
        pending = page.locator(".jp-InputPrompt", has_text="[*]").count()
        if not busy and not pending:
            return
        time.sleep(1)
    pytest.fail(f"the lesson did not finish within {RUN_TIMEOUT} s in the browser")


def saved_notebook(page, folder: Path, name: str):
    """Save from the browser (Ctrl+S) and read what the student's run produced."""
    path = folder / f"{name}.ipynb"
    before = path.stat().st_mtime
    page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 20
    while path.stat().st_mtime == before and time.monotonic() < deadline:
        time.sleep(0.3)
    return nbformat.read(path, as_version=4)


def screenshot(page, name: str) -> Path:
    """The whole notebook in one picture: make the window as tall as the notebook, then shoot."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.keyboard.press("Control+b")  # hide the file browser: the notebook gets the width
    height = page.evaluate("document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 200, 16000)})
    page.evaluate("document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer').scrollTop = 0")
    page.wait_for_timeout(2000)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    return path


def check_no_errors_and_plots(nb, page) -> None:
    errors = [(i, o.ename, o.evalue) for i, c in enumerate(nb.cells) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert not errors, f"cells with errors: {errors}"
    unrun = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()
             and c.execution_count is None]
    assert not unrun, f"cells that did not run: {unrun}"
    images = page.locator(".jp-OutputArea-output img")
    assert images.count() >= 4, f"only {images.count()} plots rendered"
    assert page.locator("text=Loading widget...").count() == 0, "a widget never loaded"
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
    cell.scroll_into_view_if_needed()
    panel = cell.locator(".widget-interact")
    panel.wait_for(timeout=20_000)
    return cell, panel


def image_of(cell) -> str:
    cell.locator(".widget-interact img").first.wait_for(timeout=20_000)
    return cell.locator(".widget-interact img").first.get_attribute("src")


def wait_for_new_image(cell, before: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        images = cell.locator(".widget-interact img")
        if images.count() and images.first.get_attribute("src") != before:
            return images.first.get_attribute("src")
        time.sleep(0.3)
    pytest.fail("the output under the control did not change when its value changed")


def run_like_a_student(lab, browser, name: str):
    """Open a lesson, type small parameters, run all cells, save; check errors, plots and tables."""
    url, token, folder = lab
    page = open_lesson(browser, url, token, name)
    set_small_parameters(page, SMALL[name])
    run_all_and_wait(page)
    nb = saved_notebook(page, folder, name)
    check_no_errors_and_plots(nb, page)
    check_tables_fit(page)
    return page, nb


def test_lesson_01_like_a_student(lab, browser):
    page, nb = run_like_a_student(lab, browser, "01_baseline")

    live = [c for c in nb.cells if c.cell_type == "code" and "dc.run_variants(" in c.source]
    assert live and all(any("image/png" in o.get("data", {}) for o in c.outputs) for c in live), \
        "a comparison cell shows no live training view"

    cell, panel = explore_panel(page, "def show_class")
    dropdown = panel.locator("select")
    assert dropdown.count() == 1, "the class picker is not a live dropdown"
    before = image_of(cell)
    dropdown.select_option("Sneaker")
    wait_for_new_image(cell, before)

    solution = page.locator("summary", has_text="Solution 01.2")
    solution.scroll_into_view_if_needed()
    code = page.locator("details", has=solution).locator("pre")
    assert not code.is_visible(), "solutions must be hidden at first"
    solution.click()
    assert code.is_visible() and "def build_wide" in code.inner_text()
    screenshot(page, "01_baseline")


def test_lesson_06_control_redraws_its_curves(lab, browser):
    page, _ = run_like_a_student(lab, browser, "06_lr_decay")

    cell, panel = explore_panel(page, "def draw_schedules")
    before = image_of(cell)
    slider = panel.locator(".widget-slider", has_text="decay rate").locator(".noUi-handle, .ui-slider-handle").first
    slider.focus()
    page.keyboard.press("ArrowLeft")
    wait_for_new_image(cell, before)
    screenshot(page, "06_lr_decay")
