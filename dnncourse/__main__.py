"""``python -m dnncourse`` is the same as the ``dnncourse`` command."""

from .cli import main

raise SystemExit(main())
