"""The page objects lean only on what a real Evoq page has.

A page object that finds its way by a hook only the sandbox offers (a ``data-testid``, an id
the project's own markup made up, the sandbox's ``/_sandbox`` API) would pass here and fail
on a production server. So:

- every id, class and ``li[id=...]`` a page object names in a selector (``locator(...)``, a
  selector constant, ``querySelector`` in its scripts) is one of DNN's, listed in
  ``docs/dnn-ui.md`` with its public source;
- no page object mentions a test hook (``data-testid``, ``data-test``, ``testId``) or the
  sandbox's own API;
- no file the sandbox serves as a site (its static files and page templates, the committed
  bundles included) holds a test hook: react-modal, inside DNN's own React library, would
  render a ``data-testid`` when given a ``testId``, and ``build.mjs`` takes that hook out of it
  as it bundles;
- and the sandbox's DNN front end, About and the Add License form open, renders no test-hook
  attribute at all, so no page object could find one to lean on.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

import pytest

from pages import LoginPage
from tests.support import REPO

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from dnn_runbook.sandbox import Sandbox

PAGES = REPO / "pages"
DOC = (REPO / "docs" / "dnn-ui.md").read_text(encoding="utf-8")
#: The doc's code spans: a name counts as documented only where the doc writes it as code
#: (`li#Settings`, `div.collapsible-content` (class `open` ...)), not as an English word.
CODE_SPANS = re.findall(r"`([^`]+)`", DOC)
#: Names that only a test or the sandbox gives an element or a request.
TEST_HOOKS = re.compile(r"data-testid|data-test\b|data-test-|testId|_sandbox", re.IGNORECASE)
_ID_ATTRIBUTE = re.compile(r"""\[id=["']([^"']+)["']\]""")
_NOT_NAMES = re.compile(r"""\[[^\]]*\]|"[^"]*"|'[^']*'|\([^)]*\)""")
_NAME = re.compile(r"[#.]([A-Za-z_][\w-]*)")
_QUERY = re.compile(r"""querySelector(?:All)?\(\s*['"]([^'"]+)['"]""")


def _text_of(node: ast.expr) -> str:
    """A selector argument's text; an f-string's literal parts (the rest is not a name)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return " ".join(_text_of(part) for part in node.values if isinstance(part, ast.Constant))
    return ""


def selectors(source: str) -> list[str]:
    """The CSS selectors a module passes to ``locator``, names as selector constants, or
    queries in its page scripts (XPath and Playwright's text/role engines name no ids)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in {"locator", "frame_locator"} and node.args:
                found.append(_text_of(node.args[0]))
        elif isinstance(node, ast.Assign) and all(
            isinstance(t, ast.Name) and t.id.isupper() for t in node.targets
        ):
            text = _text_of(node.value)
            if text.startswith(("#", ".", "li[", "iframe")):
                found.append(text)
            found += _QUERY.findall(text)
    return [s for s in found if s and not s.startswith(("xpath=", "text=", "role="))]


def documented(name: str) -> bool:
    """Whether ``docs/dnn-ui.md`` names ``name`` as an id, class or value in a code span."""
    token = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
    return any(token.search(span) for span in CODE_SPANS)


def names(selector: str) -> set[str]:
    """The ids and classes a selector names, without their ``#`` or ``.``."""
    ids = set(_ID_ATTRIBUTE.findall(selector))
    return ids | set(_NAME.findall(_NOT_NAMES.sub(" ", selector)))


class TestTheSource:
    def test_the_scanner_finds_names_and_flags_an_undocumented_one(self) -> None:
        """The check can fail: a made-up id in a locator is found, and is not in the doc."""
        made_up = 'page.locator("#dnn-runbook-hook .socialpanel")\nX = "li[id=\\"Dnn.Licensing\\"]"'
        found = {n for s in selectors(made_up) for n in names(s)}
        assert found == {"dnn-runbook-hook", "socialpanel", "Dnn.Licensing"}
        assert not documented("dnn-runbook-hook")
        assert documented("socialpanel")
        assert TEST_HOOKS.search('page.locator("[data-testid=licenses]")')

    def test_every_id_and_class_a_page_object_names_is_dnns_and_documented(self) -> None:
        named: dict[str, set[str]] = {}
        for path in sorted(PAGES.glob("*.py")):
            for selector in selectors(path.read_text(encoding="utf-8")):
                for name in names(selector):
                    named.setdefault(name, set()).add(path.name)
        assert {"personabar", "Licensing-panel", "Dnn.Licensing", "socialpanel"} <= set(named)
        undocumented = {n: sorted(files) for n, files in named.items() if not documented(n)}
        assert not undocumented, f"not in docs/dnn-ui.md, so not known to be DNN's: {undocumented}"

    def test_no_page_object_mentions_a_test_hook_or_the_sandbox_api(self) -> None:
        hits = [
            f"{path.name}:{number}: {line.strip()}"
            for path in sorted(PAGES.glob("*.py"))
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if TEST_HOOKS.search(line)
        ]
        assert not hits, hits


SERVED = [
    REPO / "src" / "dnn_runbook" / "sandbox" / "static",
    REPO / "src" / "dnn_runbook" / "sandbox" / "templates",
]


def test_nothing_the_sandbox_serves_holds_a_test_hook() -> None:
    """Every served file, bundles included: no ``data-testid``, ``data-test`` or ``testId``
    (nor the sandbox's own API, which a page of Evoq's would not know)."""
    files = [path for root in SERVED for path in sorted(root.rglob("*")) if path.is_file()]
    assert any(path.name == "licensing-bundle.js" for path in files)
    hits = [
        f"{path.relative_to(REPO)}: {match.group(0)!r}"
        for path in files
        for match in TEST_HOOKS.finditer(path.read_bytes().decode("utf-8", "replace"))
    ]
    assert not hits, hits


def test_the_bundle_build_takes_react_modals_test_hook_out() -> None:
    """build.mjs removes react-modal's ``data-testid``/``testId`` as it bundles, and fails
    if it cannot find them, rather than letting a new react-modal bring them back."""
    build = (REPO / "src" / "dnn_runbook" / "sandbox" / "frontend" / "build.mjs").read_text()
    assert "plugins: [noTestHooks]" in build
    assert "react-modal's testId hook) and found none" in build


@pytest.mark.e2e
def test_the_sandbox_renders_no_test_hook(page: Page, sandbox: Sandbox) -> None:
    """About and the Add License form, on DNN's components: no test-hook attribute anywhere."""
    server = sandbox.old
    about = LoginPage(page, server.url).open().log_in(server.username, server.password)
    about_page = about.open_about()
    assert about_page.licenses()
    about_page.add_license()
    assert _test_hooks(page) == []
    # The check can fail: a hook put into the bar's document is found.
    page.frame_locator("iframe#personaBar-iframe").locator("#personabar").evaluate(
        "el => el.setAttribute('data-testid', 'bar')"
    )
    assert _test_hooks(page) == ["DIV@data-testid"]


def _test_hooks(page: Page) -> list[str]:
    """Every test-hook attribute in every frame of the page, as ``TAG@name``."""
    hooks: list[str] = []
    for frame in page.frames:
        hooks += frame.evaluate(
            """() => Array.from(document.querySelectorAll('*')).flatMap(el =>
                 Array.from(el.attributes).map(a => a.name)
                   .filter(n => /^data-test|testid/i.test(n)).map(n => el.tagName + '@' + n))"""
        )
    return hooks
