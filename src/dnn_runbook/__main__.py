"""``python -m dnn_runbook``: the same as the ``dnn-runbook`` command."""

from dnn_runbook.cli import main

main()
