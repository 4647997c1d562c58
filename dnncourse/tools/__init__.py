"""The instructor side of dnncourse: the ``dnncourse`` command and what it drives.

One module, one job:

- ``cli`` builds the command line from ``commands/`` (one module per subcommand:
  ``add_arguments`` and ``run``) and turns errors into exit statuses;
- ``course`` reads book.yml, ``plan`` decides each lesson's parameters;
- ``runstate`` creates, resumes and reads a run folder and its ``run.json``;
- ``kernels`` holds the kernels' environment and the one papermill call, ``execute``;
- ``runner`` executes a run's lessons (in turn or in parallel);
- ``leaderboard`` gathers recorded results, ``website`` builds the static site,
  ``quotes`` ties the lessons' quoted numbers to a run, ``grade`` grades students' copies;
- ``environment`` holds ``KERNEL_ENV`` and the Keras backend, ``doctor`` checks the
  machine, ``bench`` times the backends, ``tune`` runs lesson 08's distributed search;
- ``errors`` has ``ToolError``, the base of every refusal (exit status 2).

Lessons never import this package (a test checks); they use the student API in ``dnncourse``.
"""
