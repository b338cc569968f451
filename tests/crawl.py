"""Walks the demo's pages as a person would, following links, and reads them as text.

One or two pages of each route are enough to show what every page of that route renders; the
exports (iCalendar, CSV, XML, JSON, Atom) and files are for programs, not readers.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser

from starlette.routing import Match
from starlette.testclient import TestClient

_LINK = re.compile(r'href="(?:http://127\.0\.0\.1:8000)?(/[^"#]*)"')
_NOT_PAGES = re.compile(r"\.(ics|csv|xml|json|atom|css|svg)$|/attachments/|^/static/|/signout")


def _route_name(client: TestClient, path: str) -> str | None:
    scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
    for route in client.app.router.routes:  # type: ignore[attr-defined]
        match, _child = route.matches(scope)
        if match == Match.FULL:
            return str(getattr(route, "name", path))
    return None


def crawl(
    client: TestClient, start: list[str], *, per_route: int = 2, limit: int = 200
) -> Iterator[tuple[str, str]]:
    """Each page (path, HTML) reached from ``start`` by links, at most ``per_route`` pages of
    one route; the query string only keeps a page's own choices (a day, a round)."""
    seen_paths: set[str] = set()
    per_name: dict[str, int] = {}
    queue: deque[str] = deque(start)
    served = 0
    while queue and served < limit:
        path = queue.popleft().replace("&amp;", "&")
        bare = path.split("?", 1)[0]
        if path in seen_paths or _NOT_PAGES.search(bare) or "lang=" in path:
            continue
        seen_paths.add(path)
        name = _route_name(client, bare)
        if name is None or per_name.get(name, 0) >= per_route:
            continue
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.headers["content-type"]:
            continue
        per_name[name] = per_name.get(name, 0) + 1
        served += 1
        yield path, response.text
        queue.extend(_LINK.findall(response.text))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        # What a reader sees of a form: the values in its fields.
        values = dict(attrs)
        if tag == "input" and values.get("type") not in {"hidden"} and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """What a reader sees of a page: its text and the values of its visible fields, without
    tags, attributes or scripts (a ``datetime`` attribute may well carry seconds)."""
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)
