"""scalpcare.contract: the referral levels and whose referral decides what, as tables."""

from __future__ import annotations

import pytest

from scalpcare.contract import Referral, own_referral, strongest


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ((), Referral.NONE),
        (("none", None), Referral.NONE),
        (("doctor", "urgent", "dermatologist"), Referral.URGENT),
        ((Referral.DOCTOR, "nonsense"), Referral.DOCTOR),
    ],
)
def test_strongest(levels: tuple, expected: Referral) -> None:
    assert strongest(*levels) is expected


@pytest.mark.parametrize(
    ("own", "conversation", "expected"),
    [
        # a daughter's bald patch referred: the client's own routine and massage stay
        ("none", "dermatologist", Referral.NONE),
        ("doctor", "urgent", Referral.DOCTOR),
        ("dermatologist", "dermatologist", Referral.DERMATOLOGIST),
        # a conversation from before the slot existed: the careful side
        (None, "dermatologist", Referral.DERMATOLOGIST),
        (None, None, Referral.NONE),
    ],
)
def test_own_referral(own: str | None, conversation: str | None, expected: Referral) -> None:
    assert own_referral(own, conversation) is expected
