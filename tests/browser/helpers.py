"""What the browser tests do often: sign in, and collect what goes wrong on a page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import DEMO_PASSWORD
from tests.jury import AWARD_SLUG


def sign_in(page: Any, base: str, email: str, target: str) -> None:
    page.goto(f"{base}/signin?next={target}")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#sign-in-form button[type=submit]")
    # Signed in once the page's document has come: its "load" event also waits for every
    # resource, and a live stream's player may keep loading (CI saw it never come).
    page.wait_for_url(f"{base}{target}", wait_until="domcontentloaded", timeout=90_000)


def choose_english(page: Any, base: str) -> None:
    """This browser chose English (the language switcher's cookie), which wins over a signed-in
    account's own language: for journeys that read English as a French or Arabic account."""
    page.context.add_cookies([{"name": "summit_lang", "value": "en", "url": base}])


def watch_for_problems(page: Any, *, ignore_connection_errors: bool = False) -> list[str]:
    """Script errors and console errors of ``page``, as they happen (CSP reports included)."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    def console(message: Any) -> None:
        if message.type != "error":
            return
        if ignore_connection_errors and (
            "WebSocket" in message.text or message.text == "[object Event]"
        ):
            return  # the test cuts the connection on purpose (htmx logs the failed attempts)
        problems.append(message.text)

    page.on("console", console)
    return problems


def confirm(page: Any) -> None:
    """Answer "yes" in the page's confirmation dialog (static/js/confirm.js), once it is open."""
    page.locator("#confirm-dialog[open] #confirm-dialog-confirm").click()


def wait_until_live(page: Any) -> None:
    """Wait until ``page``'s live socket is open (static/js/live.js marks the root element)."""
    page.locator("html[data-live=open]").wait_for(state="attached")


def submit_and_wait(page: Any, action: Any) -> None:
    """Run ``action`` (a click that posts a form) and wait for the page it leads to, even when
    that page has the same address as the one before."""
    with page.expect_navigation():
        action()


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


def axe_violations(page: Any) -> list[str]:
    """Serious and critical axe-core findings on ``page``, one line each (rule, and where). The
    page's context must bypass the CSP: axe is added by the test, not served by the app."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{found['id']} ({found['impact']}): {[node['target'] for node in found['nodes']][:5]}"
        for found in results
        if found["impact"] in {"serious", "critical"}
    ]


def place_third(chromium: Any, base: str, submission_id: int) -> Any:
    """The organiser's page, once it has saved ``submission_id`` as the demo award's third
    place (not yet revealed)."""
    organiser = chromium.new_context(locale="en-GB").new_page()
    board = f"/ogp2021/manage/awards/{AWARD_SLUG}/results"
    sign_in(organiser, base, "organiser@example.org", board)
    organiser.select_option("#place-3", str(submission_id))
    organiser.fill("#reason", "Decided in the room")
    submit_and_wait(organiser, lambda: organiser.click("text=Save the places"))
    return organiser
