"""The juror's scoresheet page: the queue's progress, saving as the juror types, a second tab's
conflict, double clicks, blind review, declaring a conflict, the locked sheet after the
deadline, and each field's error beside it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from summit.app import create_app
from summit.auth.models import AuditEntry
from summit.awards.models import (
    Conflict,
    JuryMember,
    Score,
    ScoreCard,
    ScoreLog,
    Submission,
)
from summit.awards.scoring import (
    criteria_of,
)
from summit.db import Database
from summit.persistence import pk
from summit.settings import Settings
from tests.conftest import (
    BASE_URL,
    DURING_THE_SUMMIT,
    choose_english,
    csrf_token,
    make_client,
    sign_in,
)
from tests.jury import (
    demo_award,
    same_page,
)
from tests.scoring_support import NOW


@pytest.fixture
def juror_client(judging: Database, demo_settings: Settings) -> Iterator[TestClient]:
    app = create_app(demo_settings, clock=lambda: NOW)
    with make_client(app) as client:
        choose_english(client)  # juror1's account speaks French; the tests read English
        sign_in(client, "juror1@example.org")
        yield client


def _submission_id(database: Database, code: str) -> int:
    with database.read() as db:
        return pk(db.exec(select(Submission).where(Submission.code == code)).one())


def _criteria_ids(database: Database) -> list[int]:
    with database.read() as db:
        return [pk(c) for c in criteria_of(db, award_id=pk(demo_award(db)))]


def _form(page: str) -> dict[str, str]:
    """The scoresheet's hidden fields as the page gave them."""
    fields = dict(
        re.findall(r'<input type="hidden" (?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"', page)
    )
    return {name: fields[name] for name in ("nonce", "revision")}


def _post(client: TestClient, path: str, data: dict[str, str], *, htmx: bool = True) -> Any:
    headers = {"origin": BASE_URL}
    if htmx:
        headers |= {"hx-request": "true", "x-csrf-token": csrf_token(client, "/signin")}
        return client.post(path, data=data, headers=headers)
    data = {**data, "csrf_token": csrf_token(client, "/signin")}
    return client.post(path, data=data, headers=headers, follow_redirects=False)


def test_the_queue_shows_progress(juror_client: TestClient, judging: Database) -> None:
    path = f"/ogp2021/jury/{_submission_id(judging, 'KE-RIVERSIDE')}"
    impact = _criteria_ids(judging)[0]
    _post(juror_client, path, {**_form(juror_client.get(path).text), f"score-{impact}": "6"})

    page = juror_client.get("/ogp2021/jury").text

    assert page.count("/ogp2021/jury/") == 10
    assert "0 of 10 scoresheets final." in page
    assert page.count(">Draft<") == 1
    assert page.count(">Not started<") == 9


def test_a_change_saves_and_says_saved(juror_client: TestClient, judging: Database) -> None:
    path = f"/ogp2021/jury/{_submission_id(judging, 'KE-RIVERSIDE')}"
    impact = _criteria_ids(judging)[0]
    form = _form(juror_client.get(path).text)

    response = _post(juror_client, path, {**form, f"score-{impact}": "6.5", "comment": "Clear"})

    assert response.status_code == 200
    assert "Saved" in response.text
    assert 'id="card-revision" name="revision" value="1" data-hx-swap-oob="true"' in response.text
    assert 'value="6.5"' in juror_client.get(path).text


def test_a_second_tab_gets_a_conflict_and_keeps_its_values(
    juror_client: TestClient, judging: Database
) -> None:
    path = f"/ogp2021/jury/{_submission_id(judging, 'KE-RIVERSIDE')}"
    impact = _criteria_ids(judging)[0]
    tab1 = _form(juror_client.get(path).text)
    tab2 = _form(juror_client.get(path).text)
    _post(juror_client, path, {**tab1, f"score-{impact}": "8"})

    fragment = _post(juror_client, path, {**tab2, f"score-{impact}": "3"})
    whole = _post(juror_client, path, {**tab2, f"score-{impact}": "3"}, htmx=False)

    assert fragment.status_code == whole.status_code == 422
    assert "changed in another tab" in fragment.text
    assert 'name="overwrite" value="1"' in fragment.text
    assert f'name="score-{impact}" type="number"' in whole.text
    assert 'step="0.5" value="3"' in whole.text  # the typed value, not the saved 8
    assert 'name="revision" value="0"' in whole.text
    assert 'value="8"' in juror_client.get(path).text


def test_keeping_my_values_after_a_conflict_saves_them(
    juror_client: TestClient, judging: Database
) -> None:
    path = f"/ogp2021/jury/{_submission_id(judging, 'KE-RIVERSIDE')}"
    impact = _criteria_ids(judging)[0]
    tab1 = _form(juror_client.get(path).text)
    tab2 = _form(juror_client.get(path).text)
    _post(juror_client, path, {**tab1, f"score-{impact}": "8"})

    response = _post(juror_client, path, {**tab2, f"score-{impact}": "3", "overwrite": "1"})

    assert "Saved" in response.text
    assert 'step="0.5" value="3"' in juror_client.get(path).text


def test_a_double_click_is_applied_once(juror_client: TestClient, judging: Database) -> None:
    path = f"/ogp2021/jury/{_submission_id(judging, 'KE-RIVERSIDE')}"
    ids = _criteria_ids(judging)
    form = {**_form(juror_client.get(path).text), **{f"score-{c}": "5" for c in ids}}
    final = {**form, "status": "final"}

    first = _post(juror_client, path, final)
    second = _post(juror_client, path, final)

    with judging.read() as db:
        statuses = db.exec(select(ScoreLog.new_value).where(ScoreLog.field == "status")).all()
        card = db.exec(select(ScoreCard)).one()
    assert (first.status_code, second.status_code) == (200, 200)
    assert statuses == ["final"]
    assert (card.revision, card.status) == (1, "final")
    assert "This scoresheet is final." in second.text


def test_a_conflicted_or_unassigned_submission_answers_like_a_missing_one(
    juror_client: TestClient, judging: Database
) -> None:
    sign_in(juror_client, "juror2@example.org")
    conflicted = juror_client.get(f"/ogp2021/jury/{_submission_id(judging, 'NG-EXAMPLE-CITY')}")
    missing = juror_client.get("/ogp2021/jury/999999")

    assert (conflicted.status_code, missing.status_code) == (404, 404)
    assert same_page(conflicted.text) == same_page(missing.text)


def test_blind_review_hides_who_submitted(juror_client: TestClient, judging: Database) -> None:
    with judging.write() as db:
        demo_award(db).blind = True
    path = f"/ogp2021/jury/{_submission_id(judging, 'KE-RIVERSIDE')}"

    page = juror_client.get(path).text
    queue_page = juror_client.get("/ogp2021/jury").text

    for hidden in ("Riverside Example County Council", "Wambui Sample", "riverside@", ">KE<"):
        assert hidden not in page
    assert "KE-RIVERSIDE" not in queue_page
    assert "Participatory budgeting by SMS" in page


def test_declaring_a_conflict_leaves_the_submission(
    juror_client: TestClient, judging: Database
) -> None:
    submission_id = _submission_id(judging, "KE-RIVERSIDE")
    path = f"/ogp2021/jury/{submission_id}"

    response = _post(juror_client, f"{path}/conflict", {"reason": "My cousin runs it"}, htmx=False)

    with judging.read() as db:
        conflict = db.exec(select(Conflict).where(Conflict.submission_id == submission_id)).all()
        entry = db.exec(
            select(AuditEntry).where(
                AuditEntry.action == "recusal", col(AuditEntry.account_id).is_not(None)
            )
        ).one()  # the seed's recusals are logged with no account
        member = db.exec(
            select(JuryMember).where(JuryMember.id == conflict[0].jury_member_id)
        ).one()
    assert (response.status_code, response.headers["location"]) == (303, "/ogp2021/jury")
    assert [(c.source, c.reason) for c in conflict] == [("declared", "My cousin runs it")]
    # The same entry as an organiser's declaration for the juror: one action, one shape.
    assert entry.target == f"jury_member:{member.id}"
    assert (entry.detail["source"], entry.detail["reason"]) == ("declared", "My cousin runs it")
    assert entry.detail["juror_account_id"] == member.account_id
    assert juror_client.get(path).status_code == 404


def test_after_the_deadline_the_sheet_is_locked(judging: Database, demo_settings: Settings) -> None:
    app = create_app(demo_settings, clock=lambda: DURING_THE_SUMMIT)
    path = f"/ogp2021/jury/{_submission_id(judging, 'KE-RIVERSIDE')}"
    impact = _criteria_ids(judging)[0]
    with make_client(app) as client:
        choose_english(client)  # juror1's account speaks French
        sign_in(client, "juror1@example.org")
        page = client.get(path).text
        response = _post(client, path, {**_form(page), f"score-{impact}": "6"})

    assert "the scores are locked" in page
    assert "hx-post" not in page.split('id="scoresheet"')[1].split(">")[0]
    assert response.status_code == 422
    assert "the scores are locked" in response.text


def test_taking_a_final_card_back_to_draft_keeps_its_scores(
    juror_client: TestClient, judging: Database
) -> None:
    path = f"/ogp2021/jury/{_submission_id(judging, 'KE-RIVERSIDE')}"
    ids = _criteria_ids(judging)
    form = _form(juror_client.get(path).text)
    scores = {f"score-{c}": "5" for c in ids}
    _post(juror_client, path, {**form, **scores, "comment": "Kept", "status": "final"})

    # The final sheet's inputs are disabled, so the browser sends none of them.
    back = _post(juror_client, path, {**_form(juror_client.get(path).text), "status": "draft"})

    with judging.read() as db:
        card = db.exec(select(ScoreCard)).one()
        values = sorted(row.value for row in db.exec(select(Score)).all())
    assert back.status_code == 200
    assert (card.status, card.comment, card.revision) == ("draft", "Kept", 2)
    assert values == [5.0] * len(ids)


def _criteria(database: Database) -> dict[str, int]:
    with database.read() as db:
        return {c.slug: pk(c) for c in criteria_of(db, award_id=pk(demo_award(db)))}


def _stored(database: Database) -> dict[int, float]:
    with database.read() as db:
        return {row.criterion_id: row.value for row in db.exec(select(Score)).all()}


def test_a_score_off_its_scale_is_not_saved_and_says_why_beside_its_field(
    juror_client: TestClient, judging: Database
) -> None:
    path = f"/ogp2021/jury/{_submission_id(judging, 'KE-RIVERSIDE')}"
    ids = _criteria(judging)
    form = _form(juror_client.get(path).text)
    _post(juror_client, path, {**form, f"score-{ids['innovation']}": "6"})
    saved_form = {**form, "revision": "1", f"score-{ids['innovation']}": "6"}

    fragment = _post(
        juror_client,
        path,
        {**saved_form, f"score-{ids['impact']}": "42", f"score-{ids['participation']}": "-1"},
    )
    whole = _post(juror_client, path, {**saved_form, f"score-{ids['impact']}": "42"}, htmx=False)

    impact_error = (
        f'<p class="field-error" id="score-{ids["impact"]}-error" '
        f'data-error-for="score-{ids["impact"]}" data-hx-swap-oob="true">'
        "Give a score from 0 to 10.</p>"
    )
    assert fragment.status_code == whole.status_code == 422
    assert "Not saved" in fragment.text and "Saved<" not in fragment.text
    assert impact_error in fragment.text
    assert f'id="score-{ids["participation"]}-error"' in fragment.text.split(impact_error)[1]
    assert "2 scores are off their scale" in fragment.text
    assert 'name="revision" value="1" hx-swap-oob' not in fragment.text
    assert f'id="score-{ids["impact"]}" name="score-{ids["impact"]}"' in whole.text
    assert 'value="42" aria-describedby' in whole.text and 'aria-invalid="true"' in whole.text
    assert _stored(judging) == {ids["innovation"]: 6.0}


def test_a_corrected_score_saves_and_clears_its_error(
    juror_client: TestClient, judging: Database
) -> None:
    path = f"/ogp2021/jury/{_submission_id(judging, 'KE-RIVERSIDE')}"
    impact = _criteria(judging)["impact"]
    form = _form(juror_client.get(path).text)
    _post(juror_client, path, {**form, f"score-{impact}": "42"})

    response = _post(juror_client, path, {**form, f"score-{impact}": "9"})

    assert response.status_code == 200
    assert "Saved" in response.text
    assert (
        f'<p class="field-error" id="score-{impact}-error" data-error-for="score-{impact}" '
        'hidden data-hx-swap-oob="true"></p>'
    ) in response.text
    assert _stored(judging) == {impact: 9.0}


def test_keeping_my_values_never_clears_a_field_the_other_tab_saved(
    juror_client: TestClient, judging: Database
) -> None:
    path = f"/ogp2021/jury/{_submission_id(judging, 'KE-RIVERSIDE')}"
    ids = _criteria(judging)
    tab1 = _form(juror_client.get(path).text)
    tab2 = _form(juror_client.get(path).text)
    _post(juror_client, path, {**tab1, f"score-{ids['transparency']}": "8", "comment": "Clear"})
    every_field = {f"score-{cid}": "" for cid in ids.values()} | {"comment": ""}
    typed = {**every_field, f"score-{ids['impact']}": "3"}
    refused = _post(juror_client, path, {**tab2, **typed})

    kept = _post(juror_client, path, {**tab2, **typed, "overwrite": "1"})

    with judging.read() as db:
        card = db.exec(select(ScoreCard)).one()
        changed = db.exec(select(ScoreLog.field).where(ScoreLog.revision == 2)).all()
    assert refused.status_code == 422
    assert kept.status_code == 200
    assert _stored(judging) == {ids["transparency"]: 8.0, ids["impact"]: 3.0}
    assert (card.comment, card.revision) == ("Clear", 2)
    assert changed == [f"criterion:{ids['impact']}"]
    # The whole sheet comes back, as stored: the other tab's 8 shows in this one now.
    assert kept.headers["hx-retarget"] == "#sheet"
    assert f'id="score-{ids["transparency"]}" name="score-{ids["transparency"]}"' in kept.text
    assert 'step="0.5" value="8"' in kept.text


def test_a_stale_save_that_changes_nothing_leaves_the_tab_on_its_revision(
    juror_client: TestClient, judging: Database
) -> None:
    path = f"/ogp2021/jury/{_submission_id(judging, 'KE-RIVERSIDE')}"
    ids = _criteria(judging)
    tab1 = _form(juror_client.get(path).text)
    tab2 = _form(juror_client.get(path).text)
    _post(juror_client, path, {**tab1, f"score-{ids['transparency']}": "8"})

    same = _post(juror_client, path, {**tab2, f"score-{ids['transparency']}": "8"})
    later = _post(juror_client, path, {**tab2, f"score-{ids['impact']}": "5"})

    assert same.status_code == 200
    assert 'name="revision" value="0" data-hx-swap-oob="true"' in same.text
    assert later.status_code == 422  # still the stale tab: the juror chooses
    assert _stored(judging) == {ids["transparency"]: 8.0}


def test_the_sheet_shows_the_deadline_the_weights_and_the_running_total(
    juror_client: TestClient, judging: Database
) -> None:
    path = f"/ogp2021/jury/{_submission_id(judging, 'KE-RIVERSIDE')}"
    ids = _criteria(judging)
    page = juror_client.get(path).text

    saved = _post(
        juror_client,
        path,
        {**_form(page), f"score-{ids['impact']}": "8", f"score-{ids['innovation']}": "5"},
    )

    # Scoring closes 15 November 2021 at 18:00 in Seoul; the clock says 1 November, noon.
    deadline = re.sub(r"\s+", " ", page.split('class="sheet-deadline">')[1].split("</p>")[0])
    assert deadline == (
        "Scoring closes on Monday, November 15, 2021 at 9:00 AM "
        '<span class="muted">(6:00 PM summit time)</span> · '
        '<time datetime="2021-11-15T09:00:00+00:00">in 2 weeks</time> '
    )
    weights = re.findall(r'class="criterion__weight">weight (\d+)%<', page)
    assert weights == ["30", "25", "20", "15", "10"]
    assert "0.0 of 100" in page and "0 of 5 criteria scored" in page
    # 30% of 8/10 and 25% of 5/10: 24 + 12.5 points.
    assert 'id="sheet-total" aria-live="polite" data-hx-swap-oob="true"' in saved.text
    assert "36.5 of 100" in saved.text and "2 of 5 criteria scored" in saved.text
