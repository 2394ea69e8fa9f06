"""SSH signatures over a run's ticket hash, made and checked with OpenSSH's ``ssh-keygen -Y``.

``--sign-key PATH`` signs the ticket file (``head.txt``: the ticket hash and a newline) with
``ssh-keygen -Y sign -n dnn-runbook``: the same key an operator logs in with can say who ran
the migration. Anyone checks it with OpenSSH alone, given an ``allowed_signers`` file (one
line per person: ``alice@example.com ssh-ed25519 AAAA…``)::

    ssh-keygen -Y verify -f allowed_signers -I alice@example.com -n dnn-runbook \\
        -s head.txt.sig < head.txt

The namespace ``dnn-runbook`` keeps such a signature from being replayed as one made for
another purpose (a git commit, a file) with the same key, and the other way round.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from dnn_runbook.exceptions import SealError

#: The ``-n`` namespace of every signature this tool makes and accepts.
NAMESPACE = "dnn-runbook"

_TIMEOUT_S = 300  # a passphrase may be typed at the prompt
_GOOD = re.compile(r'Good "[^"]*" signature(?: for (?P<who>.+?))? with (?P<key>.+)')


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """What checking one signature found: ``ok``, who signed (a principal of the allowed
    signers, when they were given) and with which key (its SHA-256 fingerprint), or why not."""

    ok: bool
    signer: str | None
    key: str | None
    problem: str | None = None


def ssh_keygen() -> str:
    """The path of ``ssh-keygen``; :class:`SealError` says how to install it when missing."""
    found = shutil.which("ssh-keygen")
    if found is None:
        raise SealError(
            "ssh-keygen (OpenSSH) is not installed, so nothing can be signed or checked; "
            "install it: apt-get install openssh-client (Windows: the OpenSSH client feature)."
        )
    return found


def sign(data: bytes, key: Path) -> bytes:
    """The SSH signature (armoured text) of ``data`` with the private key at ``key``.

    A key with a passphrase asks for it on the terminal (or comes from ``ssh-agent`` when
    ``key`` is the public half of a key the agent holds).
    """
    done = _run([ssh_keygen(), "-Y", "sign", "-f", str(key), "-n", NAMESPACE], data)
    if done.returncode != 0 or b"BEGIN SSH SIGNATURE" not in done.stdout:
        raise SealError(
            f"ssh-keygen could not sign with {key}: {_said(done) or 'no signature came back'}."
        )
    return done.stdout


def fingerprint(key: Path) -> str:
    """The SHA-256 fingerprint of ``key`` as ``ssh-keygen -l`` shows it (``SHA256:…``)."""
    done = _run([ssh_keygen(), "-l", "-f", str(key)], b"")
    parts = done.stdout.decode("utf-8", "replace").split()
    if done.returncode != 0 or len(parts) < 2:
        raise SealError(f"{key} is not an SSH key ssh-keygen can read: {_said(done)}.")
    return parts[1]


def verify(data: bytes, signature: Path, allowed_signers: Path) -> SignatureCheck:
    """Check ``signature`` over ``data`` against ``allowed_signers``: a good signature by a
    key the file names for this namespace."""
    tool = ssh_keygen()
    found = _run(
        [tool, "-Y", "find-principals", "-s", str(signature), "-f", str(allowed_signers)], b""
    )
    principals = found.stdout.decode("utf-8", "replace").split()
    if found.returncode != 0 or not principals:
        return SignatureCheck(
            False, None, None, f"its key is not one of {allowed_signers} ({_said(found)})"
        )
    for principal in principals:
        done = _run(
            [
                tool, "-Y", "verify", "-f", str(allowed_signers), "-I", principal,
                "-n", NAMESPACE, "-s", str(signature),
            ],
            data,
        )  # fmt: skip
        good = _GOOD.search(done.stdout.decode("utf-8", "replace"))
        if done.returncode == 0 and good is not None:
            return SignatureCheck(True, principal, good.group("key").strip())
    return SignatureCheck(False, None, None, f"it does not verify ({_said(done)})")


def describe(data: bytes, signature: Path) -> SignatureCheck:
    """The key a signature was made with, checked against ``data`` but not against any list
    of allowed signers (for the report: *which* key, not whether it may sign)."""
    done = _run(
        [ssh_keygen(), "-Y", "check-novalidate", "-n", NAMESPACE, "-s", str(signature)], data
    )
    good = _GOOD.search(done.stdout.decode("utf-8", "replace"))
    if done.returncode != 0 or good is None:
        return SignatureCheck(False, None, None, f"it does not verify ({_said(done)})")
    return SignatureCheck(True, None, good.group("key").strip())


def _run(command: list[str], data: bytes) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(command, input=data, capture_output=True, timeout=_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SealError(f"{Path(command[0]).name} could not be run ({exc}).") from exc


def _said(done: subprocess.CompletedProcess[bytes]) -> str:
    text = (done.stderr or done.stdout).decode("utf-8", "replace")
    return " ".join(text.split())[:200]
