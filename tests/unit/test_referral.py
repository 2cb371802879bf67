"""Referral replies and the appointment summary (pure), as tables, worded by domain.yml."""

from __future__ import annotations

import pytest

from scalpcare import referral
from scalpcare.contract import Referral
from scalpcare.phrases import AND, Phrase, Value, names
from tests.replies import rendered, response_text, responses

N, C, D, U = Referral.NONE, Referral.DOCTOR, Referral.DERMATOLOGIST, Referral.URGENT

# new level, previous level -> which response answers
MESSAGE_CASES = [
    (U, N, referral.URGENT),
    (U, C, referral.URGENT),
    (U, D, referral.URGENT),
    (U, U, referral.URGENT),
    (D, N, referral.DERMATOLOGIST),
    (D, C, referral.DERMATOLOGIST),
    (D, D, referral.ALREADY),
    (D, U, referral.ALREADY),
    (C, N, referral.DOCTOR),
    (C, C, referral.DOCTOR),
    (C, D, referral.DOCTOR_WHILE_REFERRED),
    (C, U, referral.DOCTOR_WHILE_REFERRED),
]


@pytest.mark.parametrize(("new", "previous", "template"), MESSAGE_CASES)
def test_referral_message_template(new: Referral, previous: Referral, template: str) -> None:
    """Each combination of levels gets its response, quoting the user's words."""
    message = referral.referral_message(new, ["silvery scales"], previous)
    assert names(message)[0] == template
    text = rendered(message)
    head = response_text(template).split("{")[0]
    assert text.startswith(head)
    assert '"silvery scales"' in text


def test_no_message_without_a_finding() -> None:
    """Level none has nothing to say."""
    assert referral.referral_message(N, []) == ""


@pytest.mark.parametrize(
    ("described", "quoted"),
    [
        (["pus"], '"pus"'),
        (["pus", " Pus. "], '"pus"'),
        (["pus", "fever"], '"pus" and "fever"'),
        (["a", "b", "c", "d"], '"a", "b" and "c"'),
    ],
)
def test_quotes_the_users_words(described: list[str], quoted: str) -> None:
    """Findings are quoted once each, at most three."""
    assert f"({quoted})" in rendered(referral.referral_message(U, described))


def test_nothing_to_quote_leaves_the_parenthesis_out() -> None:
    """A finding without words (the learned model's) is not quoted as "what you mentioned"."""
    urgent = rendered(referral.referral_message(U, []))
    assert urgent.startswith("What you describe needs medical care now.")
    reminder = rendered(referral.referral_message(D, [], D))
    assert reminder.startswith("As I said, please have what you describe looked at")


def test_urgent_gives_no_routine_and_dermatologist_says_what_to_avoid() -> None:
    """Urgent: care now, no routine; dermatologist: not treatment, what to avoid, summary."""
    urgent = rendered(referral.referral_message(U, ["fever"])).lower()
    assert "now" in urgent and "won't suggest any routine" in urgent
    derm = rendered(referral.referral_message(D, ["silvery scales"])).lower()
    assert "not treatment" in derm
    assert "no exfoliating" in derm and "no massage on inflamed or broken skin" in derm
    assert derm.rstrip().endswith("summary to take to your appointment?")


def test_doctor_message_is_honest_about_nutrition() -> None:
    """Massage cannot create nutrients; a doctor and blood tests; no supplement."""
    text = rendered(referral.referral_message(C, ["vegan"])).lower()
    assert "can't create nutrients or replace nutrition" in text
    assert "blood test" in text and "doctor" in text
    assert "can't recommend supplements" in text


@pytest.mark.parametrize(
    ("previous", "about", "person"), [(N, "self", ""), (D, "self", ""), (N, "other", "wife")]
)
def test_doctor_message_does_not_name_the_deficiency_twice(
    previous: Referral, about: str, person: str
) -> None:
    """The model's deficiency finding (no words to quote) is what the reply already says."""
    deficiency = referral.SIGN_WORDS["deficiency"]
    text = rendered(
        referral.referral_message(C, [], previous, plain=[deficiency], about=about, person=person)
    )
    assert text.count("low iron, protein or vitamins") == 1
    assert "(" not in text.split(".")[0]
    quoted = rendered(referral.referral_message(C, ["vegan"], previous, plain=[deficiency]))
    assert '("vegan")' in quoted and quoted.count("low iron, protein or vitamins") == 1


@pytest.mark.parametrize(
    ("level", "nutrient", "has_note"),
    [(D, ["vegan"], True), (D, [], False), (U, ["vegan"], False), (C, ["vegan"], False)],
)
def test_triage_reply_adds_the_nutrient_note(
    level: Referral, nutrient: list[str], has_note: bool
) -> None:
    """A dermatologist referral also mentions the nutrient context of the same message."""
    text = rendered(referral.triage_reply(level, ["x"], N, nutrient))
    assert ("You also mention" in text) is has_note


@pytest.mark.parametrize(
    ("nutrient", "about", "person", "previous", "iron", "doctor"),
    [
        (True, "self", "", N, True, True),  # the rules' doctor findings: nutrient context
        (False, "self", "", N, False, True),  # the model's doctor call without one
        (True, "care", "daughter", N, True, True),
        (False, "care", "daughter", N, False, True),
        (False, "self", "", D, False, False),  # a dermatologist stands: its reminder
    ],
)
def test_a_doctor_referral_names_nutrients_only_for_nutrient_context(
    nutrient: bool, about: str, person: str, previous: Referral, iron: bool, doctor: bool
) -> None:
    """Iron and vitamins are named only when the doctor's matter is nutrient context."""
    text = rendered(
        referral.referral_message(C, [], previous, about=about, person=person, nutrient=nutrient)
    )
    assert ("low iron" in text) is iron
    assert ("worth showing a doctor" in text) is (doctor and not iron)
    if person:
        assert person in text


SUMMARY_CASES = [
    (
        ["my scalp has silvery scales for 3 months", "i tried a tea tree shampoo"],
        ["silvery scales"],
        ("silvery scales",),
        ("for 3 months",),
        ("a tea tree shampoo",),
    ),
    (
        ["round bald patch since last summer, used coconut oil. nothing helps"],
        ["round bald patch"],
        ("round bald patch",),
        ("since last summer",),
        ("coconut oil",),
    ),
    (["hello"], [], (), (), ()),
    (
        ["crusty and bleeding on and off for like 3 months", "started 2 weeks ago on the side"],
        ["crusty and bleeding"],
        ("crusty and bleeding",),
        # "on and off" is part of how long (issue 19)
        ("on and off for like 3 months", "2 weeks ago"),
        (),
    ),
    (["it's been the past few months, i have 2 kids"], [], (), ("the past few months",), ()),
    # How people give a duration in passing.
    (["a scab that won't heal, its been like 6 weeks"], [], (), ("its been like 6 weeks",), ()),
    (
        ["it flares every winter, this is the 3rd winter now"],
        [],
        (),
        ("every winter", "3rd winter now"),
        (),
    ),
    (
        ["it's been there for a few weeks", "For a few weeks now"],
        ["sore that won't heal"],
        ("sore that won't heal",),
        ("for a few weeks",),
        (),
    ),
]


@pytest.mark.parametrize(("messages", "findings", "described", "durations", "tried"), SUMMARY_CASES)
def test_build_summary(
    messages: list[str],
    findings: list[str],
    described: tuple[str, ...],
    durations: tuple[str, ...],
    tried: tuple[str, ...],
) -> None:
    """What, how long and what was tried come from the user's own words."""
    summary = referral.build_summary(messages, findings, D)
    assert summary.described == described
    assert summary.durations == durations
    assert summary.tried == tried


def test_summary_render() -> None:
    """The rendered summary has the three parts and who to see, never a diagnosis."""
    text = rendered(referral.build_summary(["flaky for 2 weeks"], ["flaky"], D).render())
    assert text.splitlines() == [
        "Summary for your appointment (in your own words):",
        "- What I noticed: flaky",
        "- How long: for 2 weeks",
        "- What I've tried: not said",
        "- Suggested by the salon's assistant: see a dermatologist.",
        "You can copy this or take a screenshot.",
    ]
    empty = rendered(referral.build_summary([], [], N).render())
    assert "not described" in empty and "Suggested" not in empty


@pytest.mark.parametrize(
    ("spans", "phrases"),
    [
        ([(15, 25, "seborrheic"), (26, 36, "dermatitis")], ["seborrheic dermatitis"]),
        (
            [
                (27, 37, "bald patch"),
                (0, 20, "thick silvery scales"),
                (32, 54, "patch that's spreading"),
            ],
            ["thick silvery scales", "bald patch that's spreading"],
        ),
        ([(5, 10, "scaly"), (6, 8, "ca")], ["scaly"]),
        ([(0, 4, "pus,"), (10, 15, "fever")], ["pus,", "fever"]),
        ([], []),
    ],
)
def test_join_adjacent(spans: list[tuple[int, int, str]], phrases: list[str]) -> None:
    """Findings side by side are quoted as one phrase, never as fragments."""
    assert referral.join_adjacent(spans) == phrases


@pytest.mark.parametrize(
    ("message", "where", "how_long"),
    [
        (
            "a bald patch on the back of my head about 2 weeks ago",
            "on the back of my head",
            "about 2 weeks ago",
        ),
        # A side named, a number in words, a month the client noticed it in.
        (
            "a patch gone on the left side of my scalp, it started about two months ago",
            "on the left side of my scalp",
            "about two months ago",
        ),
        (
            "a red scaly patch towards the back of my head for 4 or 5 months",
            "towards the back of my head",
            "for 4 or 5 months",
        ),
        (
            "a sore near the crown, i first noticed it in june",
            "near the crown",
            "noticed it in june",
        ),
        (
            "a scaly rash behind my right ear thats been there about 6 weeks",
            "behind my right ear",
            "been there about 6 weeks",
        ),
        (
            "for some years now I have had greasy scales along my hairline and behind my ears",
            "along my hairline; behind my ears",
            "for some years",
        ),
        (
            "since just before christmas my scalp has thick plaques",
            None,
            "since just before christmas",
        ),
        ("sores at the crown since last summer", "at the crown", "since last summer"),
    ],
)
def test_the_summary_keeps_where_and_how_long(
    message: str, where: str | None, how_long: str
) -> None:
    """The user's own words for the place and the time are in the summary."""
    text = rendered(referral.build_summary([message], ["sores"], Referral.DERMATOLOGIST).render())
    assert f"- How long: {how_long}" in text.replace("For some", "for some")
    assert (f"- Where: {where}" in text) if where else ("- Where:" not in text)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            referral.referral_message(D, ["pus"]),
            [referral.DERMATOLOGIST, referral.FINDING, referral.SUMMARY_OFFER],
        ),
        (referral.referral_message(U, []), [referral.URGENT]),
        (
            referral.referral_message(D, ["x"], U),
            [referral.ALREADY, "utter_referral_who_urgent"],
        ),
        (
            referral.referral_message(D, [], D),
            [referral.ALREADY, referral.WHAT_YOU_DESCRIBE, "utter_referral_who_dermatologist"],
        ),
        (
            referral.referral_message(D, ["x"], about="care", person="son"),
            [
                referral.DERMATOLOGIST_OTHER,
                referral.FINDING,
                "utter_referral_who_child",
                referral.SUMMARY_OFFER_OTHER,
            ],
        ),
        (
            referral.referral_message(C, ["a", "b"], about="other", person="wife"),
            [referral.DOCTOR_OTHER, referral.FINDING, AND],
        ),
        (
            referral.triage_reply(D, ["x"], N, ["vegan"]),
            [referral.DERMATOLOGIST, referral.FINDING, referral.SUMMARY_OFFER],
        ),
        (
            referral.combined_message(["fever"], ["infection"]),
            [referral.URGENT_COMBINED, "utter_sign_fever", "utter_sign_infection"],
        ),
    ],
)
def test_replies_are_named_responses(message: Value, expected: list[str]) -> None:
    """Each reply is made of the domain's responses (the client's words are plain values)."""
    found = names(message)
    assert found[: len(expected)] == expected
    assert set(found) <= set(responses())


def test_the_clients_words_stay_plain_values() -> None:
    """Quoted words are filled in as they are, never looked up as a response."""
    message = referral.referral_message(U, ["pus {x}"], about="other", person="son {y}")
    assert isinstance(message, Phrase)
    assert message.get("person") == "son {y}"
    finding = message.get("finding")
    assert isinstance(finding, Phrase) and finding.get("what") == '"pus {x}"'
    assert rendered(message).startswith('What you describe for your son {y} ("pus {x}") needs')


@pytest.mark.parametrize("sign", sorted(referral.SIGN_WORDS))
def test_every_sign_has_plain_words_in_the_domain(sign: str) -> None:
    """A sign's plain words are a response: reworded in domain.yml, never a diagnosis."""
    words = rendered(referral.sign_words([sign]))
    assert words and "{" not in words
    assert rendered(referral.SIGN_WORDS[sign]) == words


@pytest.mark.parametrize(
    ("signs", "words"),
    [
        ([], "what you mentioned"),
        (["fever"], "a fever"),
        (["fever", "infection", "fever"], "a fever and pus or an oozing sore"),
        (["bleeding", "lump", "new_sign"], "bleeding, a lump or a changing mole and new sign"),
    ],
)
def test_sign_words_joins_with_and(signs: list[str], words: str) -> None:
    """Signs are listed once each, the last two joined by the domain's "and"."""
    assert rendered(referral.sign_words(signs)) == words


def test_the_summary_words_its_concerns_and_who_to_see() -> None:
    """Concerns and the professional are the domain's words; unknown concerns stay as they are."""
    summary = referral.Summary(("a", "b"), (), ("oil",), U, ("dryness", "new"), ("x", "y"))
    assert rendered(summary.render()).splitlines() == [
        "Summary for your appointment (in your own words):",
        "- What I noticed: a; b",
        "- Also bothering me: dryness or tightness, new",
        "- Where: x; y",
        "- How long: not said",
        "- What I've tried: oil",
        "- Suggested by the salon's assistant: see a doctor or urgent care today.",
        "You can copy this or take a screenshot.",
    ]


@pytest.mark.parametrize(
    ("message", "place"),
    [
        ("its creeping down the back of my neck", "down the back of my neck"),
        ("a sore on the crown", "on the crown"),
        ("scales up into my hairline", "into my hairline"),
    ],
)
def test_the_summary_says_where(message: str, place: str) -> None:
    assert referral.build_summary([message], ["x"], D).places == (place,)


@pytest.mark.parametrize(
    ("messages", "age"),
    [
        (["hi im 34 and my scalp is flaky"], "34"),
        (["I'm 52, menopause maybe?"], "52"),
        (["(28F) thinning at the crown"], "28"),
        (["34 year old woman here, itchy scalp"], "34"),
        (["i'm 12 weeks pregnant and itchy"], ""),
        (["im 5 days into the new shampoo"], ""),
        (["i'm 30 minutes from the salon"], ""),
        (["my son is 7"], ""),
    ],
)
def test_the_summary_keeps_the_clients_age(messages: list[str], age: str) -> None:
    """The client's own age, never a number of weeks, days or minutes, nor another's age."""
    assert referral.own_age(messages) == age


@pytest.mark.parametrize(
    ("messages", "person", "age"),
    [
        (["my 7 year old son has a round bald patch"], "son", "7"),
        (["my son (7) has a bald spot"], "son", "7"),
        (["my mum is 70 and has a sore that won't heal"], "mum", "70"),
        (["my 70-year-old dad has a scaly patch"], "dad", "70"),
        (["my 8 month old has crusty patches"], "baby", "8 months"),
        (["my daughter, 12, keeps scratching"], "daughter", "12"),
        (["my mum is 70 and my son has a patch"], "son", ""),
        (["my son has a patch"], "son", ""),
        (["my boyfriend has sores", "he's 29 btw"], "boyfriend", "29"),
        (["she is 3 months pregnant"], "sister", ""),
    ],
)
def test_the_summary_keeps_the_age_of_whom_it_is_about(
    messages: list[str], person: str, age: str
) -> None:
    """The age given for the person described, not for somebody else in the message."""
    assert referral.person_age(messages, person) == age


@pytest.mark.parametrize(
    ("message", "trigger"),
    [
        ("it gets itchy every time I colour my hair", "every time I colour my hair"),
        ("flaky since the new shampoo", "since the new shampoo"),
        ("it started after I bleached it in may", "it started after I bleached it in may"),
        ("burns whenever i use dry shampoo", "burns whenever i use dry shampoo"),
        ("the patch flares up when I'm stressed", "flares up when I'm stressed"),
        ("much worse in winter", "worse in winter"),
        ("red patches since having my baby", "since having my baby"),
        ("i think it was triggered by a hair dye", "triggered by a hair dye"),
        ("it started after football camp", "started after football camp"),
    ],
)
def test_the_summary_says_what_sets_it_off(message: str, trigger: str) -> None:
    """What seems to set the problem off, in the client's words."""
    assert referral.build_summary([message], ["x"], D).triggers == (trigger,)


@pytest.mark.parametrize(
    "message",
    [
        "flaky for 2 weeks",
        "since last march",
        "after a week it was still there",
        "i wash it every other day",
        "started after 2 days",
    ],
)
def test_a_duration_or_a_habit_is_not_a_trigger(message: str) -> None:
    assert referral.build_summary([message], ["x"], D).triggers == ()


@pytest.mark.parametrize(
    ("messages", "findings", "family", "described"),
    [
        (
            ["my mum has psoriasis", "and my scalp is scaly and red for months"],
            ["psoriasis", "scaly and red for months"],
            ("my mum has psoriasis",),
            ("scaly and red for months",),
        ),
        (
            ["my dad went bald at 30 and i have a bald patch"],
            ["bald patch"],
            ("my dad went bald at 30",),
            ("bald patch",),
        ),
        (
            ["hair loss runs in my family", "i have a bald patch"],
            ["bald patch"],
            ("hair loss runs in my family",),
            ("bald patch",),
        ),
        (
            ["my sister has eczema, and I have eczema on my scalp too"],
            ["eczema"],
            ("my sister has eczema",),
            ("eczema",),
        ),
        (["my mum has been telling me to see someone about this patch"], ["patch"], (), ("patch",)),
    ],
)
def test_family_history_is_context_not_the_clients_condition(
    messages: list[str], findings: list[str], family: tuple[str, ...], described: tuple[str, ...]
) -> None:
    """'my mum has psoriasis' goes under family history, not under what the client noticed."""
    summary = referral.build_summary(messages, findings, D)
    assert summary.family == family
    assert summary.described == described


def test_the_summary_says_who_it_is_about() -> None:
    """A child's summary names the child and their age; the parent's family is not theirs."""
    messages = ["my 7 year old son has a round bald patch", "my mum has alopecia"]
    summary = referral.build_summary(messages, ["round bald patch"], D, about="care", person="son")
    lines_ = rendered(summary.render()).splitlines()
    assert lines_[1] == "- Who it's about: my son, age 7"
    assert "- Family history (not my own diagnosis): my mum has alopecia" in lines_
    mine = referral.build_summary(["im 41 with a sore that wont heal"], ["sore"], D)
    assert rendered(mine.render()).splitlines()[1] == "- Who it's about: me, age 41"
    mum = referral.build_summary(
        ["my mum has a scaly patch"], ["scaly patch"], D, about="other", person="mum"
    )
    assert mum.family == () and mum.described == ("scaly patch",)


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (["my little girl is 5, we found a bald spot on her"], ("care", "girl")),
        (["my 7 year old has a bald spot", "my aunt had alopecia"], ("care", "child")),
        (["my son has lice and i have a bald patch"], ("self", "")),
        (["my son and my daughter both have flakes"], ("self", "")),
        (["found a bald spot on my scalp, my son noticed it"], ("self", "")),
        (["im 40 and my son noticed a bald spot"], ("self", "")),
        (["a bald spot on the crown"], ("self", "")),
    ],
)
def test_the_summary_is_about_the_one_child_described(
    messages: list[str], expected: tuple[str, str]
) -> None:
    """A parent describing one child, never their own head: the summary is the child's."""
    assert referral.whom(messages) == expected


def test_whom_keeps_the_findings_owner() -> None:
    assert referral.whom(["my mum has a sore"], "other", "mum") == ("other", "mum")


@pytest.mark.parametrize(
    ("message", "durations", "tried"),
    [
        ("thats been there since about march", ("since about march",), ()),
        ("the sore hasnt healed in 2 months", ("hasnt healed in 2 months",), ()),
        ("they wont go away, been months", ("been months",), ()),
        ("i use a coal tar shampoo twice a week", (), ("a coal tar shampoo twice a week",)),
        ("im using a medicated shampoo", (), ("a medicated shampoo",)),
        ("in 2 weeks i have a wedding", (), ()),
        ("i use my fingertips", (), ()),
    ],
)
def test_the_summary_keeps_more_ways_of_saying_how_long_and_what_is_used(
    message: str, durations: tuple[str, ...], tried: tuple[str, ...]
) -> None:
    summary = referral.build_summary([message], ["x"], D)
    assert (summary.durations, summary.tried) == (durations, tried)


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (["my dad is 70 and he's got scabby patches all over his scalp"], ("other", "dad")),
        (["my mum noticed a bald spot at the back"], ("self", "")),
        (["my husband says theres a bald spot on the back of my head"], ("self", "")),
        (["my mum has psoriasis and she says this looks like it"], ("self", "")),
    ],
)
def test_the_summary_is_about_the_one_adult_spoken_of(
    messages: list[str], expected: tuple[str, str]
) -> None:
    """One adult of the client's, spoken of as he or she, and never the client's own head."""
    assert referral.whom(messages) == expected


# Issue 19: how people really word how long, whose age, what set it off, what they tried.
@pytest.mark.parametrize(
    ("message", "durations"),
    [
        ("crusty and bleeding on and off for like 3 months", ("on and off for like 3 months",)),
        ("scabby on and off for years, worse in winter", ("on and off for years",)),
        ("had it on and off since i was 16", ("on and off since i was 16",)),
        ("3 months on and off now", ("3 months on and off",)),
        ("it's been there since the summer", ("since the summer",)),
        ("flaky since the start of the year", ("since the start of the year",)),
        ("itchy for a couple of weeks", ("for a couple of weeks",)),
        ("red bumps, about 6 wks", ("about 6 wks",)),
        ("sore spot, around 3 weeks", ("around 3 weeks",)),
        ("scaly patch, few days", ("few days",)),
        ("had it since I was a teen", ("since I was a teen",)),
        ("her scalp has been flaky since she was a baby", ("since she was a baby",)),
        ("been dealing with this since high school", ("since high school",)),
        ("since my teens really", ("since my teens",)),
        ("i've had these for ages", ("for ages",)),
        ("the past fortnight", ("the past fortnight",)),
        ("flaking from about age 12", ("from about age 12",)),
        ("the redness still hasnt gone after 6 weeks", ("still hasnt gone after 6 weeks",)),
        ("its still there after a month", ("still there after a month",)),
        ("itchy for a week or two", ("for a week or two",)),
        ("flaky for 3ish weeks", ("for 3ish weeks",)),
        ("since xmas", ("since xmas",)),
        ("since lockdown really", ("since lockdown",)),
        ("since the kids were born", ("since the kids were born",)),
        ("since september last year", ("since september last year",)),
        ("3 weeks or so ago", ("3 weeks or so ago",)),
        ("in 2 weeks or so i have a wedding", ()),
        # habits and plans are not how long it has lasted
        ("i wash every 3 days", ()),
        ("i wash 3 days a week", ()),
        ("in a few weeks i have a wedding", ()),
        ("after a few days it was fine", ()),
        ("i massage about 10 minutes", ()),
        ("every few days i use a scrub", ()),
    ],
)
def test_the_summary_keeps_how_long_as_people_say_it(
    message: str, durations: tuple[str, ...]
) -> None:
    assert referral.build_summary([message], ["x"], D).durations == durations


@pytest.mark.parametrize(
    ("messages", "age"),
    [
        (["im in my 40s and my scalp is scabby"], "40s"),
        (["I'm in my early thirties"], "early 30s"),
        (["i am in my late 50's"], "late 50s"),
    ],
)
def test_the_summary_keeps_an_age_given_as_a_decade(messages: list[str], age: str) -> None:
    assert referral.own_age(messages) == age


@pytest.mark.parametrize(
    ("messages", "person", "age"),
    [
        (["my dad's 68 and he gets thick scaly patches"], "dad", "68"),
        (["my little boy is 13 months old and his scalp is flaky"], "boy", "13 months"),
        (["my mum is in her 80s"], "mum", "80s"),
        (["my dad, in his late sixties, has a sore"], "dad", "late 60s"),
        (["my partner has a bald patch", "he's in his 30s"], "partner", "30s"),
        (["my wife is 4 months pregnant"], "wife", ""),
        (["my son is seven and has a bald patch"], "son", "7"),
        (["my six week old has thick crusts"], "baby", "6 weeks"),
        (["my mother in law is 78 and has sores"], "mother in law", "78"),
        (["my daughter is one of the lucky ones"], "daughter", ""),
    ],
)
def test_the_summary_keeps_more_ways_of_giving_someones_age(
    messages: list[str], person: str, age: str
) -> None:
    assert referral.person_age(messages, person) == age


@pytest.mark.parametrize(
    ("message", "trigger"),
    [
        (
            "started maybe 2 weeks ago right when his eye teeth were coming through",
            "started maybe 2 weeks ago right when his eye teeth were coming through",
        ),
        ("i dyed my hair at home 5 days ago", "i dyed my hair at home 5 days ago"),
        ("she had her hair bleached last month", "had her hair bleached last month"),
        (
            "i started using a new pomade about a month before this began",
            "i started using a new pomade about a month before this began",
        ),
        ("had my daughter 5 months ago, still breastfeeding", "had my daughter 5 months ago"),
        ("shedding loads since my baby was born in june", "since my baby was born in june"),
        ("this started after i had my son in march", "this started after i had my son in march"),
        (
            "had covid back in november with a high fever for days",
            "had covid back in november with a high fever",
        ),
        (
            "i was in hospital with pneumonia in september and since then it's thin",
            "was in hospital with pneumonia in september",
        ),
        ("he's been super stressed with work lately", "super stressed with work lately"),
        ("lost loads since i went vegan last year", "since i went vegan last year"),
    ],
)
def test_the_summary_says_more_of_what_set_it_off(message: str, trigger: str) -> None:
    assert trigger in referral.build_summary([message], ["x"], D).triggers


@pytest.mark.parametrize(
    ("message", "tried"),
    [
        (
            "took antihistamines, changed my shampoo and stopped all my styling products and "
            "nothing helps at all",
            ("antihistamines, changed my shampoo and stopped all my styling products",),
        ),
        ("she uses a tea tree shampoo and some mousse", ("a tea tree shampoo and some mousse",)),
        ("on and off for years, uses a tar shampoo", ("a tar shampoo",)),
        ("my gp said its just dry skin and to use dandruff shampoo", ("dandruff shampoo",)),
        ("i put oil on to loosen them but they come back", ("oil on to loosen them",)),
        ("could you put together something for the gp", ()),
        ("i took a photo of it", ()),
        ("it took ages to calm down", ()),
    ],
)
def test_the_summary_keeps_more_of_what_was_tried(message: str, tried: tuple[str, ...]) -> None:
    assert referral.build_summary([message], ["x"], D).tried == tried


@pytest.mark.parametrize(
    ("message", "person", "family"),
    [
        ("her dad has psoriasis", "daughter", ("her dad has psoriasis",)),
        ("his sister has psoriasis too", "dad", ("his sister has psoriasis too",)),
        ("my dad went bald young btw but this feels different", "", ("my dad went bald young",)),
        ("my mum has thyroid problems if that matters", "", ("my mum has thyroid problems",)),
    ],
)
def test_family_history_of_the_person_described_and_without_asides(
    message: str, person: str, family: tuple[str, ...]
) -> None:
    assert tuple(referral.family_history([message], person)) == family


def test_context_quoted_by_triage_is_what_set_it_off_not_what_was_noticed() -> None:
    messages = ["shedding loads since my baby was born in june", "two round bald bits on my crown"]
    summary = referral.build_summary(messages, ["since my baby", "bald bits"], D)
    assert summary.described == ("bald bits",)
    assert summary.triggers == ("since my baby was born in june",)


@pytest.mark.parametrize(
    ("message", "places"),
    [
        ("itchy round my ears", ("round my ears",)),
        ("a lump at the base of my skull", ("at the base of my skull",)),
        ("the back of my head has a patch", ("the back of my head",)),
        ("my crown is thinning", ("my crown",)),
        (
            "spreading onto my face, round my nose and eyebrows",
            ("onto my face", "round my nose and eyebrows"),
        ),
        ("a sore in the middle of my head", ("in the middle of my head",)),
        ("flakes all over my scalp", ("all over my scalp",)),
        ("scaly just above my ear", ("above my ear",)),
        ("patches behind both ears", ("behind both ears",)),
        ("on his forehead and in his beard", ("on his forehead", "in his beard")),
        # not a place on the head
        ("broken hairs around the edges", ()),
        ("it woke me up in the middle of the night", ()),
        ("i went back to the gp in march", ()),
    ],
)
def test_the_summary_says_more_ways_of_where(message: str, places: tuple[str, ...]) -> None:
    assert referral.build_summary([message], ["x"], D).places == places


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        # a place of the grandparents' is nobody the summary could be about
        (
            [
                "its about my little boy, he's 4",
                "a scaly patch on the back of his head, we were on my parents farm over half term",
            ],
            ("care", "boy"),
        ),
        (["my daughter has a bald patch, it started at my mum's house"], ("care", "daughter")),
        (["my daughter has a bald patch and my mum has one too"], ("care", "daughter")),
    ],
)
def test_a_relatives_place_is_not_another_person_described(
    messages: list[str], expected: tuple[str, str]
) -> None:
    assert referral.whom(messages) == expected


def test_the_menopause_is_how_long_and_what_set_it_off() -> None:
    summary = referral.build_summary(
        ["my hairline has been going back since the menopause started"], ["x"], D
    )
    assert summary.durations == ("since the menopause",)
    assert summary.triggers == ("since the menopause started",)


@pytest.mark.parametrize(
    ("message", "places"),
    [
        ("half of one eyebrow has gone", ("one eyebrow",)),
        ("my eyebrows have been thinning out", ("my eyebrows",)),
        ("the hairline is going back", ("the hairline",)),
    ],
)
def test_a_place_said_as_the_subject(message: str, places: tuple[str, ...]) -> None:
    assert referral.build_summary([message], ["x"], D).places == places


@pytest.mark.parametrize(
    ("message", "tried"),
    [
        ("i havent tried anything yet", ("i havent tried anything yet",)),
        ("she hasn't used anything on it", ("she hasn't used anything on it",)),
        ("nothing yet tbh", ("nothing yet",)),
    ],
)
def test_the_summary_says_when_nothing_was_tried(message: str, tried: tuple[str, ...]) -> None:
    assert referral.build_summary([message], ["x"], D).tried == tried


@pytest.mark.parametrize(
    "message",
    [
        "i had my son look in the mirror at it",
        "im really stressed about my hair falling out",
    ],
)
def test_a_helper_or_the_worry_about_it_is_not_what_set_it_off(message: str) -> None:
    assert referral.build_summary([message], ["x"], D).triggers == ()


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        # in writing, printed, written up, recapped: the summary in other words
        ("print me something for the doc pls", True),
        ("can i have that in writing for the pediatrician", True),
        ("could i get a printout to take in", True),
        ("can u write all that up for my doctor", True),
        ("could you sum it all up for me", True),
        ("give me a quick recap i can show the gp", True),
        ("what to tell the derm?", True),
        ("how do i explain this to my paediatrician", True),
        ("a note i can hand the nurse would be great", True),
        ("anything i can bring to my appt?", True),
        # something to do or use before the visit, a booking, a visit mentioned: not asked
        ("is there something i can do for it before my appointment", False),
        ("anything i should use before my derm appt", False),
        ("can i book an appointment", False),
        ("i have a doctor appointment tomorrow", False),
        ("the dr said its fine", False),
        ("i dont know how to describe it", False),
        ("how do i put a mask on", False),
        ("what is a scalp facial", False),
    ],
)
def test_more_ways_of_asking_for_the_summary(text: str, asks: bool) -> None:
    assert referral.asks_for_summary(text) is asks


_EARLIER = [
    "my eyebrows have been slowly vanishing for about 5 years and now my hairline at the front "
    "is going back too"
]


@pytest.mark.parametrize(
    ("text", "adds"),
    [
        # an age, a trigger, what was tried, when, where, family history, said after it
        ("oh also i'm 49 and it gets worse when im stressed", True),
        ("forgot to say i tried coconut oil", True),
        ("it started in march btw", True),
        ("its mostly on the crown", True),
        ("oh and my mum had alopecia", True),
        ("she is 7", True),
        ("also ive used a tar shampoo for 2 weeks, is that ok?", True),
        # nothing new, or a question of its own
        ("thanks!", False),
        ("ok great", False),
        ("my hairline at the front", False),
        ("how long does a facial take?", False),
        ("can i book for next week", False),
        ("ive used a tar shampoo for 2 weeks, should i stop?", False),
    ],
)
def test_a_detail_added_after_the_summary(text: str, adds: bool) -> None:
    assert referral.adds_detail(_EARLIER, text) is adds


@pytest.mark.parametrize(
    ("message", "place"),
    [
        # a place of the face or neck named as what is affected, alone or listed
        (
            "scalp seems fine but my eyelids and neck have gone red and itchy",
            "my eyelids and neck",
        ),
        ("her forehead is flaky where the hairline starts", "her forehead"),
        ("my ears, neck and jaw itch after the dye", "my ears, neck and jaw"),
        ("his beard has a round bald bit", "his beard"),
    ],
)
def test_the_summary_says_where_on_the_face_or_neck(message: str, place: str) -> None:
    summary = referral.build_summary([message], [], Referral.DERMATOLOGIST)
    assert place in summary.places


def test_the_whole_hair_or_scalp_is_no_place() -> None:
    assert referral.build_summary(["my hair is thin and my scalp itches"], [], U).places == ()


@pytest.mark.parametrize(
    ("message", "how_long"),
    [
        ("he's had it 6 months odd", "had it 6 months odd"),
        ("ive had these about 2 years", "had these about 2 years"),
        ("going on three months", "going on three months"),
        ("its been going on 3 weeks", "been going on 3 weeks"),
    ],
)
def test_the_summary_keeps_had_it_and_going_on(message: str, how_long: str) -> None:
    durations = referral.build_summary([message], [], D).durations
    assert any(how_long in d for d in durations), durations


@pytest.mark.parametrize(
    ("messages", "age"),
    [
        (["im 23f, itchy scalp for months"], "23"),
        (["age 61", "a sore on my crown"], "61"),
        (["aged 40, female"], "40"),
        (["i'm 5ft 2 and my scalp is flaky"], ""),
        (["my son, aged 9, has a patch"], ""),
    ],
)
def test_more_ways_of_giving_ones_own_age(messages: list[str], age: str) -> None:
    assert referral.own_age(messages) == age


@pytest.mark.parametrize(
    ("messages", "person", "age"),
    [
        (["my mom, who's 70, has this crusty patch"], "mom", "70"),
        (["my dad, 68, has it too"], "dad", "68"),
        (["my gran who is 91 has a sore that wont heal"], "gran", "91"),
    ],
)
def test_an_age_set_off_by_commas(messages: list[str], person: str, age: str) -> None:
    assert referral.person_age(messages, person) == age


@pytest.mark.parametrize(
    ("message", "tried"),
    [
        ("been slapping on aloe vera gel every night", "aloe vera gel every night"),
        ("i've been washing it with baby shampoo", "baby shampoo"),
        ("gave nizoral a go for a month", "nizoral"),
        ("my pharmacist sold me a coal tar shampoo", "a coal tar shampoo"),
        ("the gp gave me a steroid lotion", "a steroid lotion"),
        ("the derm put me on a steroid foam", "a steroid foam"),
        ("did a course of antifungal cream", "antifungal cream"),
    ],
)
def test_the_summary_keeps_what_was_put_on_or_given(message: str, tried: str) -> None:
    assert tried in referral.build_summary([message], [], D).tried


@pytest.mark.parametrize(
    "message",
    [
        "gave it a go",
        "my doctor gave me a look",
        "the gp gave me a referral",
        "she gave me a hug",
        "my mum gave me a scalp massage",
    ],
)
def test_nothing_named_is_nothing_tried(message: str) -> None:
    assert referral.build_summary([message], [], D).tried == ()


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        # details, a copy, notes, what to say or bring, getting ready for the visit
        ("send me the details so i can show my gp", True),
        ("make me a list of what to say", True),
        ("what should i bring to the appointment", True),
        ("can i get a copy", True),
        ("help me prepare for my dermatologist appointment", True),
        ("what do i need to tell them", True),
        ("can you make notes for me", True),
        ("is there a way to save this for my appointment", True),
        ("write it down to show the doctor", True),
        # a salon visit, a reason, a booking, a fine scalp: not the summary
        ("what do i need to bring for the facial", False),
        ("what should i bring to the salon", False),
        ("i put it all down to stress but my doctor disagrees", False),
        ("i told my gp everything", False),
        ("everything is fine thanks", False),
        ("the details of the booking", False),
        ("all of this started after the doctor changed my pills", False),
    ],
)
def test_the_summary_asked_for_as_details_notes_or_getting_ready(text: str, asks: bool) -> None:
    assert referral.asks_for_summary(text) is asks


@pytest.mark.parametrize(
    ("message", "trigger"),
    [
        ("ever since my braids were put in", "ever since my braids were put in"),
        ("since her extensions went in its been sore", "since her extensions went in"),
        (
            "started around the time i got my braids done",
            "started around the time i got my braids done",
        ),
        ("it began at the same time she changed jobs", "began at the same time she changed jobs"),
    ],
)
def test_the_summary_says_a_hairstyle_or_a_time_set_it_off(message: str, trigger: str) -> None:
    triggers = referral.build_summary([message], [], D).triggers
    assert any(trigger in t for t in triggers), triggers


@pytest.mark.parametrize(
    "message",
    ["i wash it around the time i go to bed", "since the morning", "my braids look great"],
)
def test_a_time_of_day_or_a_style_alone_sets_nothing_off(message: str) -> None:
    assert referral.build_summary([message], [], D).triggers == ()
