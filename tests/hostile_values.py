"""The values the input properties send: hostile ones (huge and negative numbers, digits of other
scripts, far dates, empty and very long text, NUL characters), the cover every field meets in
each run, plausible ones for fields no form offers, and the requests and socket queries drawn
from them."""

from __future__ import annotations

import os
import random
import zlib
from datetime import date
from typing import Any

import pytest
from hypothesis import example
from hypothesis import strategies as st

from summit.live.regions import PAGES
from tests.conftest import EXPLORE
from tests.input_world import Target

EXAMPLES = int(os.environ.get("SUMMIT_TEST_FUZZ_EXAMPLES", "100" if EXPLORE else "3"))
"""Examples Hypothesis draws per route, besides ``_cover``'s: few in CI (the same ones each
run), many when exploring."""

COVER = [
    "²",
    "٣",
    "-1",
    str(2**31),
    str(2**64),
    "-" + str(2**64),
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "",
    "a\x00b",
    "x" * 5000,
]
"""Values every field of every route meets in each run (see ``_cover``)."""
MORE = ["１", "1_000", "1e3", "0x10", "1.5", "nan", "inf", "-0", " 7 ", "9" * 400, str(2**63)]
MORE += ["24:00", "23:59:60", "2021-02-30", "20211215", "2021-W50-3", " ", "\u202e\u200b", "%00"]
HOSTILE = st.one_of(
    st.sampled_from(COVER + MORE),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.builds(
        "{}T{:02d}:{:02d}".format,
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
        st.integers(0, 23),
        st.integers(0, 59),
    ),
    st.text(max_size=40),
)
NAMES = st.one_of(
    st.sampled_from(["x" * 5000 + ".pdf", "invoice\u202efdp.exe.pdf", "a\x00.png", "", "."]),
    st.text(max_size=60),
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


PLAUSIBLE = {
    "day": ["2021-12-15", "2021-12-16"],
    "start_time": ["09:00", "14:30"],
    "duration": ["60", "45"],
    "delta": ["15", "-15"],
    "delay_minutes": ["10"],
    "status": ["live", "late", "ended"],
    "round": ["1", "2"],
    "per_submission": ["2"],
    "days": ["30"],
    "page": ["programme", "grid", "session"],
}
"""Values for fields that no page's form offers (drags, links, hidden state)."""


def _first(name: str, values: list[str]) -> str:
    return values[0] if values else PLAUSIBLE.get(name, [""])[0]


AMBIENT = {"lang", "tz"}
"""Read from every request's query string by the viewer's middleware: fuzzed on one route."""
AMBIENT_ROUTE = ("GET", "/{slug}/programme")


def _cover(target: Target) -> list[dict[str, Any]]:
    """For each value of ``COVER``, two requests that give it to complementary halves of the
    fields (the others plausible), so that every field meets every such value; and for a post,
    one with a file whose name is thousands of characters long. The same requests each run,
    whatever Hypothesis draws besides."""
    chooser = random.Random(zlib.crc32(f"{target.method} {target.declared}".encode()))  # noqa: S311
    fields = [("form", name) for name in sorted(target.form)]
    fields += [("query", name) for name in sorted(target.query)]
    fields += [("ids", name) for name in sorted(target.int_params)]
    offered = {"form": target.form, "query": target.query}
    requests: list[dict[str, Any]] = []
    for value in COVER if fields else []:
        half = {field for field in fields if chooser.random() < 0.5}
        for chosen in (half, set(fields) - half):
            drawn: dict[str, Any] = {"form": {}, "query": {}, "ids": {}, "files": None}
            for part, name in fields:
                if part == "ids":
                    hostile = (part, name) in chosen and value.isascii() and value.isdigit()
                    drawn["ids"][name] = int(value) if hostile else target.int_params[name]
                else:
                    plausible = _first(name, offered[part][name])
                    drawn[part][name] = value if (part, name) in chosen else plausible
            drawn |= {"htmx": chooser.random() < 0.5, "token_in_form": chooser.random() < 0.5}
            if drawn not in requests:
                requests.append(drawn)
    if target.method != "GET":
        upload = sorted(target.form)[0] if target.form else "file"
        requests.append(
            {
                "form": {name: _first(name, values) for name, values in target.form.items()},
                "query": {},
                "ids": dict(target.int_params),
                "files": [(upload, "x" * 5000 + ".pdf")],
                "htmx": False,
                "token_in_form": True,
            }
        )
    return requests


def _values(offered: list[str]) -> st.SearchStrategy[str | None]:
    """A field's value: left out, one its page offers, or a hostile one."""
    plausible = [st.sampled_from(offered)] if offered else []
    return st.one_of(st.none(), *plausible, HOSTILE)


def _requests(target: Target) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "form": st.fixed_dictionaries(
                {name: _values(values) for name, values in sorted(target.form.items())}
            ),
            "query": st.fixed_dictionaries(
                {name: _values(values) for name, values in sorted(target.query.items())}
            ),
            "ids": st.fixed_dictionaries(
                {
                    name: st.one_of(st.just(value), st.integers(0, 2**70))
                    for name, value in sorted(target.int_params.items())
                }
            ),
            "files": st.none()
            if target.method == "GET"
            else st.one_of(
                st.none(),
                st.lists(
                    st.tuples(st.sampled_from(sorted(target.form) or ["file"]), NAMES),
                    min_size=1,
                    max_size=2,
                ),
            ),
            "htmx": st.booleans(),
            "token_in_form": st.booleans(),
        }
    )


# Some values are thousands of characters long on purpose; Hypothesis warns when it prints them.
LONG_VALUES = pytest.mark.filterwarnings("ignore:Generating overly large repr")


def _socket_value(name: str) -> st.SearchStrategy[str | None]:
    plausible = {"page": list(PAGES), "day": ["2021-12-15"], "session": ["1"], "last": ["0"]}
    return st.one_of(st.none(), st.sampled_from(plausible[name]), HOSTILE)


def _with_cover(test: Any) -> Any:
    """Every ``COVER`` value in every parameter, on the pages that read them."""
    for value in COVER:
        for page in ("session", "grid"):
            query = {"page": page, "day": value, "session": value, "last": value}
            test = example(query=query)(test)
    return test
