"""Benchmarks of ``dnn-runbook`` against a bare Playwright script doing the same clicks.

Run them with ``python benchmarks/run.py`` (see the README's "Performance" section). Nothing
here is shipped in the package, and nothing here is a timed assertion: the tests only check
that the floor really moves the license and that the helpers measure what they say.
"""
