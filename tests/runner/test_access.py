"""Why a server could not be used: one kind per cause, its own advice, and which kinds may be
retried by themselves."""

from __future__ import annotations

import pytest

from dnn_runbook.exceptions import (
    AboutNotAvailableError,
    CertificateError,
    LoginFailedError,
    LoginPageNotFoundError,
    PageError,
    PageStructureError,
    PageTimeoutError,
)
from dnn_runbook.runner.access import FailureKind, classify


class TestClassify:
    @pytest.mark.parametrize(
        ("error", "kind"),
        [
            (LoginFailedError("https://x/Login", "Login Failed."), FailureKind.BAD_CREDENTIALS),
            (AboutNotAvailableError("No About item."), FailureKind.NOT_HOST),
            (
                PageError("opening the login page: net::ERR_NAME_NOT_RESOLVED at https://x"),
                FailureKind.DNS,
            ),
            (PageError("net::ERR_CONNECTION_REFUSED at https://x/Login"), FailureKind.REFUSED),
            (PageError("net::ERR_CERT_AUTHORITY_INVALID at https://x/Login"), FailureKind.TLS),
            (PageTimeoutError("The Persona Bar drew no menu within 30 s."), FailureKind.TIMEOUT),
            (PageError("page.goto: 503 Service Unavailable"), FailureKind.SERVER_ERROR),
            (
                PageStructureError("Neither /Login nor /?ctl=Login shows DNN's login form."),
                FailureKind.NOT_DNN,
            ),
            (PageError("Target page, context or browser has been closed"), FailureKind.OTHER),
        ],
    )
    def test_each_cause_has_its_kind(self, error: PageError, kind: FailureKind) -> None:
        """The error's type and the browser's reason decide the kind."""
        failure = classify("old", error)
        assert failure.kind is kind
        assert failure.sentence().startswith("old: ")
        assert failure.reason.endswith(".")

    def test_only_slow_or_failing_servers_are_retried(self) -> None:
        """A wrong password is never retried (DNN locks accounts); timeouts and 5xx may be."""
        assert {kind for kind in FailureKind if kind.retryable} == {
            FailureKind.TIMEOUT,
            FailureKind.SERVER_ERROR,
        }
        advice = classify("new", LoginFailedError("u", "Login Failed")).advice
        assert "DNN locks an account after a few failed logins" in advice

    def test_only_a_page_that_is_not_dnns_is_a_markup_problem(self) -> None:
        """NOT_DNN is what check reports as a missing control (exit 1); the rest refuse (4)."""
        assert [kind for kind in FailureKind if kind.is_markup] == [FailureKind.NOT_DNN]

    def test_access_failures_stop_a_run_at_once(self) -> None:
        """What the operator must fix stops at once; a slow server or an odd page is read again."""
        assert {kind for kind in FailureKind if kind.stops_at_once} == {
            FailureKind.BAD_CREDENTIALS,
            FailureKind.NOT_HOST,
            FailureKind.DNS,
            FailureKind.REFUSED,
            FailureKind.TLS,
            FailureKind.LOGIN_PAGE,
        }
        assert not any(kind.retryable and kind.stops_at_once for kind in FailureKind)

    @pytest.mark.parametrize(
        ("error", "says"),
        [
            (
                LoginFailedError("https://x/Login", "Login Failed."),
                "The login refused the account 'host'",
            ),
            (AboutNotAvailableError("No About item."), "The account 'host' logged in but is not"),
            (
                PageError("page.goto: net::ERR_NAME_NOT_RESOLVED at https://x/Login"),
                "The host name of https://x does not resolve (net::ERR_NAME_NOT_RESOLVED).",
            ),
            (
                PageError("page.goto: net::ERR_CONNECTION_REFUSED at https://x/Login"),
                "Nothing accepts connections at https://x (net::ERR_CONNECTION_REFUSED).",
            ),
            (
                CertificateError("The certificate of https://x does not verify against b.pem."),
                "The certificate of https://x does not verify against b.pem.",
            ),
            (
                LoginPageNotFoundError("https://x/Nope shows no DNN login form."),
                "https://x/Nope shows no DNN login form.",
            ),
        ],
    )
    def test_with_account_and_address_each_kind_has_its_own_sentence(
        self, error: PageError, says: str
    ) -> None:
        """Each kind names the account or the address in a sentence of its own."""
        failure = classify("old", error, account="host", url="https://x")
        assert failure.sentence().startswith(f"old: {says}")
        assert failure.advice not in {
            classify("old", other).advice for other in (PageError("odd page"),)
        }
