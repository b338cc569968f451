"""Forms in a real browser: a refused new session shows its error summary and its errors beside
the fields, with no Content-Security-Policy violation and no script error."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import sign_in, watch_for_problems

pytestmark = pytest.mark.browser

VIOLATIONS = """
window.summitViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.summitViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""
# Chromium logs every 4xx answer to a script's request, and htmx asks for the refused form's
# block with one: that line is the browser's, not a fault of the page.
REFUSED_ANSWER = "Failed to load resource: the server responded with a status of 422"


def test_a_refused_new_session_shows_every_error_without_a_csp_violation(
    chromium: Any, live_server: str
) -> None:
    context = chromium.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    context.add_init_script(VIOLATIONS)
    page = context.new_page()
    problems = watch_for_problems(page)
    sign_in(page, live_server, "organiser@example.org", "/ogp2021/manage/sessions/new")
    page.fill("#code", "OPENING")
    page.select_option("#day", "2021-12-15")

    page.click("#session-form button[type=submit]")
    summary = page.locator(".error-summary")
    summary.wait_for()
    links = summary.locator("a").all_inner_texts()
    summary.locator("a[href='#start_time-error']").click()
    beside = page.locator("#start_time-error")

    assert links[0].startswith("Code: Another session already has the code OPENING")
    assert len(links) == 3
    assert beside.is_visible()
    assert beside.inner_text().endswith("Give the time as hours and minutes.")
    assert page.get_attribute("#start_time", "aria-invalid") == "true"
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    assert page.evaluate("() => window.summitViolations") == []
    assert [problem for problem in problems if not problem.startswith(REFUSED_ANSWER)] == []
