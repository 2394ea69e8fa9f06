"""Move a DNN Evoq license between servers without downtime, and leave proof.

The package holds the runbook language, the runner, the evidence trail, the browser layer and
the sandbox; the page objects that drive the Evoq admin UI live in the top-level ``pages``
package beside it.
"""

__version__ = "0.1.0"
