"""The application layer: what each command does, as plain typed functions.

The command line (``dnn_runbook.cli``) only translates flags into these functions' arguments
and prints what they return; the benchmarks and the tests call them directly. Nothing here
knows typer.

- :mod:`~dnn_runbook.app.run`: load a runbook and run (or resume) it;
- :mod:`~dnn_runbook.app.rehearse`: the same against a fresh in-process sandbox;
- :mod:`~dnn_runbook.app.report`: rebuild a run's report from its run directory;
- :mod:`~dnn_runbook.app.checks`: ``validate``, ``plan`` and ``schema``, which start no browser;
- :mod:`~dnn_runbook.app.doctor`: can this machine drive a browser?

The options of a run are :class:`dnn_runbook.runner.options.RunOptions`. Nothing is imported
here, so that ``validate`` pays only for the runbook language.
"""
