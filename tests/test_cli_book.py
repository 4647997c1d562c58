"""``dnncourse book`` builds an offline HTML site from a run of the tiny course."""

from __future__ import annotations

import re

from dnncourse.tools.cli import main
from cli_course import make_course


def test_book_builds_from_a_run_and_links_every_lesson(tmp_path, capsys):
    book = make_course(tmp_path / "course")
    run = tmp_path / "run"
    assert main(["run", "--book", str(book), "01", "--out", str(run)]) == 0
    site = tmp_path / "_site"
    assert main(["book", "--book", str(book), "--run", str(run), "--out", str(site)]) == 0
    capsys.readouterr()

    index = (site / "index.html").read_text()
    assert "Tiny course" in index and "profile <b>smoke</b>" in index
    assert 'href="01_ok.html"' in index and 'href="02_fail.html"' in index
    assert "0.8200 ± 0.0100" in index and 'src="leaderboard.png"' in index
    assert (site / "leaderboard.png").read_bytes()[:4] == b"\x89PNG"

    page = (site / "01_ok.html").read_text()
    plot = re.compile(r'<img[^>]+src="data:image/png;base64,')
    assert plot.search(page), "the executed plot is embedded"
    assert 'href="index.html"' in page and 'href="02_fail.html"' in page
    not_run = (site / "02_fail.html").read_text()
    assert "not executed in this run" in not_run and not plot.search(not_run)
    for html in (page, not_run, index):  # nothing is fetched from the internet
        assert not re.search(r'<script[^>]+src="https?:', html)
        assert "cdnjs" not in html and "unpkg" not in html
    mathjax = re.search(r'<script src="([^"?]+)\?config', page).group(1)
    assert (site / mathjax).is_file()

    # the newest run under runs/ is the default; an earlier site is replaced
    (book.parent / "runs").mkdir()
    run.rename(book.parent / "runs" / "r1")
    assert main(["book", "--book", str(book), "--out", str(site)]) == 0
    assert "r1" in (site / "index.html").read_text()


def test_book_refuses_a_folder_that_is_not_a_site(tmp_path, capsys):
    book = make_course(tmp_path / "course")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("keep me")
    assert main(["book", "--book", str(book), "--out", str(busy)]) == 2
    assert "no earlier site" in capsys.readouterr().err
    assert (busy / "notes.txt").is_file()
    assert main(["book", "--book", str(book), "--run", str(busy), "--out", str(tmp_path / "site")]) == 2
    assert capsys.readouterr().err.startswith(f"error: {busy} is not a run folder (cannot read run.json")
    assert not (tmp_path / "site").exists()


def test_progress_bar_widgets_become_static_html():
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from dnncourse.tools.website import static_widgets

    def model(name, **state):
        return {"model_name": name, "state": state}

    nb = new_notebook(cells=[new_code_cell("for _ in tqdm(range(3)): pass", outputs=[new_output(
        "display_data", data={"text/plain": "0%", "application/vnd.jupyter.widget-view+json": {"model_id": "box"}})])])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {
        "box": model("HBoxModel", children=["IPY_MODEL_desc", "IPY_MODEL_bar", "IPY_MODEL_meter"]),
        "desc": model("HTMLModel", value="training: 100%"), "bar": model("FloatProgressModel", value=3, max=3),
        "meter": model("HTMLModel", value=" 3/3")}}}
    static_widgets(nb)
    assert nb.cells[0].outputs[0].data == {
        "text/html": '<span>training: 100% <progress value="3" max="3"></progress>  3/3</span>'}
    assert "widgets" not in nb.metadata
    assert nbformat.validate(nb) is None
