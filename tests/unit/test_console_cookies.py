"""console.auth.secure_cookies: the staff console's cookies are Secure over HTTPS."""

from __future__ import annotations

import pytest

from console.auth import secure_cookies


@pytest.mark.parametrize(
    ("scheme", "environ", "secure"),
    [
        ("https", {}, True),  # directly, or X-Forwarded-Proto behind a trusted proxy
        ("http", {}, False),  # http://localhost during development keeps working
        ("http", {"CONSOLE_SECURE_COOKIES": "1"}, True),  # TLS ended by an unnamed proxy
        ("http", {"CONSOLE_SECURE_COOKIES": "true"}, True),
        ("http", {"CONSOLE_SECURE_COOKIES": "0"}, False),
        ("https", {"CONSOLE_SECURE_COOKIES": "0"}, True),  # never weaker over HTTPS
    ],
)
def test_secure_cookies(scheme: str, environ: dict[str, str], secure: bool) -> None:
    assert secure_cookies(scheme, environ) is secure
