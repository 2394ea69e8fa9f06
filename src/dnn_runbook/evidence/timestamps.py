"""RFC 3161 timestamps over a run's ticket hash, from a time-stamping authority, made and
checked with OpenSSL's ``openssl ts``.

``--tsa-url URL`` sends the ticket hash itself (a SHA-256) as the message imprint of a
time-stamp query (``openssl ts -query -digest HASH -sha256 -cert``), posted as
``application/timestamp-query``; the authority's signed answer is kept as
``head.txt.tsr``. It proves the ticket hash, and so every file the chain covers up to it,
existed at the time the authority states, whoever holds the run directory later. Anyone
checks it with OpenSSL alone, given the authority's CA certificates::

    openssl ts -verify -digest "$(cat head.txt)" -in head.txt.tsr -CAfile tsa-ca.pem
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from dnn_runbook.exceptions import SealError

_TIMEOUT_S = 60
_MAX_REPLY_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class TimestampInfo:
    """What a time-stamp reply says: whether it was granted, over which imprint (hex), when
    (as the authority wrote it) and with which nonce."""

    granted: bool
    imprint: str | None
    time: str | None
    nonce: str | None


@dataclass(frozen=True, slots=True)
class TimestampCheck:
    """What checking one timestamp found: ``ok`` and the authority's time, or why not."""

    ok: bool
    time: str | None
    problem: str | None = None


def openssl() -> str:
    """The path of ``openssl``; :class:`SealError` says how to install it when missing."""
    found = shutil.which("openssl")
    if found is None:
        raise SealError(
            "openssl is not installed, so no timestamp can be obtained or checked; install "
            "it: apt-get install openssl."
        )
    return found


def obtain(head: str, url: str, *, timeout_s: float = _TIMEOUT_S) -> bytes:
    """A time-stamp reply (DER) from the authority at ``url`` over the SHA-256 ``head``,
    checked to be granted, over ``head`` and for this query (its nonce)."""
    tool = openssl()
    with tempfile.TemporaryDirectory(prefix="dnn-runbook-tsq-") as private:
        query = Path(private) / "query.tsq"
        made = _run([tool, "ts", "-query", "-digest", head, "-sha256", "-cert", "-out", str(query)])
        if made.returncode != 0:
            raise SealError(f"openssl could not make a time-stamp query: {_said(made)}.")
        asked = _run([tool, "ts", "-query", "-in", str(query), "-text"])
        nonce = _field(asked.stdout, "Nonce")
        try:
            with httpx.Client(trust_env=False, timeout=timeout_s) as client:
                answer = client.post(
                    url,
                    content=query.read_bytes(),
                    headers={"Content-Type": "application/timestamp-query"},
                )
        except httpx.HTTPError as exc:
            raise SealError(f"The time-stamping authority {url} did not answer ({exc}).") from exc
        if answer.status_code != 200 or not answer.content:
            raise SealError(
                f"The time-stamping authority {url} answered HTTP {answer.status_code} with "
                f"{len(answer.content)} bytes, not a time-stamp reply."
            )
        reply = answer.content[:_MAX_REPLY_BYTES]
        found = inspect_reply(reply)
    if not found.granted:
        raise SealError(f"The time-stamping authority {url} did not grant the timestamp.")
    if found.imprint != head:
        raise SealError(
            f"The time-stamping authority {url} stamped another hash than the ticket hash."
        )
    if nonce is not None and found.nonce != nonce:
        raise SealError(f"The time-stamping authority {url} answered another query (nonce).")
    return reply


def inspect_reply(reply: bytes) -> TimestampInfo:
    """What the time-stamp reply ``reply`` (DER) says, read with ``openssl ts -reply -text``."""
    with tempfile.TemporaryDirectory(prefix="dnn-runbook-tsr-") as private:
        path = Path(private) / "reply.tsr"
        path.write_bytes(reply)
        done = _run([openssl(), "ts", "-reply", "-in", str(path), "-text"])
    text = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0:
        return TimestampInfo(False, None, None, None)
    return TimestampInfo(
        granted=bool(re.search(r"^Status: Granted\.", text, re.MULTILINE)),
        imprint=_imprint(text),
        time=_field(done.stdout, "Time stamp"),
        nonce=_field(done.stdout, "Nonce"),
    )


def verify(head: str, reply: Path, ca_file: Path) -> TimestampCheck:
    """Check ``reply`` is a timestamp over ``head`` signed by an authority ``ca_file``'s
    certificates vouch for (``openssl ts -verify``)."""
    done = _run(
        [openssl(), "ts", "-verify", "-digest", head, "-in", str(reply), "-CAfile", str(ca_file)]
    )
    try:
        time = inspect_reply(reply.read_bytes()).time
    except OSError:
        time = None
    if done.returncode != 0 or b"Verification: OK" not in done.stdout:
        return TimestampCheck(False, time, f"openssl ts -verify refused it ({_said(done)})")
    return TimestampCheck(True, time)


def _imprint(text: str) -> str | None:
    found = re.search(r"^Message data:\n((?:\s+[0-9a-f]{4} - .*\n?)+)", text, re.MULTILINE)
    if found is None:
        return None
    hexdigits = []
    for line in found.group(1).splitlines():
        # "    0000 - 2d 71 16 42 b7 26 b0 44-01 62 7c a9 fb ac 32 f5   -q.B.&.D.b|...2."
        body = line.split(" - ", 1)[1][:48]
        hexdigits.append(re.sub(r"[^0-9a-f]", "", body.replace("-", " ")))
    return "".join(hexdigits)


def _field(output: bytes, name: str) -> str | None:
    found = re.search(rf"^{re.escape(name)}: (.+)$", output.decode("utf-8", "replace"), re.M)
    return found.group(1).strip() if found else None


def _run(command: list[str]) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            command, capture_output=True, timeout=_TIMEOUT_S, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SealError(f"openssl could not be run ({exc}).") from exc


def _said(done: subprocess.CompletedProcess[bytes]) -> str:
    text = (done.stderr or done.stdout).decode("utf-8", "replace")
    lines = [line for line in text.splitlines() if not line.startswith("Using configuration")]
    return " ".join(" ".join(lines).split())[:200]
