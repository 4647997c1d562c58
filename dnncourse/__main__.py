"""``python -m dnncourse`` is the same as the ``dnncourse`` command."""

from .tools.cli import main

raise SystemExit(main())
