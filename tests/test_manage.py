"""Organisers manage streams, themes, people and delegations with inline validation."""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from summit.db import Database
from summit.people.models import Delegation, Person
from tests.conftest import htmx_post


@pytest.mark.parametrize(
    ("kind", "count"), [("streams", 4), ("themes", 4), ("people", 38), ("delegations", 15)]
)
def test_each_list_shows_every_row(organiser: TestClient, kind: str, count: int) -> None:
    page = organiser.get(f"/ogp2021/manage/{kind}").text

    assert f"{count} of {count}" in page


def test_lists_search_and_filter_with_htmx(organiser: TestClient, demo_database: Database) -> None:
    with demo_database.read() as db:
        morocco = db.exec(select(Delegation).where(Delegation.slug == "morocco")).one()

    searched = organiser.get("/ogp2021/manage/people?q=mezzour", headers={"hx-request": "true"})
    moroccans = organiser.get(f"/ogp2021/manage/people?delegation={morocco.id}").text
    civil = organiser.get("/ogp2021/manage/delegations?kind=civil_society").text

    assert searched.text.lstrip().startswith('<section id="entity-rows"')
    assert "1 of 38" in searched.text and "Ghita Mezzour" in searched.text
    assert "Aziz Akhannouch" in moroccans and "Ghita Mezzour" in moroccans
    assert "of 15" in civil and "Morocco" not in civil.split('id="entity-rows"', 1)[1]


def test_adding_a_stream(organiser: TestClient) -> None:
    response = htmx_post(
        organiser,
        "/ogp2021/manage/streams/new",
        {"slug": "overflow", "name_en": "Overflow Room", "join_url": "https://meet.example.org/o"},
    )

    assert response.status_code == 204
    assert "Overflow Room" in organiser.get("/ogp2021/manage/streams").text


def test_bad_input_comes_back_inline(organiser: TestClient) -> None:
    response = htmx_post(
        organiser,
        "/ogp2021/manage/streams/new",
        {"slug": "Not A Slug", "name_en": "", "join_url": "javascript:alert(1)"},
    )

    body = response.text
    assert response.status_code == 422
    assert body.lstrip().startswith('<form id="entity-form"')
    assert "lower-case letters" in body and "http(s) address" in body


def test_a_second_head_of_delegation_is_refused(
    organiser: TestClient, demo_database: Database
) -> None:
    with demo_database.read() as db:
        morocco = db.exec(select(Delegation).where(Delegation.slug == "morocco")).one()
        mezzour = db.exec(select(Person).where(Person.slug == "ghita-mezzour")).one()

    response = htmx_post(
        organiser,
        f"/ogp2021/manage/people/{mezzour.id}",
        {
            "full_name": "Ghita Mezzour",
            "delegation_id": str(morocco.id),
            "delegation_role": "head",
        },
    )

    assert response.status_code == 422
    assert "Aziz Akhannouch already heads this delegation." in response.text


def test_editing_keeps_the_slug(organiser: TestClient, demo_database: Database) -> None:
    with demo_database.read() as db:
        kenya = db.exec(select(Delegation).where(Delegation.slug == "kenya")).one()

    response = htmx_post(
        organiser,
        f"/ogp2021/manage/delegations/{kenya.id}",
        {
            "slug": "renamed",
            "name_en": "Republic of Kenya",
            "kind": "government",
            "country_code": "ke",
        },
    )

    with demo_database.read() as db:
        renamed = db.get(Delegation, kenya.id)
    assert response.status_code == 204
    assert renamed is not None
    assert (renamed.slug, renamed.name, renamed.country_code) == (
        "kenya",
        {"en": "Republic of Kenya"},
        "KE",
    )


def test_another_summits_row_is_not_found(organiser: TestClient) -> None:
    assert organiser.get("/ogp2021/manage/people/999999").status_code == 404


def test_availability_given_in_the_form_is_checked_in_the_editor(
    organiser: TestClient, demo_database: Database
) -> None:
    with demo_database.read() as db:
        akhannouch = db.exec(select(Person).where(Person.slug == "aziz-akhannouch")).one()
        morocco = db.exec(select(Delegation).where(Delegation.slug == "morocco")).one()
    fields = {
        "full_name": "Aziz Akhannouch",
        "delegation_id": str(morocco.id),
        "delegation_role": "head",
    }

    bad = htmx_post(
        organiser, f"/ogp2021/manage/people/{akhannouch.id}", {**fields, "availability": "soon"}
    )
    saved = htmx_post(
        organiser,
        f"/ogp2021/manage/people/{akhannouch.id}",
        {**fields, "availability": "2021-12-16 09:00-12:00\n2021-12-17 14:00-15:30"},
    )
    form = organiser.get(f"/ogp2021/manage/people/{akhannouch.id}").text
    editor = organiser.get("/ogp2021/manage/schedule?day=2021-12-15").text

    assert bad.status_code == 422 and "one window a line" in bad.text
    assert saved.status_code == 204
    assert "2021-12-16 09:00-12:00\n2021-12-17 14:00-15:30" in form
    # He opens the summit on the 15th, a day he did not give.
    assert "\u2068Aziz Akhannouch\u2069 is not available then" in editor
