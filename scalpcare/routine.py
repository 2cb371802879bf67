"""The at-home scalp facial: a pure routine builder (the habits it reads: scalpcare.habits).

Everything here is plain Python (no Rasa imports) so the content rules of
docs/content-rules.md can be tested as tables. The routine follows seed 002's order
(exfoliate, clarify, serum, massage, cool rinse) and adapts each step to the
profile. Safety is not decided here: the triage module sets the referral and
the massage-limit module sets ``massage_minutes``; this module only obeys them
(a dermatologist or urgent referral withholds the routine, a limit of 0 pauses
the massage step).

Every word a client reads is a response in ``domain.yml`` (``utter_routine_*``): the
steps, notes and the rendered routine are phrases (:mod:`scalpcare.phrases`) that the
action server words, so staff can reword the routine without touching this module.

Content rules that every output must respect: no brand names, no diagnosis,
no prescription, no promise of hair growth (the routine "supports" a healthy
scalp), and limits that say which context they are for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scalpcare.contract import Referral
from scalpcare.habits import (
    GOAL_GROWTH_SUPPORT,
    GOAL_RELAXATION,
    PRODUCT_VALUES,
    WASH_DAILY,
)
from scalpcare.phrases import (
    LIST_ITEM,
    Capitalised,
    Phrase,
    Value,
    and_list,
    joined,
    lines,
    phrase,
)
from scalpcare.scalp_facts import Profile

# Step kinds, so callers and tests can find a step without matching its wording.
STEP_EXFOLIATE = "exfoliate"
STEP_CLEANSE = "cleanse"
STEP_SERUM = "serum"
STEP_MASSAGE = "massage"
STEP_RINSE = "rinse"

#: Daily self-massage for scalp health: 5-10 minutes (seed 002, docs/content-rules.md).
SELF_MASSAGE_MAX_MINUTES = 10.0
#: Ceiling when the routine must be gentle (deficiency, shedding, sensitivity).
GENTLE_MASSAGE_MAX_MINUTES = 5.0


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of the routine.

    Attributes:
        title: A few words, e.g. "Exfoliate damp hair" (a phrase).
        detail: One or two short sentences (a phrase).
        kind: One of the ``STEP_*`` constants.
    """

    title: Value
    detail: Value
    kind: str = ""


@dataclass(frozen=True)
class Routine:
    """A routine ready to render; its texts are phrases worded by ``domain.yml``.

    Attributes:
        steps: The steps, in the order they are done.
        frequency: How often, with the context each limit is for ("" for none).
        expectations: What to expect, honestly ("" for none).
        notes: Short warnings and adaptations, most important first.
        withheld: True when a referral stands and the full routine is withheld.
        withheld_reason: Why it is withheld ("" when not withheld).
        massage_minutes: The self-massage ceiling used in the massage step;
            0 when the massage is paused or withheld.
    """

    steps: tuple[Step, ...]
    frequency: Value
    expectations: Value
    notes: tuple[Value, ...] = ()
    withheld: bool = False
    withheld_reason: Value = ""
    massage_minutes: float = 0.0


# --------------------------------------------------------------------------
# Routine
# --------------------------------------------------------------------------

# Serum ingredients in seed 002's order, each with what it is for.
_HYALURONIC = phrase("utter_routine_ingredient_hyaluronic_acid")
_PEPTIDES = phrase("utter_routine_ingredient_peptides")
_TEA_TREE_PEPPERMINT = phrase("utter_routine_ingredient_tea_tree_peppermint")
_VITAMIN_E = phrase("utter_routine_ingredient_vitamin_e")
_JOJOBA_SQUALANE = phrase("utter_routine_ingredient_jojoba_squalane")
_INGREDIENT_ORDER = (_HYALURONIC, _PEPTIDES, _TEA_TREE_PEPPERMINT, _VITAMIN_E, _JOJOBA_SQUALANE)
# Three is enough to choose from on a phone; more reads like a shopping list.
_MAX_INGREDIENTS = 3

_PRODUCT_NAMES = {
    "dry_shampoo": phrase("utter_routine_product_dry_shampoo"),
    "hairspray": phrase("utter_routine_product_hairspray"),
    "oils": phrase("utter_routine_product_oils"),
    "styling": phrase("utter_routine_product_styling"),
}
#: Products named by a plural noun ("oils build up", "styling products build up").
_PLURAL_PRODUCTS = frozenset({"oils", "styling"})


def _massage_length(minutes: float | None) -> Phrase:
    if minutes is None:
        return phrase("utter_routine_massage_length_default")
    return phrase("utter_routine_massage_length_up_to", minutes=float(minutes))


def _effective_massage_minutes(profile: Profile, massage_minutes: float | None) -> float | None:
    """The massage ceiling for this routine; ``None`` means the default 5-10 min.

    The safety module's limit can only shorten the massage: the routine never
    goes above 10 minutes (daily self-massage), nor above 5 when it must be
    gentle (docs/content-rules.md, "Massage limits").
    """
    ceiling = GENTLE_MASSAGE_MAX_MINUTES if _needs_gentle(profile) else SELF_MASSAGE_MAX_MINUTES
    if massage_minutes is None or math.isnan(massage_minutes):
        return None if ceiling == SELF_MASSAGE_MAX_MINUTES else ceiling
    if massage_minutes <= 0:
        return 0.0
    return min(float(massage_minutes), ceiling)


def _needs_gentle(profile: Profile) -> bool:
    """Deficiency, shedding, or a sensitive scalp: shorter, gentler massage."""
    return bool(
        profile.nutrient_deficiency
        or "shedding" in profile.concerns
        or profile.sensitive
        or profile.referral is Referral.DOCTOR
    )


def _is_oily(profile: Profile) -> bool:
    return profile.scalp_type == "oily" or "oiliness" in profile.concerns


def _is_dry(profile: Profile) -> bool:
    return profile.scalp_type == "dry" or "dryness" in profile.concerns


def _has_buildup(profile: Profile) -> bool:
    return "buildup" in profile.concerns or bool(profile.buildup_products)


def _uses_chemical_exfoliant(profile: Profile) -> bool:
    """Chemical exfoliants are the choice for a sensitive or irritated scalp (seed 002).

    A gentle routine (deficiency, shedding) avoids scrubbing for the same reason.
    """
    return bool(
        profile.sensitive
        or "itch" in profile.concerns
        or "shedding" in profile.concerns
        or profile.nutrient_deficiency
    )


def _exfoliate_step(profile: Profile) -> Step:
    if profile.pregnant:
        # Salicylic acid is one of the actives to check with the midwife or doctor first.
        what = (
            phrase("utter_routine_exfoliant_enzymes_pregnancy")
            if _uses_chemical_exfoliant(profile)
            else phrase("utter_routine_exfoliant_scrub_or_enzymes_pregnancy")
        )
    elif _uses_chemical_exfoliant(profile):
        what = phrase("utter_routine_exfoliant_chemical")
    else:
        what = phrase("utter_routine_exfoliant_scrub_or_chemical")
    if _has_buildup(profile):
        how = phrase("utter_routine_exfoliate_how_buildup")
    elif "flaking" in profile.concerns:
        how = phrase("utter_routine_exfoliate_how_flaking")
    else:
        how = phrase("utter_routine_exfoliate_how")
    return Step(
        phrase("utter_routine_exfoliate_title"),
        phrase("utter_routine_exfoliate_detail", exfoliant=what, how=how),
        STEP_EXFOLIATE,
    )


def _cleanse_step(profile: Profile) -> Step:
    # Dry scalps get a gentler clarifier (seed 002: harsh clarifiers strip
    # moisture); buildup needs the rinse to be thorough whatever the type.
    product = (
        phrase("utter_routine_clarifier_gentle")
        if _is_dry(profile)
        else phrase("utter_routine_clarifier")
    )
    if _has_buildup(profile):
        rest = phrase("utter_routine_clarify_how_buildup")
    elif _is_dry(profile):
        rest = phrase("utter_routine_clarify_how_dry")
    else:
        rest = phrase("utter_routine_clarify_how")
    return Step(
        phrase("utter_routine_clarify_title"),
        phrase("utter_routine_clarify_detail", cleanser=product, how=rest),
        STEP_CLEANSE,
    )


def _ingredients(profile: Profile) -> list[Phrase]:
    """Pick up to three serum ingredients, most pressing need first."""
    wanted: list[Phrase] = []
    if "itch" in profile.concerns:
        wanted.append(_TEA_TREE_PEPPERMINT)
    if _is_dry(profile):
        wanted += [_HYALURONIC, _JOJOBA_SQUALANE]
    if "flaking" in profile.concerns:
        wanted.append(_HYALURONIC)
    if profile.scalp_type == "combination":
        wanted.append(_JOJOBA_SQUALANE)
    if {"shedding", "breakage"} & profile.concerns or profile.goal == GOAL_GROWTH_SUPPORT:
        wanted += [_PEPTIDES, _VITAMIN_E]
    if (profile.goal == GOAL_RELAXATION or "tension" in profile.concerns) and not profile.sensitive:
        wanted.append(_TEA_TREE_PEPPERMINT)  # the cooling feel suits a relaxing session
    wanted += [_PEPTIDES, _VITAMIN_E]  # sensible for any scalp
    if profile.pregnant:
        # Essential oils wait for the midwife's or doctor's word (a note says so).
        wanted = [_HYALURONIC if item is _TEA_TREE_PEPPERMINT else item for item in wanted]
    chosen: list[Phrase] = []
    for item in wanted:
        if item not in chosen:
            chosen.append(item)
    return sorted(chosen[:_MAX_INGREDIENTS], key=_INGREDIENT_ORDER.index)


def _serum_step(profile: Profile) -> Step:
    ingredients = _ingredients(profile)
    # The list starts a sentence, whichever ingredient comes first.
    detail = phrase(
        "utter_routine_serum_ingredients", ingredients=Capitalised(joined(ingredients, "; "))
    )
    extras = []
    # Jojoba and squalane are already light, so the reminder is only needed without them.
    if _is_oily(profile) and not _is_dry(profile) and _JOJOBA_SQUALANE not in ingredients:
        extras.append(phrase("utter_routine_serum_keep_light"))
    if profile.sensitive:
        if _TEA_TREE_PEPPERMINT in ingredients:
            extras.append(phrase("utter_routine_serum_patch_test_peppermint"))
        else:
            extras.append(phrase("utter_routine_serum_patch_test"))
    return Step(phrase("utter_routine_serum_title"), joined([detail, *extras]), STEP_SERUM)


def _massage_step(profile: Profile, minutes: float | None) -> Step:
    detail: list[Value] = [phrase("utter_routine_massage_how")]
    if "shedding" in profile.concerns or profile.nutrient_deficiency:
        detail.append(phrase("utter_routine_massage_light_touch"))
    elif "tension" in profile.concerns or profile.goal == GOAL_RELAXATION:
        detail.append(phrase("utter_routine_massage_linger"))
    return Step(
        phrase("utter_routine_massage_title", length=_massage_length(minutes)),
        joined(detail),
        STEP_MASSAGE,
    )


def _rinse_step() -> Step:
    return Step(
        phrase("utter_routine_rinse_title"), phrase("utter_routine_rinse_detail"), STEP_RINSE
    )


def _frequency(profile: Profile, minutes: float | None) -> Value:
    # Dry, sensitive or fragile scalps get more time between sessions.
    full = (
        phrase("utter_routine_frequency_every_two_weeks")
        if _is_dry(profile) or _needs_gentle(profile)
        else phrase("utter_routine_frequency_weekly")
    )
    if minutes == 0:
        return joined([full, phrase("utter_routine_frequency_massage_paused")])
    massage = phrase("utter_routine_frequency_massage", length=_massage_length(minutes))
    return joined([full, massage])


def _expectations(profile: Profile) -> Value:
    base = phrase("utter_routine_expect_gradual")
    if "shedding" in profile.concerns or profile.goal == GOAL_GROWTH_SUPPORT:
        return joined([base, phrase("utter_routine_expect_not_a_fix")])
    if profile.goal == GOAL_RELAXATION or "tension" in profile.concerns:
        return joined([base, phrase("utter_routine_expect_calmer")])
    return base


def _notes(profile: Profile, minutes: float | None) -> list[Value]:
    notes: list[Value] = []
    # Safety-related notes first, so they are read first.
    if profile.pregnant:
        notes.append(phrase("utter_routine_note_pregnancy"))
    if minutes == 0:
        notes.append(phrase("utter_routine_note_massage_paused"))
    if profile.nutrient_deficiency or profile.referral is Referral.DOCTOR:
        notes.append(phrase("utter_routine_note_nutrition"))
    if "shedding" in profile.concerns:
        notes.append(phrase("utter_routine_note_not_a_rescue"))
    if _is_oily(profile):
        if profile.wash_frequency == WASH_DAILY:
            notes.append(phrase("utter_routine_note_oily_washed_daily"))
        else:
            notes.append(phrase("utter_routine_note_oily"))
    if profile.buildup_products:
        keys = [p for p in PRODUCT_VALUES if p in profile.buildup_products]
        names = Capitalised(and_list([_PRODUCT_NAMES[p] for p in keys], ""))
        if len(keys) == 1 and keys[0] not in _PLURAL_PRODUCTS:
            notes.append(phrase("utter_routine_note_product_builds_up", products=names))
        else:
            notes.append(phrase("utter_routine_note_products_build_up", products=names))
    if "tension" in profile.concerns and minutes != 0:
        notes.append(phrase("utter_routine_note_tension"))
    if "breakage" in profile.concerns:
        notes.append(phrase("utter_routine_note_breakage"))
    if profile.goal == GOAL_RELAXATION:
        notes.append(phrase("utter_routine_note_salon_massage"))
    return notes


def _withheld(profile: Profile) -> Routine:
    if profile.referral is Referral.URGENT:
        return Routine(
            steps=(),
            frequency="",
            expectations="",
            notes=(),
            withheld=True,
            withheld_reason=phrase("utter_routine_withheld_urgent"),
        )
    steps = (
        Step(
            phrase("utter_routine_gentle_cleanse_title"),
            phrase("utter_routine_gentle_cleanse_detail"),
            STEP_CLEANSE,
        ),
        Step(
            phrase("utter_routine_rinse_title"),
            phrase("utter_routine_gentle_rinse_detail"),
            STEP_RINSE,
        ),
    )
    return Routine(
        steps=steps,
        frequency=phrase("utter_routine_withheld_frequency"),
        expectations=phrase("utter_routine_withheld_expectations"),
        notes=(phrase("utter_routine_note_inflamed_skin"),),
        withheld=True,
        withheld_reason=phrase("utter_routine_withheld_dermatologist"),
    )


def build_routine(profile: Profile, massage_minutes: float | None = None) -> Routine:
    """Build the at-home scalp facial for a profile (seed 002, adapted).

    Args:
        profile: What the user told us.
        massage_minutes: The self-massage limit from the safety module.
            ``None`` uses the default (5-10 min, or 5 when the routine must be
            gentle); a positive value shortens the massage (it never lengthens
            it past those ceilings); 0 or less pauses it and drops the step.

    Returns:
        The routine. With a dermatologist referral it is withheld and only
        gentle cleansing remains; with an urgent referral it has no steps.
    """
    if profile.referral in (Referral.DERMATOLOGIST, Referral.URGENT):
        return _withheld(profile)
    minutes = _effective_massage_minutes(profile, massage_minutes)
    steps = [_exfoliate_step(profile), _cleanse_step(profile), _serum_step(profile)]
    if minutes != 0:
        steps.append(_massage_step(profile, minutes))
    steps.append(_rinse_step())
    return Routine(
        steps=tuple(steps),
        frequency=_frequency(profile, minutes),
        expectations=_expectations(profile),
        notes=tuple(_notes(profile, minutes)),
        massage_minutes=SELF_MASSAGE_MAX_MINUTES if minutes is None else minutes,
    )


def render(routine: Routine) -> Value:
    """Render a routine as short, scannable lines for a phone screen.

    Args:
        routine: A routine from ``build_routine``.

    Returns:
        The routine as a phrase, one line each (worded by ``domain.yml``): the reason
        when withheld, numbered steps, "How often:", "What to expect:" and short notes.
    """
    parts: list[Value] = []
    if routine.withheld:
        parts.append(routine.withheld_reason)
        if routine.steps:
            parts.append(phrase("utter_routine_for_now"))
    else:
        parts.append(phrase("utter_routine_intro"))
    for number, step in enumerate(routine.steps, start=1):
        parts.append(
            phrase("utter_routine_step", number=number, title=step.title, detail=step.detail)
        )
    if routine.frequency:
        parts.append(phrase("utter_routine_how_often", frequency=routine.frequency))
    if routine.expectations:
        parts.append(phrase("utter_routine_what_to_expect", expectations=routine.expectations))
    parts.extend(phrase(LIST_ITEM, item=note) for note in routine.notes)
    return lines(parts)
