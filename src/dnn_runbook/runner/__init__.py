"""The runner: executes a runbook step by step against real DNN servers, with evidence.

- :mod:`~dnn_runbook.runner.options`: :class:`RunOptions`, every choice of a run, declared once.
- :mod:`~dnn_runbook.runner.engine`: the step loop, and how a stopped run is recorded.
- :mod:`~dnn_runbook.runner.context`: what a step works with; ``ctx.on(server)`` per server.
- :mod:`~dnn_runbook.runner.actions`: one module per kind of step.
- :mod:`~dnn_runbook.runner.views`: a server's table as read now, and which row is which.
- :mod:`~dnn_runbook.runner.interlocks`: the safety rules checked before every click.
- :mod:`~dnn_runbook.runner.window`: the development-license window's policy.
- :mod:`~dnn_runbook.runner.eventlog`: the run's structlog events, redacted, to file and console.
- :mod:`~dnn_runbook.runner.console`: what the operator sees and answers.
- :mod:`~dnn_runbook.runner.check`: ``dnn-runbook check``, a read-only look at the servers;
  :mod:`~dnn_runbook.runner.probe` what it looks for on each,
  :mod:`~dnn_runbook.runner.simulation` the runbook walked on a model of the servers (its
  pieces in :mod:`~dnn_runbook.runner.planned`), :mod:`~dnn_runbook.runner.access` why a
  server could not be used.
- :mod:`~dnn_runbook.runner.capturing`: ``--capture``, what the tool met, sanitized.

The journal and the run directory's life are evidence (``dnn_runbook.evidence.journal`` and
``dnn_runbook.evidence.runs``); browser sessions are ``dnn_runbook.browser.sessions``.
"""
