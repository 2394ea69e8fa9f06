"""``python -m dnn_runbook.browser``: print the browser a run would use, or why there is none."""

from dnn_runbook.browser import main

raise SystemExit(main())
