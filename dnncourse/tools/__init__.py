"""The instructor side of dnncourse: the ``dnncourse`` command and what it drives.

``course`` reads book.yml, ``plan`` decides each lesson's parameters, ``runner``
executes lessons into a run folder and keeps its ``run.json``, ``leaderboard``
gathers the recorded results, ``website`` builds the static site, ``doctor``
checks the machine, ``environment`` holds the kernels' environment and Keras
backend, ``bench`` times the backends, ``quotes`` ties the lessons' quoted numbers
to a run, and ``cli`` is the command line. Lessons never import this package (a
test checks); they use the student API in ``dnncourse``.
"""
