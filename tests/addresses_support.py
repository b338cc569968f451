"""The CSRF token's pattern in a form and the headers a proxy forwards, shared by the tests of
the address that links start with."""

from __future__ import annotations

import re

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

_FORWARDED = {"x-forwarded-proto": "https", "x-forwarded-host": "summit.example.org"}
