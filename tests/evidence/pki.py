"""A test PKI for the seal: SSH keys with an allowed_signers file, and a local RFC 3161
time-stamping authority made with ``openssl ts`` (its own CA and TSA certificate, generated
here), answering ``application/timestamp-query`` on 127.0.0.1."""

from __future__ import annotations

import subprocess
import tempfile
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_CONFIG = """\
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ ca_ext ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ tsa_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = {dir}/serial
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.2
certs = {dir}/ca.pem
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@dataclass(frozen=True)
class SshSigner:
    """An SSH key pair and an allowed_signers file naming it for ``principal``."""

    key: Path
    allowed_signers: Path
    principal: str


def make_ssh_signer(folder: Path, principal: str = "auditor@example.com") -> SshSigner:
    """A fresh ed25519 key (no passphrase) in ``folder`` and its allowed_signers line."""
    key = folder / "id_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", principal, "-f", str(key)],
        check=True,
        capture_output=True,
    )
    allowed = folder / "allowed_signers"
    allowed.write_text(f"{principal} {(folder / 'id_ed25519.pub').read_text()}")
    return SshSigner(key, allowed, principal)


class Tsa:
    """A time-stamping authority on 127.0.0.1: ``url`` takes queries, ``ca`` checks answers."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        config = folder / "tsa.cnf"
        config.write_text(_CONFIG.format(dir=folder))
        (folder / "serial").write_text("01\n")
        _openssl(
            "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj",
            "/CN=dnn-runbook test CA", "-config", str(config), "-extensions", "ca_ext",
            cwd=folder,
        )  # fmt: skip
        _openssl(
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/CN=dnn-runbook test TSA",
            "-config", str(config),
            cwd=folder,
        )  # fmt: skip
        _openssl(
            "x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "tsa.pem", "-days", "2", "-extfile", str(config),
            "-extensions", "tsa_ext",
            cwd=folder,
        )  # fmt: skip
        self.ca = folder / "ca.pem"
        self.queries = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/tsa"

    def reply(self, query: bytes) -> bytes:
        """``openssl ts -reply`` for ``query`` (DER)."""
        with self._lock, tempfile.TemporaryDirectory() as private:
            self.queries += 1
            (Path(private) / "q.tsq").write_bytes(query)
            _openssl(
                "ts", "-reply", "-config", str(self.folder / "tsa.cnf"), "-queryfile", "q.tsq",
                "-signer", str(self.folder / "tsa.pem"), "-inkey", str(self.folder / "tsa.key"),
                "-out", "r.tsr",
                cwd=Path(private),
            )  # fmt: skip
            return (Path(private) / "r.tsr").read_bytes()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length", "0"))
                query = self.rfile.read(size)
                if self.headers.get("Content-Type") != "application/timestamp-query":
                    self.send_error(415)
                    return
                body = tsa.reply(query)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        return Handler

    def close(self) -> None:
        """Stop answering."""
        self._server.shutdown()
        self._server.server_close()
