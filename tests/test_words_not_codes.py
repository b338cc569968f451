"""No stored code reaches a reader: countries, roles, audit actions, tie-break rules and kinds of
change are words in the viewer's language, each from one mapping (``summit.web.labels``)."""

from __future__ import annotations

import re

import pytest
from babel import Locale
from starlette.testclient import TestClient

from summit.agenda.models import SessionRoleKind
from summit.auth.audit import AuditAction
from summit.auth.models import Role
from summit.awards.forms import TIE_BREAKS
from summit.i18n.viewer import Viewer, viewing_as
from summit.people.models import DelegationKind
from summit.web import labels
from tests.conftest import htmx_post
from tests.crawl import visible_text

AWARD = "/ogp2021/manage/awards/open-gov-award-local-innovation-2021"


def test_every_code_has_its_word() -> None:
    assert set(labels.ROLE_NAMES) == {role.value for role in Role}
    assert set(labels.SESSION_ROLE_NAMES) == {role.value for role in SessionRoleKind}
    assert set(labels.AUDIT_ACTIONS) == {action.value for action in AuditAction}
    assert set(labels.TIE_BREAKS) == set(TIE_BREAKS)
    assert set(labels.DELEGATION_KINDS) == {kind.value for kind in DelegationKind}


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ("Connexion", "Rôle attribué", "juré")),
        ("ar", ("تسجيل الدخول", "منح دور", "عضو لجنة التحكيم")),
    ],
)
def test_the_audit_log_says_actions_and_roles_in_words(
    organiser: TestClient, language: str, words: tuple[str, ...]
) -> None:
    text = visible_text(organiser.get(f"/ogp2021/manage/audit?lang={language}").text)

    assert [word for word in words if word not in text] == []
    assert re.findall(r"\b(sign_in|role_granted|role=juror|role=organiser)\b", text) == []


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ("Membre du jury", "Compte du juré", "Même pays ou même délégation")),
        ("ar", ("عضو في لجنة التحكيم", "حساب عضو لجنة التحكيم")),
    ],
)
def test_the_audit_log_says_what_each_entry_is_about_in_words(
    organiser: TestClient, language: str, words: tuple[str, ...]
) -> None:
    # The demo's recusals are in the log: a jury member, a rule's source and reason.
    text = visible_text(organiser.get(f"/ogp2021/manage/audit?lang={language}").text)

    assert [word for word in words if word not in text] == []
    # No stored name (jury_member:2, juror_account_id=3) and no rule's English reason.
    assert re.findall(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+:\d+|\w=\w", text) == []
    assert "juror belongs to" not in text


def test_the_jury_page_says_how_each_conflict_was_found(organiser: TestClient) -> None:
    page = organiser.get(f"{AWARD}/jury?lang=fr").text
    rows = visible_text(" ".join(re.findall(r'<tr id="conflict-\d+">.*?</tr>', page, re.S)))

    assert "Même pays ou même délégation" in rows
    assert re.findall(r"\b(country|organisation|declared|juror belongs)\b", rows) == []


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_countries_are_named_by_cldr_in_the_viewers_language(
    client: TestClient, language: str
) -> None:
    korea = str(Locale.parse(language).territories["KR"])

    delegation = visible_text(client.get(f"/ogp2021/delegations/korea?lang={language}").text)
    listing = visible_text(client.get("/ogp2021/delegations").text)

    assert korea in delegation
    assert korea in listing
    assert re.findall(r"\((?:MA|KR|NG|KE)\)|· KR\b", delegation + listing) == []


def test_submissions_name_their_country(organiser: TestClient) -> None:
    listing = visible_text(organiser.get(f"{AWARD}/submissions?lang=fr").text)

    assert "Maroc" in listing and "Philippines" in listing
    # Codes stand alone; submission codes (BR-PARTNERSHIP) start with one.
    assert re.findall(r"(?<![\w-])(MA|PH|KE|BR)(?![\w-])", listing) == []


def test_the_organisers_delegation_list_names_each_country(organiser: TestClient) -> None:
    listing = visible_text(organiser.get("/ogp2021/manage/delegations?lang=fr").text)

    assert "Corée du Sud" in listing and "Afrique du Sud" in listing
    assert re.findall(r"(?<![\w-])(MA|KR|ZA|NG|KE|GB|EE)(?![\w-])", listing) == []


@pytest.mark.parametrize(
    ("language", "rules"),
    [
        ("en", "Higher score on Impact, Most first places, The chair's casting vote"),
        (
            "fr",
            "Meilleure note sur « Impact », Le plus de premières places, "
            "La voix prépondérante du président",
        ),
    ],
)
def test_the_results_board_names_its_tie_break_rules(
    organiser: TestClient, language: str, rules: str
) -> None:
    text = visible_text(organiser.get(f"{AWARD}/results?lang={language}").text)

    assert rules in text
    assert "criterion:" not in text and "first_places" not in text


def test_a_tie_break_on_a_criterion_the_rubric_no_longer_has_keeps_its_name() -> None:
    with viewing_as(Viewer("en", "UTC")):
        named = labels.tie_break_name("criterion:reach", {"reach": {"en": "Reach"}})
        unnamed = labels.tie_break_name("criterion:gone", {})

    assert (named, unnamed) == ("Higher score on Reach", "Higher score on gone")


def test_people_with_access_say_their_roles_in_words(organiser: TestClient) -> None:
    text = visible_text(organiser.get("/ogp2021/manage/members?lang=ar").text)

    assert "عضو لجنة التحكيم" in text and "منظِّم" in text
    # The words alone, not inside the demo's e-mail addresses (juror1@example.org).
    assert re.findall(r"(?<![\w@.])(juror|organiser|delegate)(?![\w@.])", text) == []


def test_the_changes_to_publish_are_named_in_words(organiser: TestClient) -> None:
    grid = organiser.get("/ogp2021/manage/schedule?day=2021-12-15").text
    session_id = re.findall(r'data-session-id="(\d+)"', grid)[0]
    htmx_post(
        organiser,
        f"/ogp2021/manage/sessions/{session_id}/resize",
        {"delta": "15", "day": "2021-12-15"},
    )

    text = visible_text(organiser.get("/ogp2021/manage/publish?lang=fr").text)

    assert "nouvel horaire" in text
    assert "retimed" not in text
