"""What a consultation knows about a scalp, and how a new answer folds into it.

``ScalpFacts`` is what one message says (``scalpcare.consultation_parsing.parse``) or
what the consultation's slots hold (``ScalpFacts.from_values``), and ``merge`` folds a new
message into what was said before, so corrections ("sorry, I meant dry not oily") take
effect. ``Profile`` is the same facts once the consultation is done, with the referral
and the nutrient context, as the routine reads them (``scalpcare.routine``). Both read
loosely typed slot values with the same readers (``slot_names``, ``slot_scalp_type``,
``slot_bool``).
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
    Referral,
)
from scalpcare.habits import (
    GOAL_VALUES,
    PRODUCT_VALUES,
    WASH_FREQUENCY_VALUES,
    parse_goal,
    parse_wash_frequency,
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
        return cls(
            concerns=slot_names(concerns) & frozenset(CONCERN_VALUES),
            scalp_type=slot_scalp_type(scalp_type),
            sensitive=slot_bool(sensitive),
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


@dataclass(frozen=True)
class Profile(ScalpFacts):
    """The consultation's facts once it is done, as the routine reads them.

    The fields of :class:`ScalpFacts` (the message-only ones, ``negated_concerns`` and
    ``correction``, stay empty here), plus:

    Attributes:
        referral: The strongest referral made so far.
        nutrient_deficiency: The context suggests a possible deficiency.
        pregnant: The client is pregnant or breastfeeding (the special situation was
            answered): essential oils and actives are theirs to check with the midwife
            or doctor, so the routine names none without saying so.
    """

    referral: Referral = Referral.NONE
    nutrient_deficiency: bool = False
    pregnant: bool = False

    def __post_init__(self) -> None:
        """Reject values outside the contract's vocabularies."""
        # Fail loudly on values outside the contract: a typo here would
        # silently drop an adaptation (or a safety rule) from the routine.
        super().__post_init__()  # concerns and scalp type
        if self.wash_frequency is not None and self.wash_frequency not in WASH_FREQUENCY_VALUES:
            raise ValueError(f"unknown wash_frequency: {self.wash_frequency!r}")
        unknown = set(self.buildup_products) - set(PRODUCT_VALUES)
        if unknown:
            raise ValueError(f"unknown buildup_products: {sorted(unknown)}")
        if self.goal is not None and self.goal not in GOAL_VALUES:
            raise ValueError(f"unknown goal: {self.goal!r}")
        if not isinstance(self.referral, Referral):
            raise TypeError(f"referral must be a Referral, got {self.referral!r}")

    @classmethod
    def from_values(
        cls,
        concerns: Iterable[object] | str | None = None,
        scalp_type: object = None,
        sensitive: object = None,
        wash_frequency: object = None,
        buildup_products: Iterable[object] | str | None = None,
        goal: object = None,
        referral: object = None,
        nutrient_deficiency: object = False,
        pregnant: object = False,
    ) -> Profile:
        """Build a profile from loosely typed values such as tracker slots.

        Unknown or empty values are dropped instead of raising, because slot
        values come from NLU and may be stale or misspelt; the strict
        constructor is for code that already holds clean values.

        Args:
            concerns: Concern names; unknown ones are ignored.
            scalp_type: A scalp type; anything unknown becomes ``None``.
            sensitive: A bool, or ``None`` when unknown.
            wash_frequency: A normalised value or free text (parsed).
            buildup_products: Product names; unknown ones are ignored.
            goal: A normalised goal or free text (parsed).
            referral: A ``Referral`` or a slot string.
            nutrient_deficiency: Truthy when a deficiency is suspected.
            pregnant: Truthy when the client is pregnant or breastfeeding.

        Returns:
            A valid ``Profile``.
        """
        clean_concerns = slot_names(concerns) & frozenset(CONCERN_VALUES)
        clean_products = slot_names(buildup_products) & frozenset(PRODUCT_VALUES)
        wash = None
        if wash_frequency is not None:
            text = str(wash_frequency).strip().lower()
            wash = text if text in WASH_FREQUENCY_VALUES else parse_wash_frequency(text)
        clean_goal = None
        if goal is not None:
            text = str(goal).strip().lower()
            clean_goal = text if text in GOAL_VALUES else parse_goal(text)
        return cls(
            concerns=clean_concerns,
            scalp_type=slot_scalp_type(scalp_type),
            sensitive=slot_bool(sensitive),
            wash_frequency=wash,
            buildup_products=clean_products,
            goal=clean_goal,
            referral=referral if isinstance(referral, Referral) else Referral.parse(referral),
            nutrient_deficiency=bool(slot_bool(nutrient_deficiency)),
            pregnant=bool(slot_bool(pregnant)),
        )


# --------------------------------------------------------------------------
# Slot values, loosely typed (NLU may leave a lone string or a stale value)
# --------------------------------------------------------------------------


def slot_names(values: Iterable[object] | str | None) -> frozenset[str]:
    """Lower-cased names from a list slot; a lone string counts as one name."""
    if values is None:
        return frozenset()
    items = [values] if isinstance(values, str) else list(values)
    return frozenset(str(v).strip().lower() for v in items if v is not None and str(v).strip())


def slot_scalp_type(value: object) -> str | None:
    """A scalp type from a slot; anything outside the contract is unknown (``None``)."""
    text = str(value).strip().lower() if value is not None else None
    return text if text in SCALP_TYPE_VALUES else None


def slot_bool(value: object) -> bool | None:
    """A bool slot; "false" is False, and empty or unreadable text is unknown (``None``)."""
    if value is None or isinstance(value, bool):
        return value
    if not isinstance(value, str):
        return bool(value)
    text = value.strip().lower()
    if text in {"true", "yes", "y", "1"}:
        return True
    if text in {"false", "no", "n", "0"}:
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
