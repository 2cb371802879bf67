"""The sign each rule finds, the urgent combinations of signs, and every condition name."""

from __future__ import annotations

from scalpcare.triage.rules import _RULES

#: The sign each rule finds, in the screening corpus's vocabulary
#: (data/screening/GUIDE.md); rules not listed are their own sign.
SIGN_OF: dict[str, str] = {
    "uncontrolled_bleeding": "bleeding",
    "bleeding": "bleeding",
    "sudden_severe_pain": "severe_pain",
    "inflamed": "swelling",
    "swelling": "swelling",
    "infection_component": "infection",
    "infection_signs": "infection",
    "folliculitis": "infection",
    "impetigo": "infection",
    "spreading_component": "spreading",
    "psoriasis": "scaling",
    "eczema": "scaling",
    "seborrheic_dermatitis": "scaling",
    "dermatitis": "scaling",
    "persistent_scaling": "scaling",
    "seborrheic_description": "scaling",
    "psoriasis_description": "scaling",
    "scaly_patch": "scaling",
    "fungal_infection": "fungal",
    "fungal_description": "fungal",
    "alopecia": "patchy_loss",
    "patchy_hair_loss": "patchy_loss",
    "hair_loss_clumps": "patchy_loss",
    "sudden_hair_loss": "patchy_loss",
    "lupus": "scarring",
    "lichen_planopilaris": "scarring",
    "scarring": "scarring",
    "shingles": "blisters",
    "blisters": "blisters",
    "skin_cancer": "lump",
    "changing_mole": "lump",
    "lump": "lump",
    "rash": "redness",
    "persistent_redness": "redness",
    "spreading_redness": "redness",
    "scalp_burn": "redness",
    "open_wound": "non_healing",
    "non_healing_sore": "non_healing",
    "allergic_swelling": "allergic",
    **{r.name: "deficiency" for r in _RULES if r.kind == "nutrient"},
}

#: Signs that are urgent together, whether they come in one message or in several
#: (:mod:`scalpcare.screening` combines them across a conversation).
URGENT_COMBINATIONS: tuple[tuple[str, frozenset[str]], ...] = (
    ("fever_with_inflamed_scalp", frozenset({"fever", "swelling"})),
    ("fever_with_infection", frozenset({"fever", "infection"})),
    ("spreading_infection", frozenset({"infection", "spreading"})),
    ("head_injury_with_warning_sign", frozenset({"head_injury", "head_injury_warning"})),
    ("bleeding_head_injury", frozenset({"head_injury", "bleeding"})),
)


def urgent_combinations(signs: set[str] | frozenset[str]) -> list[str]:
    """Names of the urgent combinations the signs make (empty when none).

    Args:
        signs: Current signs (:data:`SIGN_OF` values and component names).

    Returns:
        Every combination whose signs are all present, in table order.
    """
    return [name for name, needed in URGENT_COMBINATIONS if needed <= signs]


#: Every condition name :func:`screen` can report.
CONDITIONS = (
    *(r.name for r in _RULES if r.kind != "component"),
    *(name for name, _ in URGENT_COMBINATIONS),
)
