"""Name resolution as a run sees it, behind one function a test can replace.

``wait_cutover`` asks what the public site's host name resolves to *on this machine*: the
operating system's resolver (hosts file, DNS cache, DNS servers), as a browser here would use
it. Tests hand the run another :data:`Resolver` (``RunOptions.resolve``) that moves a public
name from the old server's address to the new one's, since nobody can change real DNS in a test.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

#: Given a host name or an IP address, the set of IP addresses it stands for (normalised:
#: ``ipaddress``'s spelling). Raises ``OSError`` when the name does not resolve.
Resolver = Callable[[str], frozenset[str]]


def literal(host: str) -> str | None:
    """``host`` as a normalised IP address, or ``None`` when it is a name."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def system_resolve(host: str) -> frozenset[str]:
    """The addresses the operating system resolves ``host`` to (IPv4 and IPv6).

    Raises:
        OSError: the name does not resolve (``socket.gaierror``), or resolution failed.
    """
    address = literal(host)
    if address is not None:
        return frozenset({address})
    found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    # An IPv6 address may carry its zone ("fe80::1%eth0"); the zone is not part of it.
    return frozenset(str(ipaddress.ip_address(str(info[4][0]).split("%")[0])) for info in found)
