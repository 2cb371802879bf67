"""What a consultation knows about a scalp, and how a new answer folds into it.

``ScalpFacts`` is the one facts type of the consultation: what one message says
(``scalpcare.consultation_parsing.parse``) or what the whole consultation knows (its
slots, ``ScalpFacts.from_values``), and ``merge`` folds a new message into what was said
before, so corrections ("sorry, I meant dry not oily") take effect.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from scalpcare.contract import (
    CONCERN_VALUES,
    CONCERNS,
    SCALP_TYPE,
    SCALP_TYPE_VALUES,
    SENSITIVE_SCALP,
)

# --------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScalpFacts:
    """What one message (or a whole consultation, after ``merge``) says.

    Attributes:
        concerns: Reported concerns, a subset of ``CONCERN_VALUES``.
        negated_concerns: Concerns the user explicitly denied ("no flakes").
        scalp_type: One of ``SCALP_TYPE_VALUES``, or ``None`` when not said.
        sensitive: ``True``/``False`` when said, ``None`` when not said.
        wash_frequency: From ``habits.parse_wash_frequency``, or ``None``.
        buildup_products: From ``habits.parse_products``.
        goal: From ``habits.parse_goal``, or ``None``.
        correction: The message reads as a correction of an earlier answer
            ("actually", "I meant", "scratch that"...).
    """

    concerns: frozenset[str] = frozenset()
    negated_concerns: frozenset[str] = frozenset()
    scalp_type: str | None = None
    sensitive: bool | None = None
    wash_frequency: str | None = None
    buildup_products: frozenset[str] = frozenset()
    goal: str | None = None
    correction: bool = False

    def __post_init__(self) -> None:
        """Reject values outside the contract's vocabularies."""
        unknown = (set(self.concerns) | set(self.negated_concerns)) - set(CONCERN_VALUES)
        if unknown:
            raise ValueError(f"unknown concerns: {sorted(unknown)}")
        if self.scalp_type is not None and self.scalp_type not in SCALP_TYPE_VALUES:
            raise ValueError(f"unknown scalp_type: {self.scalp_type!r}")

    @property
    def is_empty(self) -> bool:
        """True when the message said nothing this module understands."""
        return not (
            self.concerns
            or self.negated_concerns
            or self.scalp_type is not None
            or self.sensitive is not None
            or self.wash_frequency is not None
            or self.buildup_products
            or self.goal is not None
        )

    @classmethod
    def from_values(
        cls,
        concerns: Iterable[object] | str | None = None,
        scalp_type: object = None,
        sensitive: object = None,
    ) -> ScalpFacts:
        """Build facts from loosely typed slot values (unknown values are dropped).

        Args:
            concerns: The ``concerns`` slot (a list, a lone string or ``None``).
            scalp_type: The ``scalp_type`` slot.
            sensitive: The ``sensitive_scalp`` slot (bool or "true"/"false").

        Returns:
            Valid ``ScalpFacts`` holding only those three fields.
        """
        if concerns is None:
            items: list[object] = []
        elif isinstance(concerns, str):
            items = [concerns]
        else:
            items = list(concerns)
        names = frozenset(str(c).strip().lower() for c in items if c is not None)
        clean_type = str(scalp_type).strip().lower() if scalp_type is not None else None
        return cls(
            concerns=names & frozenset(CONCERN_VALUES),
            scalp_type=clean_type if clean_type in SCALP_TYPE_VALUES else None,
            sensitive=_slot_bool(sensitive),
        )

    def slot_values(self) -> dict[str, object]:
        """The contract slots this message fills, ready for ``SlotSet``.

        Returns:
            ``concerns`` (a list in contract order) when any are reported,
            ``scalp_type`` and ``sensitive_scalp`` when known. Nothing unknown
            is included, so filling slots never erases an earlier answer.
        """
        slots: dict[str, object] = {}
        if self.concerns:
            slots[CONCERNS] = [c for c in CONCERN_VALUES if c in self.concerns]
        if self.scalp_type is not None:
            slots[SCALP_TYPE] = self.scalp_type
        if self.sensitive is not None:
            slots[SENSITIVE_SCALP] = self.sensitive
        return slots


def _slot_bool(value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "yes", "1"}:
        return True
    if text in {"false", "no", "0"}:
        return False
    return None


# --------------------------------------------------------------------------
# Corrections
# --------------------------------------------------------------------------

_OPPOSITE_CONCERN = {"oily": "dryness", "dry": "oiliness"}
#: The concern whose denial clears a scalp type ("dry scalp? no").
TYPE_DENIED_BY = {"oily": "oiliness", "dry": "dryness"}


def merge(previous: ScalpFacts, new: ScalpFacts) -> ScalpFacts:
    """Fold a new message's facts into what the user said before.

    Rules: new explicit values override old ones and ``None`` never erases;
    concerns the new message denies are removed, new concerns are added; a
    scalp type the new message denies ("scratch that, not oily") is cleared;
    a correction to an oily or dry type ("actually it's dry") also drops the
    opposite concern said before. Products accumulate.

    Args:
        previous: What the consultation knew before this message.
        new: ``parse`` of the new message.

    Returns:
        The combined facts; ``correction`` is the new message's flag.
    """
    old_concerns = set(previous.concerns) - set(new.negated_concerns)
    if new.correction and new.scalp_type in _OPPOSITE_CONCERN:
        old_concerns.discard(_OPPOSITE_CONCERN[new.scalp_type])
    concerns = frozenset(old_concerns | set(new.concerns))
    negated = frozenset((set(previous.negated_concerns) - set(new.concerns)) | new.negated_concerns)

    scalp_type = previous.scalp_type
    if scalp_type in TYPE_DENIED_BY and TYPE_DENIED_BY[scalp_type] in new.negated_concerns:
        scalp_type = None
    if new.scalp_type is not None:
        scalp_type = new.scalp_type

    return replace(
        previous,
        concerns=concerns,
        negated_concerns=negated,
        scalp_type=scalp_type,
        sensitive=new.sensitive if new.sensitive is not None else previous.sensitive,
        wash_frequency=new.wash_frequency or previous.wash_frequency,
        buildup_products=previous.buildup_products | new.buildup_products,
        goal=new.goal or previous.goal,
        correction=new.correction,
    )
