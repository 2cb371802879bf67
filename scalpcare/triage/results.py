"""What the red-flag screener reports: a :class:`RedFlag` per finding, a :class:`ScreenResult`."""

from __future__ import annotations

from dataclasses import dataclass

from scalpcare.contract import Referral
from scalpcare.triage.signs import SIGN_OF


# --------------------------------------------------------------------------
# Public results
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class RedFlag:
    """One qualified finding in the message.

    Attributes:
        condition: Machine name of the condition or sign, e.g. ``"psoriasis"``,
            ``"patchy_hair_loss"``, ``"uncontrolled_bleeding"``, or a nutrient
            signal such as ``"heavy_periods"``.
        level: The referral this finding calls for.
        text: The matched words, as the user wrote them.
        start: Character offset of the match in the original text.
        end: Character offset just past the match.
        about: Who has it: ``self`` (the writer), ``care`` (a child or client in
            their care) or ``other`` (another adult).
        person: The writer's word for that person ("son", "husband"), when not self.
    """

    condition: str
    level: Referral
    text: str
    start: int
    end: int
    about: str = "self"
    person: str = ""

    @property
    def sign(self) -> str:
        """The sign this finding is (the screening corpus's vocabulary, ``SIGNS``)."""
        return SIGN_OF.get(self.condition, self.condition)


@dataclass(frozen=True)
class ScreenResult:
    """What :func:`screen` found in one message.

    Attributes:
        flags: Every qualified finding, in text order (nutrient signals included,
            at level ``doctor``).
        level: The strongest referral among ``flags`` (``none`` if empty).
        nutrient_deficiency: The message suggests a possible nutrient deficiency.
        nutrient_signals: Names of the nutrient-deficiency signals found.
        signs: Every current sign the message describes, components of combined
            urgent signs included (``fever`` alone is no referral, but a fever now
            and pus two messages ago is urgent: :mod:`scalpcare.screening`).
        resolved: Signs the message says are absent or gone ("the fever is gone
            now", "no pus any more"): they no longer count from earlier messages.
        set_aside: Signs the rules found but set aside: negated, past, a general
            question, under a doctor's care, another person's family history, a pet.
            The learned model's finding of the same sign yields to the rules
            (:func:`scalpcare.screening.combine`).
    """

    flags: tuple[RedFlag, ...] = ()
    level: Referral = Referral.NONE
    nutrient_deficiency: bool = False
    nutrient_signals: tuple[str, ...] = ()
    signs: tuple[str, ...] = ()
    resolved: tuple[str, ...] = ()
    set_aside: tuple[str, ...] = ()

    @property
    def has_red_flag(self) -> bool:
        """True when anything calls for a referral (any level above ``none``)."""
        return self.level is not Referral.NONE

    @property
    def pauses_routine(self) -> bool:
        """True at ``dermatologist`` or ``urgent``: no exfoliation or massage."""
        return self.level.rank >= Referral.DERMATOLOGIST.rank

    @property
    def conditions(self) -> tuple[str, ...]:
        """Distinct condition names, in order of first appearance."""
        return tuple(dict.fromkeys(flag.condition for flag in self.flags))

    @property
    def top_flags(self) -> tuple[RedFlag, ...]:
        """The findings at the message's strongest level."""
        return tuple(flag for flag in self.flags if flag.level is self.level)
