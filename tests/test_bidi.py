"""User-written text (names, titles, organisations) is isolated from the page's direction, so
that a Latin name in an Arabic page (or an Arabic one in an English page) reads in order."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from starlette.testclient import TestClient

from tests.conftest import sign_in

ISOLATING = {"bdi", "textarea", "input", "option", "title", "script", "style"}
NAMES = (
    "Olivia Organiser (demo)",
    "Jules Juror (demo)",
    "Robin Sample",
    "Aziz Akhannouch",
    "Riverside Example County Council (fictional)",
    "Example City Council (fictional)",
)


class _Isolation(HTMLParser):
    """Finds each text node holding one of ``names`` and whether an element isolates it: a
    ``<bdi>`` or an element with ``dir`` (the root's own direction does not count)."""

    def __init__(self, names: tuple[str, ...]) -> None:
        super().__init__()
        self.names = names
        self.stack: list[bool] = []
        self.loose: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}:
            return
        isolates = tag in ISOLATING or (tag != "html" and any(k == "dir" for k, _v in attrs))
        self.stack.append(isolates)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}:
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for name in self.names:
            if name in data and not any(self.stack) and data.strip() != "":
                self.loose.append(data.strip()[:80])


def _loose(html: str) -> list[str]:
    parser = _Isolation(NAMES)
    parser.feed(html)
    return parser.loose


PAGES = [
    "/ogp2021/",
    "/ogp2021/programme",
    "/ogp2021/speakers",
    "/ogp2021/speakers/robin-sample",
    "/ogp2021/delegations",
    "/ogp2021/delegations/morocco",
    "/ogp2021/manage/members",
    "/ogp2021/manage/audit",
    "/ogp2021/manage/awards/open-gov-award-local-innovation-2021/jury",
    "/ogp2021/manage/awards/open-gov-award-local-innovation-2021/results",
    "/ogp2021/manage/awards/open-gov-award-local-innovation-2021/progress",
    # A submission's jurors, a list of names in one line.
    "/ogp2021/manage/awards/open-gov-award-local-innovation-2021/submissions/10",
    "/ogp2021/awards/open-gov-award-local-innovation-2021",
]


@pytest.mark.parametrize("path", PAGES)
def test_latin_names_in_arabic_pages_are_isolated(client: TestClient, path: str) -> None:
    sign_in(client, "organiser@example.org")

    page = client.get(f"{path}?lang=ar").text

    assert _loose(page) == []


def test_the_check_finds_a_name_left_in_the_pages_direction() -> None:
    page = (
        '<html dir="rtl"><p><a href="#">Robin Sample</a> (مدير)</p><p><bdi>Robin Sample</bdi></p>'
    )

    assert _loose(page) == ["Robin Sample"]
