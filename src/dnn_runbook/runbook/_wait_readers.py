"""How the two waiting steps are read: ``wait_http`` (an address answers) and
``wait_cutover`` (the public site is served by the new server), with the timing they share."""

from __future__ import annotations

import ipaddress
import re
from datetime import timedelta
from typing import Final
from urllib.parse import urlsplit

from yaml.nodes import Node

from dnn_runbook.runbook._fields import Reader
from dnn_runbook.runbook._step_node import StepNode
from dnn_runbook.runbook.model import (
    DEFAULT_EXPECT_STATUS,
    DEFAULT_WAIT_INTERVAL,
    DEFAULT_WAIT_TIMEOUT,
    CutoverMarker,
    WaitCutoverStep,
    WaitHttpStep,
)

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_NAME = re.compile(rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*\.?")
#: An HTTP header name (RFC 9110's token).
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_ADDRESS: Final = (
    "the new server's IP address, host name or http(s) address, such as 203.0.113.20, "
    "new-web01.example.com or ${DNN_NEW_URL}"
)
_MARKER: Final = (
    "a mapping: header and value (a response header only the new server sends), or path and "
    "contains (a page of the public site whose text only the new server serves)"
)
_MARKER_KEYS: Final = ("header", "value", "path", "contains")


def _timing(step: StepNode) -> tuple[timedelta, timedelta]:
    reader = step.reader
    timeout = DEFAULT_WAIT_TIMEOUT
    timeout_node = step.value("timeout")
    if timeout_node is not None:
        timeout = reader.duration(timeout_node, step.at("timeout")) or timeout
    interval = DEFAULT_WAIT_INTERVAL
    interval_node = step.value("interval")
    if interval_node is not None:
        interval = reader.duration(interval_node, step.at("interval")) or interval
    if interval > timeout:
        reader.report(
            interval_node or timeout_node or step.node,
            f"{step.at('interval')} must not be longer than the timeout, or the address would "
            "be checked only once; shorten the interval or lengthen the timeout.",
        )
    return timeout, interval


def wait_http(step: StepNode) -> WaitHttpStep | None:
    reader = step.reader
    node = step.value("url")
    url = None if node is None else reader.http_url(node, step.at("url"))
    status = DEFAULT_EXPECT_STATUS
    node = step.value("expect_status")
    if node is not None:
        expected = "an HTTP status code from 100 to 599, such as 200"
        number = reader.integer(node, step.at("expect_status"), expected)
        if number is not None and not 100 <= number <= 599:
            reader.report(node, f"{step.at('expect_status')} must be {expected} (got {number}).")
        elif number is not None:
            status = number
    contains = None
    node = step.value("contains")
    if node is not None:
        contains = reader.string(node, step.at("contains"), "the text the page must contain")
    timeout, interval = _timing(step)
    if url is None:
        return None
    return WaitHttpStep(
        id=step.id,
        index=step.index,
        line=step.line,
        url=url,
        expect_status=status,
        contains=contains,
        timeout=timeout,
        interval=interval,
    )


def _address(reader: Reader, node: Node, path: str) -> str | None:
    """The host to compare with: an IP address or a host name, or the host of an address."""
    text = reader.string(node, path, _ADDRESS)
    if text is None:
        return None
    value = text.strip()
    if "://" in value:
        url = reader.http_url(node, path)
        return None if url is None else urlsplit(url).hostname
    try:
        return str(ipaddress.ip_address(value.strip("[]")))
    except ValueError:
        pass
    if _HOST_NAME.fullmatch(value) and not value.replace(".", "").isdigit():
        return value.rstrip(".").lower()
    reader.report(node, f"{path} must be {_ADDRESS} (got {value!r}).")
    return None


def _marker(reader: Reader, node: Node, path: str) -> CutoverMarker | None:
    entries = reader.mapping(node, path, _MARKER)
    if entries is None:
        return None
    reader.check_keys(entries, path, _MARKER_KEYS, owner="a marker")
    values: dict[str, str] = {}
    for key in _MARKER_KEYS:
        if key in entries:
            text = reader.string(entries[key].value, f"{path}.{key}", f"the marker's {key}")
            if text is not None:
                values[key] = text.strip() if key in ("header", "path") else text
    if ("header" in entries) == ("path" in entries):
        reader.report(node, f"{path} must be {_MARKER}; give header or path, not both.")
        return None
    pair = ("header", "value") if "header" in entries else ("path", "contains")
    if pair[1] not in entries:
        reader.report(node, f"{path} has {pair[0]} but no {pair[1]}; {path} must be {_MARKER}.")
        return None
    wrong = [k for k in entries if k in _MARKER_KEYS and k not in pair]
    if wrong:
        reader.report(
            entries[wrong[0]].key, f"{path}.{wrong[0]} does not go with {pair[0]}; leave it out."
        )
        return None
    header, path_value = values.get("header"), values.get("path")
    if header is not None and not _HEADER_NAME.fullmatch(header):
        reader.report(
            entries["header"].value,
            f"{path}.header must be an HTTP header name such as X-Served-By (got {header!r}).",
        )
        return None
    if path_value is not None and not path_value.startswith("/"):
        reader.report(
            entries["path"].value,
            f"{path}.path must be a path on the public site starting with /, such as "
            f"/cutover.txt (got {path_value!r}).",
        )
        return None
    if any(key not in values for key in pair):
        return None
    return CutoverMarker(
        header=header, value=values.get("value"), path=path_value, contains=values.get("contains")
    )


def wait_cutover(step: StepNode) -> WaitCutoverStep | None:
    reader = step.reader
    node = step.value("url")
    url = None if node is None else reader.http_url(node, step.at("url"))
    address = None
    address_node = step.value("address")
    if address_node is not None:
        address = _address(reader, address_node, step.at("address"))
    marker = None
    marker_node = step.value("marker")
    if marker_node is not None:
        marker = _marker(reader, marker_node, step.at("marker"))
    if address_node is None and marker_node is None:
        reader.report(
            step.node,
            f"{step.path} (wait_cutover) checks nothing; give address (the new server's "
            "address the public name must resolve to), marker (what only the new server "
            "serves), or both.",
        )
    timeout, interval = _timing(step)
    if url is None or (address is None and marker is None):
        return None
    return WaitCutoverStep(
        id=step.id,
        index=step.index,
        line=step.line,
        url=url,
        address=address,
        marker=marker,
        timeout=timeout,
        interval=interval,
    )
