"""The runner: executes a runbook step by step against real DNN servers, with evidence.

- :mod:`~dnn_runbook.runner.engine`: the run loop, new runs and resumed ones.
- :mod:`~dnn_runbook.runner.actions`: one module per kind of step.
- :mod:`~dnn_runbook.runner.interlocks`: the safety rules checked before every click.
- :mod:`~dnn_runbook.runner.journal`: ``state.json``, where a run stands.
- :mod:`~dnn_runbook.runner.sessions`: one logged-in browser session per server.
- :mod:`~dnn_runbook.runner.console`: what the operator sees and answers.
"""
