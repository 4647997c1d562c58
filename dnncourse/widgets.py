"""Interactive controls that keep the lessons runnable headless.

In JupyterLab ``explore`` shows sliders and dropdowns (``ipywidgets.interact``).
When a notebook is executed without a person (papermill, nbval, ``dnncourse
run``; they set ``DNNCOURSE_HEADLESS=1``) it calls the function once with the
default values instead, so the run never waits on a widget.
"""

from __future__ import annotations

from typing import Any, Callable

from . import switches

HEADLESS_ENV = switches.HEADLESS


def is_headless() -> bool:
    """True when the notebook runs without a person at the keyboard."""
    return switches.is_on(HEADLESS_ENV)


def _default(control: Any) -> Any:
    if hasattr(control, "value"):
        return control.value
    if isinstance(control, (list, tuple)) and control and not isinstance(control[0], (int, float)):
        return control[0]
    if isinstance(control, (list, tuple)):  # (min, max[, step]) as in ipywidgets.interact
        return control[0]
    return control


def explore(function: Callable[..., Any], manual: bool = False, **controls: Any) -> None:
    """Show ``function``'s output under live controls, or call it once with defaults when headless.

    In JupyterLab this displays an ``ipywidgets.interactive`` panel (lesson 01): the
    controls and, below them, the output, redrawn when a control changes. Nothing is
    returned, so no stray text shows under the panel. Use ``manual=True`` for slow
    functions (training): a button runs them on demand.
    """
    if is_headless():
        print("(headless run: the controls are not shown; this is the result for the default values)")
        function(**{name: _default(control) for name, control in controls.items()})
        return
    import ipywidgets
    from IPython.display import display

    panel = ipywidgets.interactive(function, {"manual": manual}, **controls)
    display(panel)
