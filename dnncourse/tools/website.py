"""Build a static HTML site of the course from a run: ``dnncourse book``.

Each lesson becomes one page made by nbconvert's ``HTMLExporter`` (the JupyterLab
look) from the notebook a run executed, so readers see the plots and tables without
running anything. ``index.html`` lists the lessons and shows the run's leaderboard.

The site works offline: plots are embedded as images, tables are plain HTML, and
MathJax 2 is copied from the ``jupyter-server-mathjax`` package (with the STIX-Web
fonts it ships) instead of being loaded from a CDN. require.js, the widget manager
and mermaid.js are left out: headless runs show no controls, the only widgets are
tqdm's progress bars, which ``static_widgets`` turns into plain HTML from the saved
widget state, and no lesson draws mermaid diagrams.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import jinja2
import nbformat

from .course import Book, Lesson
from .errors import ToolError
from .leaderboard import leaderboard, plot_leaderboard, readable
from .runstate import RunState

MATHJAX_CONFIG = "MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"

# nbconvert's lab template, minus what would load from the internet, plus a navigation bar.
PAGE_TEMPLATE = """\
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({"HTML-CSS": {availableFonts: ["STIX-Web"], preferredFont: "STIX-Web",
                                 webFont: "STIX-Web", imageFont: null}});
</script>
{{ super() }}
{%- endblock html_head_js_mathjax -%}
{%- block data_widget_view scoped -%}
<div class="jp-OutputArea-output jp-RenderedText {{ extra_class }}" data-mime-type="text/plain">
<pre>{{ output.data.get('text/plain', '(an interactive widget: open the notebook in JupyterLab to use it)') | escape }}</pre>
</div>
{%- endblock data_widget_view -%}
{%- block body_header -%}
{{ super() }}
<nav style="padding: 8px 0 16px; font-family: sans-serif">{{ resources.dnncourse_nav }}</nav>
{%- endblock body_header -%}
{%- block body_footer -%}
<nav style="padding: 16px 0; font-family: sans-serif">{{ resources.dnncourse_nav }}</nav>
{{ super() }}
{%- endblock body_footer -%}
"""

INDEX_CSS = """
body { font-family: system-ui, sans-serif; max-width: 72em; margin: 2em auto; padding: 0 1em; line-height: 1.5; }
table { border-collapse: collapse; font-size: 0.9em; } td, th { border: 1px solid #ccc; padding: 2px 8px; white-space: nowrap; }
th { background: #f3f3f3; } .status-failed { color: #b00; } .status-done { color: #070; }
img { max-width: 100%; } .muted { color: #666; }
"""


class SiteFolderError(ToolError):
    """The site folder holds files that are not an earlier site."""


def latest_run(root: Path) -> Path | None:
    """The run folder under ``root/runs`` whose run.json changed last, or None."""
    states = sorted((root / "runs").glob("*/run.json"), key=lambda p: p.stat().st_mtime)
    return states[-1].parent if states else None


def executed_notebook(lesson: Lesson, state: RunState | None) -> Path | None:
    """The notebook the run executed for ``lesson``, if it has one."""
    record = state.lessons.get(lesson.id) if state else None
    if record is None or record.status == "pending" or not record.notebook:
        return None
    notebook = state.folder / record.notebook
    return notebook if notebook.is_file() else None


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def widget_html(model_id: str, models: dict) -> str:
    """Plain HTML for a saved widget: boxes, HTML/Label text and progress bars (what tqdm shows)."""
    model = models.get(model_id.removeprefix("IPY_MODEL_"), {})
    name, state = model.get("model_name", ""), model.get("state", {})
    if "children" in state:  # HBox, VBox, ...
        return "<span>" + " ".join(widget_html(child, models) for child in state["children"]) + "</span>"
    if name == "HTMLModel":
        return str(state.get("value", ""))
    if name in ("FloatProgressModel", "IntProgressModel"):
        return f'<progress value="{state.get("value", 0)}" max="{state.get("max", 100)}"></progress>'
    if "value" in state:
        return html.escape(str(state["value"]))
    return ""


def static_widgets(nb: nbformat.NotebookNode) -> None:
    """Replace widget outputs by HTML drawn from the widget state the run saved (in place)."""
    models = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view and view.get("model_id") in models:
                output["data"] = {"text/html": widget_html(view["model_id"], models)}
    nb.metadata.pop("widgets", None)  # nothing on the page reads the state any more


def make_exporter(mathjax_url: str):
    """An HTMLExporter with the course's page template and a local MathJax."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(extra_loaders=[jinja2.DictLoader({"dnncourse_page.html.j2": PAGE_TEMPLATE})],
                            template_file="dnncourse_page.html.j2")
    exporter.mathjax_url = mathjax_url
    return exporter


def copy_mathjax(static: Path) -> str:
    """Copy MathJax 2 from jupyter-server-mathjax into the site; return its URL relative to a page."""
    import jupyter_server_mathjax

    source = Path(jupyter_server_mathjax.__file__).parent / "static"
    target = static / "mathjax"
    if not target.exists():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("localization", "SVG"))
    return f"{static.name}/mathjax/{MATHJAX_CONFIG}"


def navigation(lessons: list[Lesson], index: int) -> str:
    """'Course index · ← previous · next →' links for lesson ``index``."""
    links = ['<a href="index.html">Course index</a>']
    if index > 0:
        links.append(f'<a href="{lessons[index - 1].id}.html">← {html.escape(lessons[index - 1].title)}</a>')
    if index + 1 < len(lessons):
        links.append(f'<a href="{lessons[index + 1].id}.html">{html.escape(lessons[index + 1].title)} →</a>')
    return " · ".join(links)


def lesson_page(exporter, lesson: Lesson, notebook: Path | None, nav: str, out: Path) -> Path:
    """Write ``<out>/<lesson id>.html`` from the executed notebook (or the source, marked as not run)."""
    page = out / f"{lesson.id}.html"
    if notebook is None and not lesson.path.is_file():
        page.write_text(f"<!DOCTYPE html><html><body><nav>{nav}</nav><h1>{html.escape(lesson.title)}</h1>"
                        f"<p>This lesson is not written yet ({html.escape(str(lesson.path.name))}).</p></body></html>\n")
        return page
    nb = nbformat.read(notebook or lesson.path, as_version=4)
    nb.metadata["title"] = lesson.title
    static_widgets(nb)
    if notebook is None:
        nav += ' <span class="muted">(not executed in this run: no outputs)</span>'
    body, _ = exporter.from_notebook_node(nb, resources={"dnncourse_nav": nav})
    page.write_text(body, encoding="utf-8")
    return page


def index_page(book: Book, state: RunState | None, out: Path) -> Path:
    """Write index.html: the lesson list and the run's leaderboard."""
    items = []
    for lesson in book.lessons:
        record = state.lessons.get(lesson.id) if state else None
        status = record.status if record else "not run"
        seconds = f", {record.seconds:.0f} s" if record and record.seconds else ""
        items.append(f'<li><a href="{lesson.id}.html">{html.escape(lesson.title)}</a> '
                     f'<span class="muted">({lesson.id}; <span class="status-{status}">{status}</span>{seconds})</span></li>')
    parts = [f"<h1>{html.escape(book.title)}</h1>"]
    if state is not None:
        parts.append(f'<p class="muted">Outputs from run <code>{html.escape(state.folder.name)}</code>, profile '
                     f'<b>{html.escape(state.profile)}</b>, Keras backend <b>{html.escape(str(state.backend))}</b>, '
                     f'started {html.escape(state.created)}.</p>')
    else:
        parts.append('<p class="muted">No run found: the lessons are shown without outputs. '
                     'Run <code>dnncourse run</code> first.</p>')
    parts += ["<h2>Lessons</h2>", "<ol>", *items, "</ol>", "<h2>Leaderboard</h2>"]
    table = leaderboard(state.folder) if state is not None else None
    if table is None or table.empty:
        parts.append("<p>No lesson recorded results in this run.</p>")
    else:
        plot_leaderboard(table, out / "leaderboard.png")
        parts += [readable(table).to_html(index=False, border=0, escape=True),
                  '<p><img src="leaderboard.png" alt="leaderboard chart"></p>']
    page = out / "index.html"
    page.write_text(f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
                    f'<title>{html.escape(book.title)}</title><style>{INDEX_CSS}</style></head>'
                    f'<body>{"".join(parts)}</body></html>\n', encoding="utf-8")
    return page


def build_site(book: Book, state: RunState | None, out: str | Path, progress: bool = True) -> Path:
    """Build the site of ``state``'s run (None: no outputs) into ``out``, replacing an earlier site there.

    Returns the index page's path.
    """
    from tqdm import tqdm

    out = Path(out)
    if out.exists() and any(out.iterdir()):
        if not (out / "index.html").is_file():
            raise SiteFolderError(f"{out} holds files but no earlier site (index.html); choose another --out.")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    exporter = make_exporter(copy_mathjax(out / "_static"))
    for n, lesson in enumerate(tqdm(book.lessons, desc="pages", unit="lesson", disable=not progress)):
        lesson_page(exporter, lesson, executed_notebook(lesson, state), navigation(book.lessons, n), out)
    return index_page(book, state, out)
