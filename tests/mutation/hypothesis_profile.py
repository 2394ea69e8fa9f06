"""A pytest plugin for ``make mutation`` only (``-p tests.mutation.hypothesis_profile``).

mutmut runs the same tests several times in one process (to learn which tests reach which
function, then once clean); Hypothesis takes a method called on two instances of its class for a
sign of flakiness and stops. Mutation runs also want every mutant judged on the same examples.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "mutation",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.differing_executors, HealthCheck.too_slow],
)
settings.load_profile("mutation")
