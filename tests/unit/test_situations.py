"""Special situations (scalpcare/situations.py): which a message raises, as a table."""

from __future__ import annotations

import pytest

from scalpcare import situations
from scalpcare.situations import (
    Situation,
    defers_referral,
    detect,
    to_answer,
)

CRISIS, DISTRESS, CHEMO, LICE = (
    Situation.CRISIS,
    Situation.DISTRESS,
    Situation.CHEMO,
    Situation.LICE,
)
PREGNANCY, UNDER_CARE, MEDICINE, LANGUAGE = (
    Situation.PREGNANCY,
    Situation.UNDER_CARE,
    Situation.MEDICINE,
    Situation.OTHER_LANGUAGE,
)

CASES = [
    # Medicines, supplements, creams and doses: asked about, never advised.
    ("how much iron should I take", (MEDICINE,)),
    # Pregnancy in the words people use when it is new.
    ("just got a positive test!! 5 weeks, is retinol ok on my scalp", (PREGNANCY,)),
    ("finally got my BFP, can i still have a scalp facial", (PREGNANCY,)),
    # how far along, said of a partner, or "gone" (British) for that far in
    ("my partner is 30 weeks gone and wants a scalp massage with lavender oil", (PREGNANCY,)),
    ("my wife is 20 weeks, can she have a scalp facial", (PREGNANCY,)),
    ("my other half is 25 wks gone, is tea tree ok for her", (PREGNANCY,)),
    ("shes 7 months gone and her scalp is so itchy", (PREGNANCY,)),
    ("im 6 months along and shedding", (PREGNANCY,)),
    ("my daughter is 14 weeks and has cradle cap", ()),
    ("its been 2 months gone by and still itchy", ()),
    ("the itch is gone now", ()),
    ("my covid test was positive last month and my hair is falling out", ()),
    # Something else in place of a treatment is a question about the treatment.
    ("could we try neem oil on him rather than the nit lotion?", (MEDICINE,)),
    ("i wash with baby shampoo instead of the medicated one", (MEDICINE,)),
    ("can i book a facial instead of a massage", ()),
    ("i went to the salon instead of the gym", ()),
    ("should I take biotin, how many mcg", (MEDICINE,)),
    ("what cream should I put on it", (MEDICINE,)),
    ("is 5000 iu of vitamin d too much for hair", (MEDICINE,)),
    ("can i use my mums steroid lotion on the itchy bit", (MEDICINE,)),
    ("do zinc supplements help dandruff??", (MEDICINE,)),
    ("any vitamins u recommend for thinning", (MEDICINE,)),
    ("my gp gave me a medicated foam, how long should i use it for", (UNDER_CARE, MEDICINE)),
    ("can I still scrub the scales off", (MEDICINE,)),
    ("is it ok to use a scrub on the scales", (MEDICINE,)),
    ("is there a cream for it", (MEDICINE,)),
    ("is there a cream for it instead of tablets", (MEDICINE,)),
    ("my vitamin d was 20, should i be on a supplement", (MEDICINE,)),
    ("is the iron making my hair fall out", (MEDICINE,)),
    ("im on the pill, could that be causing it", (MEDICINE,)),
    ("how long before the iron tablets work on my hair", (MEDICINE,)),
    ("is it ok to exfoliate the flakes off with a brush", (MEDICINE,)),
    # ... and near misses that are not.
    ("can i use a flat iron on wet hair", ()),
    ("how much does the scalp facial cost", ()),
    ("what shampoo should I use for oily roots", ()),
    ("is it ok to use dandruff shampoo every day", ()),
    ("i don't take any supplements", ()),
    ("can i use a leave-in cream after the massage", ()),
    ("is there a price list", ()),
    ("could my shampoo be causing the flakes", ()),
    ("is the massage making it worse", ()),
    ("how long before i see results from the routine", ()),
    ("can i use my brush on wet hair", ()),
    # Chemotherapy and radiotherapy.
    ("I'm on chemo and my hair is falling out, can I have a scalp massage?", (CHEMO,)),
    ("starting radiotherapy next month, what should i do with my scalp", (CHEMO,)),
    ("finished chemotherapy in march and the regrowth is patchy", (CHEMO,)),
    ("my oncologist says my hair will come back", (CHEMO,)),
    # Pregnancy and breastfeeding (now), not a birth months ago.
    ("I'm pregnant, is tea tree oil safe on my scalp?", (PREGNANCY,)),
    ("22 weeks pregnant and my scalp itches, can i use peppermint", (PREGNANCY,)),
    ("still breastfeeding, is salicylic acid ok on the scalp", (PREGNANCY,)),
    ("I'm not pregnant, just asking about oils", ()),
    # "a no-no" is the idiom for something to avoid, not a denial.
    ("is tea tree oil on the scalp a no no when ur pregnant?", (PREGNANCY,)),
    ("is hair dye a no-no while breastfeeding", (PREGNANCY,)),
    ("no no, i'm not pregnant", ()),
    ("shedding loads since i had the baby in june", ()),
    # How far along, without the word "pregnant"; not weeks since a birth or into a treatment.
    ("im 14 wks, can i use peppermint oil", (PREGNANCY,)),
    ("just found out im 6 weeks, can i still get my roots done", (PREGNANCY,)),
    ("30 weeks along, is tea tree ok", (PREGNANCY,)),
    ("2nd tri and my scalp is so itchy", (PREGNANCY,)),
    ("baby is due in march, can i still get a facial", (PREGNANCY,)),
    ("im 6 weeks postpartum, can i dye my hair", ()),
    ("i'm 2 weeks in to the routine and no change", ()),
    ("ive been shedding for 6 weeks", ()),
    ("she's 5 weeks old and has cradle cap", ()),
    ("im expecting the results next week", ()),
    # Head lice.
    ("i think my daughter has lice", (LICE,)),
    ("found nits behind my sons ears", (LICE,)),
    ("something crawling in my hair and tiny white eggs stuck to it", (LICE,)),
    ("no lice, I checked twice", ()),
    # a negation's scope ends where a new clause is reported
    ("my colourist stopped halfway and told me i have lice", (LICE,)),
    ("no lice and she checked twice", ()),
    # Distress about hair, and a crisis.
    ("my thinning hair is making me so depressed, I don't want to leave the house", (DISTRESS,)),
    ("i cried in the shower again, so much hair coming out", (DISTRESS,)),
    ("so embarrassed about my bald patch, I wear a hat everywhere", (DISTRESS,)),
    ("honestly I just want to die, my hair is gone", (CRISIS, DISTRESS)),
    ("been thinking about ending my life since the hair loss", (CRISIS, DISTRESS)),
    ("honestly whats the point of living when i look like this", (CRISIS, DISTRESS)),
    ("my hair is gone and so is my will to go on", (CRISIS, DISTRESS)),
    ("i don't want to go out anymore because of my bald patch", (DISTRESS,)),
    ("I feel anxious if I skip it", ()),
    ("so should I stop the diet?", ()),
    ("I'm not depressed or anything, just curious about oils for my hair", ()),
    # Already diagnosed and treated.
    (
        "my dermatologist diagnosed seborrheic dermatitis and gave me a shampoo; "
        "can I still do a gentle scalp facial?",
        (UNDER_CARE,),
    ),
    ("I've been diagnosed with scalp psoriasis last year", (UNDER_CARE,)),
    ("i'm seeing a dermatologist for it already", (UNDER_CARE,)),
    ("should I see a dermatologist?", ()),
    ("i see a dermatologist for my alopecia, can i have a head massage", (UNDER_CARE,)),
    ("im getting treatment for psoriasis from the hospital, is the routine ok", (UNDER_CARE,)),
    ("should i see a dermatologist for this?", ()),
    # a prescription someone has, not a question whether one is needed
    ("her prescription foam stings", (UNDER_CARE,)),
    ("i have a prescription for ketoconazole", (UNDER_CARE,)),
    ("do i need a prescription shampoo or can i just get one off the shelf?", (MEDICINE,)),
    ("is it a prescription or over the counter thing", ()),
    ("should i be getting treatment for this", ()),
    # Another language.
    ("hola, tengo caspa y picor", (LANGUAGE,)),
    ("Bonjour, j'ai des pellicules", (LANGUAGE,)),
    ("сильный зуд кожи головы", (LANGUAGE,)),
    # Ordinary messages and commands.
    ("my scalp is oily and itchy", ()),
    ("", ()),
    ("/affirm", ()),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_detect(text: str, expected: tuple[Situation, ...]) -> None:
    """Each message raises exactly the expected situations, in answering order."""
    assert detect(text) == expected


def test_a_huge_message_is_read_quickly() -> None:
    """A 100 KB message costs no more than its first few thousand characters."""
    assert detect("itchy " * 20000 + "i think it's lice") == ()
    assert detect("i think it's lice " + "itchy " * 20000) == (LICE,)


def test_each_is_answered_once_except_questions() -> None:
    """Once answered, a situation is not repeated; a medicine question always is."""
    found = (CHEMO, MEDICINE)
    assert to_answer(found, ()) == found
    assert to_answer(found, ("chemo", "medicine")) == (MEDICINE,)
    assert to_answer((CRISIS, DISTRESS), ("crisis", "distress")) == (CRISIS,)


@pytest.mark.parametrize(
    ("text", "found", "answered", "expected"),
    [
        # a question about treating lice once lice were answered: the lice reminder's
        ("whats the best stuff to get rid of them for good", (MEDICINE,), ("lice",), ()),
        ("which lotion should i buy for her?", (MEDICINE,), ("lice",), ()),
        ("is there a stronger shampoo we can get for resistant ones", (MEDICINE,), ("lice",), ()),
        ("do i have to repeat the treatment after a week?", (LICE, MEDICINE), ("lice",), ()),
        # another medicine question, or no lice answered: the medicine answer
        ("how much biotin should i take a day", (MEDICINE,), ("lice",), (MEDICINE,)),
        ("which lotion should i buy for her?", (MEDICINE,), ("pregnancy",), (MEDICINE,)),
        ("which lotion should i buy for her?", (MEDICINE,), (), (MEDICINE,)),
        # with another situation still to answer, nothing is dropped
        (
            "im pregnant, which lice lotion is ok?",
            (PREGNANCY, MEDICINE),
            ("lice",),
            (PREGNANCY, MEDICINE),
        ),
    ],
)
def test_a_lice_treatment_question_after_lice_is_the_reminders(
    text: str,
    found: tuple[Situation, ...],
    answered: tuple[str, ...],
    expected: tuple[Situation, ...],
) -> None:
    """After the lice answer, treating lice is the pharmacist's or GP's (the reminder)."""
    assert to_answer(found, answered, text) == expected


@pytest.mark.parametrize(
    ("found", "answered", "expected"),
    [
        ((CHEMO,), (), True),
        ((UNDER_CARE,), (), True),
        ((), ("chemo",), True),  # said earlier in the conversation
        ((), ("under_care", "medicine"), True),
        ((PREGNANCY,), (), False),
        ((), ("pregnancy", "lice"), False),
        ((), (), False),
    ],
)
def test_defers_referral(
    found: tuple[Situation, ...], answered: tuple[str, ...], expected: bool
) -> None:
    """Chemotherapy and a diagnosis under care: their team, not a new referral."""
    assert defers_referral(found, answered) is expected


def test_every_situation_has_a_reply_in_the_domain(domain) -> None:
    """Each situation's answer is a response of the real domain."""
    for situation in Situation:
        assert situation.response in domain["responses"]


#: Training examples that rightly raise a situation (or are known, harmless extras).
EXPECTED_IN_TRAINING_DATA = {
    "losing hair at the front and it's getting me down": (DISTRESS,),
    "what cream is good for cracked heels": (MEDICINE,),  # out of scope either way
    "should i put vitamin e oil from capsules on my scalp": (MEDICINE,),  # FAQ would do too
}


def test_ordinary_training_examples_raise_no_situation() -> None:
    """The intents' own examples (greetings, scalp descriptions, FAQ questions, bookings)
    get their usual answer: none raises a situation except the few listed."""
    import re
    from pathlib import Path

    import yaml

    found = {}
    for path in sorted((Path(__file__).resolve().parents[2] / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf8"))["nlu"]:
            for line in str(block.get("examples") or "").splitlines():
                text = re.sub(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})", r"\1", line.strip()[2:])
                if detect(text):
                    found[text] = detect(text)
    assert found == EXPECTED_IN_TRAINING_DATA


@pytest.mark.parametrize(
    ("text", "stored", "level", "expected"),
    [
        # the model's guess of lice beside a dermatologist referral: the referral answers
        ("my daughter has a round bald patch on her head", ["lice"], "dermatologist", ()),
        # without a referral the guess stands; lice said in words always stands
        ("my daughter keeps scratching her head", ["lice"], "none", ("lice",)),
        ("she has nits and an oozing sore behind her ear", ["lice"], "urgent", ("lice",)),
        (
            "my daughter has a round bald patch",
            ["lice", "distress"],
            "dermatologist",
            ("distress",),
        ),
    ],
)
def test_a_referral_answers_beside_the_models_guess_of_lice(
    text: str, stored: list[str], level: str, expected: tuple[str, ...]
) -> None:
    from scalpcare import triage

    parse = {situations.PARSE_PROPERTY: stored, triage.PARSE_PROPERTY: {"level": level}}
    assert tuple(s.value for s in situations.from_parse(parse, text)) == expected
    assert situations.TRIAGE_PROPERTY == triage.PARSE_PROPERTY


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("im 14 weeks, is it ok to get my hair coloured now?", True),
        ("would highlights be safer than all over dye?", True),
        ("can i have my roots done while breastfeeding", True),
        ("is henna ok?", True),
        ("is a scalp massage ok in the third trimester?", False),
        ("what colour of flakes is normal", False),
        ("is tea tree ok?", False),
        ("what about a wash in wash out rinse", True),
        ("would a semi-permanent be gentler", True),
    ],
)
def test_asks_about_colour(text: str, asks: bool) -> None:
    """Colour, bleach or perms asked about: the pregnancy answer gets a line for it."""
    assert situations.asks_about_colour(text) is asks
