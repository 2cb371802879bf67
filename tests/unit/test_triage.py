"""Tests for the red-flag screener (scalpcare/triage/) over the labelled table."""

from __future__ import annotations

import csv
import dataclasses
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from scalpcare import triage
from scalpcare.contract import Referral
from scalpcare.triage import RedFlag, ScreenResult, screen

ROOT = Path(__file__).resolve().parents[2]
CASES_PATH = ROOT / "data" / "screening" / "triage_table.csv"
CATEGORIES = {
    "named",
    "described",
    "misspelled",
    "negated",
    "historic",
    "someone_else",
    "question",
    "benign",
    "massage",
    "nutrient",
    "mixed",
}
MAX_BENIGN_FALSE_REFERRAL_RATE = 0.02


def _load_cases() -> list[dict[str, str]]:
    """Read the labelled table."""
    with CASES_PATH.open(newline="", encoding="utf8") as fh:
        return list(csv.DictReader(fh))


CASES = _load_cases()
FLAG_ROWS = [row for row in CASES if row["referral"] != "none"]
BENIGN_ROWS = [row for row in CASES if row["category"] == "benign"]
OTHER_NONE_ROWS = [
    row for row in CASES if row["referral"] == "none" and row["category"] != "benign"
]


def _id(row: dict[str, str]) -> str:
    """Readable test id for a row."""
    return f"{row['category']}:{row['text'][:50]}"


@pytest.fixture(scope="session", autouse=True)
def warm_pipeline() -> None:
    """Build the spaCy pipeline once for the whole session."""
    triage.warm_up()


# --------------------------------------------------------------------------
# The table itself
# --------------------------------------------------------------------------
def test_table_shape() -> None:
    """The table has the size and mix the brief asks for."""
    cats = Counter(row["category"] for row in CASES)
    assert len(CASES) >= 220
    assert set(cats) <= CATEGORIES
    assert all(row["referral"] in {r.value for r in Referral} for row in CASES)
    assert all(row["nutrient"] in {"true", "false"} for row in CASES)
    named_or_described = [
        r for r in CASES if r["category"] in {"named", "described"} and r["referral"] != "none"
    ]
    assert len(named_or_described) >= 60
    assert cats["misspelled"] >= 30
    assert cats["negated"] + cats["historic"] >= 30
    assert cats["question"] >= 20
    assert cats["benign"] >= 50
    assert cats["massage"] >= 30
    texts = [row["text"] for row in CASES]
    assert len(texts) == len(set(texts)), "duplicate rows"


# --------------------------------------------------------------------------
# Recall: every referral row gets exactly its level
# --------------------------------------------------------------------------
@pytest.mark.parametrize("row", FLAG_ROWS, ids=_id)
def test_referral_rows_get_exact_level(row: dict[str, str]) -> None:
    """100% recall, and no over-escalation, on rows that need a referral."""
    result = screen(row["text"])
    assert result.level is Referral(row["referral"]), [(f.condition, f.text) for f in result.flags]


@pytest.mark.parametrize("row", OTHER_NONE_ROWS, ids=_id)
def test_negated_historic_question_other_rows_not_referred(row: dict[str, str]) -> None:
    """Negated, resolved, general, someone else's, massage-only rows: no referral."""
    result = screen(row["text"])
    assert result.level is Referral.NONE, [(f.condition, f.text) for f in result.flags]


def test_benign_false_referral_rate() -> None:
    """At most 2% of benign rows may be referred (each one is listed on failure)."""
    referred = [row["text"] for row in BENIGN_ROWS if screen(row["text"]).has_red_flag]
    rate = len(referred) / len(BENIGN_ROWS)
    assert rate <= MAX_BENIGN_FALSE_REFERRAL_RATE, referred


@pytest.mark.parametrize("row", CASES, ids=_id)
def test_nutrient_flag_matches_table(row: dict[str, str]) -> None:
    """``nutrient_deficiency`` is set exactly on the rows labelled so."""
    result = screen(row["text"])
    assert result.nutrient_deficiency is (row["nutrient"] == "true"), result.nutrient_signals
    if result.nutrient_deficiency:
        assert result.level.rank >= Referral.DOCTOR.rank
        assert result.nutrient_signals


# --------------------------------------------------------------------------
# Explicit cases for the rules chosen for ambiguous text
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("my mum has psoriasis", Referral.DERMATOLOGIST),
        ("my grandma had lupus", Referral.NONE),
        ("psoriasis runs in my family", Referral.NONE),
        ("my dog has ringworm", Referral.NONE),
        ("my scalp is itchy but nothing is bleeding", Referral.NONE),
        ("my daughter has a round bald spot", Referral.DERMATOLOGIST),
        ("my mum noticed a bald spot on my head", Referral.DERMATOLOGIST),
        ("my mum has psoriasis and now i have it too", Referral.DERMATOLOGIST),
        ("my dad has a fever and his scalp is swollen and hot", Referral.URGENT),
        ("had eczema as a kid, gone now", Referral.NONE),
        ("had eczema as a kid and it's back", Referral.DERMATOLOGIST),
        ("my eczema is gone but now i have a round bald spot", Referral.DERMATOLOGIST),
        ("is ringworm contagious?", Referral.NONE),
        ("is it ringworm?", Referral.DERMATOLOGIST),
        ("how do i know if i have seb derm?", Referral.NONE),
        ("not sure whether i have ringworm or just dry skin", Referral.DERMATOLOGIST),
        ("the shampoo isn't working on my psoriasis", Referral.DERMATOLOGIST),
        ("the fever is gone but my scalp still hurts", Referral.NONE),
        ("i'm not vegan", Referral.NONE),
        ("my period bleeding is heavy", Referral.DOCTOR),
        ("i'm having chemo for breast cancer", Referral.NONE),
        ("my mum has bowel cancer and her scalp is fine", Referral.NONE),
        ("could this spot on my scalp be cancer?", Referral.DERMATOLOGIST),
        (
            "i had skin cancer removed from my nose, now a new spot on my scalp",
            Referral.DERMATOLOGIST,
        ),
        ("breast cancer survivor, now a sore on my scalp that won't heal", Referral.DERMATOLOGIST),
        # Already treated: "derma" for the dermatologist, a biologic or an injectable.
        ("my psoriasis is treated with a biologic from my derma", Referral.NONE),
        ("on injectables for my psoriasis, it's calm", Referral.NONE),
        ("my psoriasis is flaring even on the biologic", Referral.DERMATOLOGIST),
    ],
)
def test_ambiguity_rules(text: str, level: Referral) -> None:
    """The documented rules for someone else, history, questions and negation."""
    assert screen(text).level is level


# Episodes told as over, and conditions that are only context (issue 16): resolution
# cues anywhere in the episode's sentence or opening the next one, an illness's or a
# birth's shedding said to be over, a recurrence that a later resolution ends, a school's
# notice or something "going round", a stranger, a pet, a family's side, a condition on
# another part of the body while the scalp is fine. Each comes with close cases that
# must still be referred.
@pytest.mark.parametrize(
    ("text", "level"),
    [
        # resolution cues anywhere in the episode's sentence
        (
            "a few years back my hair thinned for months after an operation, "
            "but it recovered fully",
            Referral.NONE,
        ),
        ("my postpartum shedding is over now, what cut grows out nicely?", Referral.NONE),
        ("postpartum hair fall ended a while ago, the regrowth is so fluffy", Referral.NONE),
        (
            "my dad knocked his head on the cupboard, it swelled up then went down and he's fine",
            Referral.NONE,
        ),
        ("had a patch of alopecia 6 yrs ago, it filled back in and never returned", Referral.NONE),
        ("had a cyst taken off my scalp a month ago, healing nicely, no redness", Referral.NONE),
        ("i nick myself shaving my head sometimes, it stops bleeding straight away", Referral.NONE),
        (
            "years ago i reacted to a box dye, my whole face swelled up. Been fine ever since.",
            Referral.NONE,
        ),
        (
            "my folliculitis kept coming back until i changed shampoo, clear for a year now",
            Referral.NONE,
        ),
        (
            "banged my head on a door last week and it bled but it stopped quickly, "
            "just a tiny scab now can i still book a wash",
            Referral.NONE,
        ),
        ("nothings bleeding, it's just a bit itchy", Referral.NONE),
        # ... and what they must not hide
        (
            "my hair thinned after surgery three months ago and it's still coming out",
            Referral.DOCTOR,
        ),
        ("bumped my head yesterday, it swelled and I keep throwing up", Referral.URGENT),
        ("had covid last month, it's gone now but my hair is falling out", Referral.DOCTOR),
        ("the fever went down with paracetamol but my scalp is swollen and hot", Referral.URGENT),
        ("there's a bald patch over my ear", Referral.DERMATOLOGIST),
        ("the holiday is over and my hair is shedding a lot after my crash diet", Referral.DOCTOR),
        (
            "there was a bald patch that filled back in, but now two new ones",
            Referral.DERMATOLOGIST,
        ),
        (
            "had a fever last week. Fine now apart from a swollen painful lump on my scalp "
            "that's getting bigger",
            Referral.URGENT,
        ),
        ("my son's scalp spot has gone puffy and hot and he has a temperature", Referral.URGENT),
        ("this never happened before, my hair is coming out in clumps", Referral.DERMATOLOGIST),
        ("my folliculitis cleared for a while but it's back now", Referral.DERMATOLOGIST),
        ("my hair is falling out again in clumps", Referral.DERMATOLOGIST),
        ("my scalp recovered from the bleach burn but now it's blistering", Referral.URGENT),
        ("the swelling on my scalp went down a little", Referral.DERMATOLOGIST),
        ("my son hit his head, the bump went down but he's been sick twice", Referral.URGENT),
        ("healing fine but the cut on my head keeps bleeding", Referral.URGENT),
        # a condition that is the community's, a stranger's, a pet's or not on the scalp
        (
            "nursery sent an email saying ringworm is going round, my son's scalp looks normal",
            Referral.NONE,
        ),
        ("a kid in my daughter's class has head fungus, her scalp is fine", Referral.NONE),
        ("i'm prone to psoriasis on my elbows but my scalp is fine, no flakes", Referral.NONE),
        ("vet says our pup might have ringworm, i have no patches", Referral.NONE),
        ("a famous actress has alopecia and wears wigs", Referral.NONE),
        ("alopecia runs on my mum's side", Referral.NONE),
        ("my uncle has psoriasis, my scalp looks normal", Referral.NONE),
        ("my son's school sent a letter saying he has ringworm", Referral.DERMATOLOGIST),
        (
            "ringworm is going round school and my son has a round scaly patch",
            Referral.DERMATOLOGIST,
        ),
        ("nursery sent a letter about ringworm and my daughter has it now", Referral.DERMATOLOGIST),
        ("i have a kid with ringworm on his scalp", Referral.DERMATOLOGIST),
        (
            "a kid at school has ringworm and now my son has a round scaly patch",
            Referral.DERMATOLOGIST,
        ),
        ("eczema on my arms and now it's on my scalp too", Referral.DERMATOLOGIST),
        ("my uncle has psoriasis", Referral.DERMATOLOGIST),
    ],
)
def test_over_and_context_only_mentions(text: str, level: Referral) -> None:
    """An episode that is over, or someone else's, is not referred; what is current still is."""
    result = screen(text)
    assert result.level is level, [(f.condition, f.text, f.about) for f in result.flags]


@pytest.mark.parametrize(
    ("typo", "condition"),
    [
        ("psoraisis", "psoriasis"),
        ("exzema", "eczema"),
        ("seborheic dermatitis", "seborrheic_dermatitis"),
        ("alopicia", "alopecia"),
        ("ringwrom", "fungal_infection"),
        ("folicullitis", "folliculitis"),
        ("impetego", "impetigo"),
    ],
)
def test_misspellings_are_recognised(typo: str, condition: str) -> None:
    """Typos within the length-scaled edit distance map to the clinical term."""
    result = screen(f"i think i have {typo} on my scalp")
    assert condition in result.conditions


@pytest.mark.parametrize(
    "word", ["never", "fewer", "scaring", "began", "singles", "sliver", "clever", "lotus"]
)
def test_common_words_are_not_fuzzed(word: str) -> None:
    """Real English words near a clinical term never become that term."""
    assert screen(f"{word} {word}, my scalp is a bit oily").level is Referral.NONE


def test_osa_distance() -> None:
    """Transpositions count as one edit; the limit short-circuits."""
    assert triage._osa_distance("alopeica", "alopecia", 2) == 1
    assert triage._osa_distance("exzema", "eczema", 1) == 1
    assert triage._osa_distance("psoraisis", "psoriasis", 2) == 1
    assert triage._osa_distance("abcdef", "uvwxyz", 2) == 3


# --------------------------------------------------------------------------
# API and robustness
# --------------------------------------------------------------------------
def test_result_types_and_offsets() -> None:
    """Flags are frozen, ordered, and their offsets point into the original text."""
    text = "Hi!! 😩 <b>my scalp</b> has thick silvery scales and i’m vegan"
    result = screen(text)
    assert isinstance(result, ScreenResult)
    assert result.level is Referral.DERMATOLOGIST
    assert result.nutrient_deficiency and "vegan_or_vegetarian" in result.nutrient_signals
    assert result.has_red_flag and result.pauses_routine
    for flag in result.flags:
        assert isinstance(flag, RedFlag)
        assert text[flag.start : flag.end] == flag.text
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.flags[0].condition = "x"  # type: ignore[misc]


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "🙂🙂🙂", "<p></p>", "?!?!", "ok"])
def test_empty_and_trivial_text(text: str) -> None:
    """Nothing to screen gives an empty result."""
    result = screen(text)
    assert result == ScreenResult()
    assert not result.has_red_flag


def test_non_string_input() -> None:
    """Non-text input is treated as empty instead of raising."""
    assert screen(None) == ScreenResult()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "Ich habe Schuppen auf der Kopfhaut",
        "头皮很痒",
        "کف سرم خارش دارد",
        "\x00\x07 control chars \u200b\u200d",
        "🙂" * 50_000,
        "a" * 100_000,
        "<script>alert(1)</script>" * 2000,
    ],
)
def test_odd_text_does_not_crash(text: str) -> None:
    """Other languages, control characters, huge tokens and markup are fine."""
    assert screen(text).level is Referral.NONE


def test_flag_at_end_of_100kb_message() -> None:
    """A long message is screened in chunks and the last sentence still counts."""
    text = "my scalp is a bit oily and i use dry shampoo. " * 2200 + "i have a round bald spot"
    assert len(text) > 100_000
    result = screen(text)
    assert result.level is Referral.DERMATOLOGIST
    flag = result.flags[-1]
    assert text[flag.start : flag.end] == flag.text and flag.start > 100_000


def test_flag_across_a_chunk_cut_in_a_run_on_sentence() -> None:
    """A phrase across a cut inside one endless sentence is still found whole."""
    filler = "and my scalp is oily " * 400
    for shift in range(0, 40, 3):
        text = filler[: triage.CHUNK_CHARS - 12 + shift] + " hair coming out in clumps"
        assert "hair_loss_clumps" in screen(text).conditions, shift


def test_urgent_signs_in_different_sentences_and_chunks() -> None:
    """Fever and a swollen scalp far apart in a long message still combine."""
    text = "I have a fever. " + "my roots are oily. " * 600 + "my scalp is hot and swollen."
    assert screen(text).level is Referral.URGENT


def test_deterministic_and_thread_safe() -> None:
    """Concurrent screening gives the same results as sequential screening."""
    texts = [row["text"] for row in CASES[:80]]
    expected = [screen(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(screen, texts * 3))
    assert got == expected * 3


def test_import_does_not_load_spacy() -> None:
    """Importing the module is cheap: the pipeline is only built on first use."""
    code = "import sys, scalpcare.triage; print('spacy' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_every_reported_condition_is_known() -> None:
    """Condition names come from a closed list the glue can rely on."""
    for row in CASES:
        for flag in screen(row["text"]).flags:
            assert flag.condition in triage.CONDITIONS


HELDOUT = list(
    csv.DictReader((Path(__file__).resolve().parents[1] / "data" / "triage_heldout.csv").open())
)


@pytest.mark.parametrize("row", HELDOUT, ids=[r["text"][:40] for r in HELDOUT])
def test_fresh_probes_written_after_the_rules(row: dict[str, str]) -> None:
    """Messages written after the rules were tuned (never used to tune them)."""
    result = screen(row["text"])
    assert result.level.value == row["referral"], result
    assert result.nutrient_deficiency is (row["nutrient"] == "true"), result


# Issue 16, general questions, conditions already under care and someone else's: a
# question about children or people in general, a claim checked ("is that true?"), an
# alternative ("... or is it an infection?"), a question asked before anything happened;
# a treatment that is working with nothing new or worse (hair growing back is not a
# recurrence; a flare that is asked about, supposed or over is not one; "a new cream" is not
# a new sign; "nothing new or bigger" is absent); a stranger, another adult's child, a
# relative while the writer is fine. Each comes with close cases that must still refer:
# the writer's own sign ("is this bald patch ringworm?"), a treated condition that is
# spreading or not helped, an urgent sign told after the care, another person's current
# problem.
@pytest.mark.parametrize(
    ("text", "level"),
    [
        # general questions
        ("should children with ringworm stay home from nursery?", Referral.NONE),
        ("do toddlers usually outgrow eczema on the scalp?", Referral.NONE),
        ("why does a child's bump on the head swell so fast? just curious", Referral.NONE),
        ("is alopecia areata autoimmune or is it an infection?", Referral.NONE),
        ("they say any lump on the scalp means cancer, is that true?", Referral.NONE),
        ("is psoriasis curable or is it for life?", Referral.NONE),
        ("is it ok to squeeze a boil? asking before i get one", Referral.NONE),
        ("is it true that these tight braids cause alopecia?", Referral.NONE),
        # ... and what they must not hide
        ("is this bald patch ringworm?", Referral.DERMATOLOGIST),
        ("is this bald patch normal?", Referral.DERMATOLOGIST),
        ("is my alopecia permanent?", Referral.DERMATOLOGIST),
        ("i think i have psoriasis, is it curable?", Referral.DERMATOLOGIST),
        ("do children get ringworm on the scalp? my son has it now", Referral.DERMATOLOGIST),
        ("my kids have ringworm, can they go to school?", Referral.DERMATOLOGIST),
        ("both children have ringworm, what now?", Referral.DERMATOLOGIST),
        ("kids head has red scaly patches, is it contagious??", Referral.DERMATOLOGIST),
        ("my friend has a lump on her scalp, is it cancer?", Referral.DERMATOLOGIST),
        # under a doctor's care with nothing new or worse
        (
            "my derm has me on a medicated foam for psoriasis, it's calm, which conditioner?",
            Referral.NONE,
        ),
        (
            "steroid jabs from the dermatologist for my alopecia patch, the hair is coming "
            "back in, can i get highlights?",
            Referral.NONE,
        ),
        (
            "my psoriasis is under control with the clinic's lotion, will a perm make it flare?",
            Referral.NONE,
        ),
        (
            "my son's alopecia patch is being watched by his dermatologist, nothing new or "
            "bigger since spring",
            Referral.NONE,
        ),
        (
            "the gp gave me a shampoo for my seb derm flare a few months ago and it settled",
            Referral.NONE,
        ),
        (
            "my derm just started me on a new cream for my psoriasis, any styling tips?",
            Referral.NONE,
        ),
        (
            "my wife's cysts have been checked and are harmless, she asked if hair oil makes "
            "them worse?",
            Referral.NONE,
        ),
        # ... and what they must not hide
        (
            "my derm has me on a steroid lotion but the psoriasis is spreading",
            Referral.DERMATOLOGIST,
        ),
        (
            "steroid jabs from the dermatologist for my alopecia but there are two new patches",
            Referral.DERMATOLOGIST,
        ),
        (
            "my psoriasis was under control with cream but it's flaring again, will a perm "
            "make it worse?",
            Referral.DERMATOLOGIST,
        ),
        (
            "i'm not on any new meds and now there's a round bald patch above my ear",
            Referral.DERMATOLOGIST,
        ),
        ("the doctor drained my boil but now there's pus and a fever", Referral.URGENT),
        (
            "my derm is treating my psoriasis and now i have a fever and my scalp is hot "
            "and swollen",
            Referral.URGENT,
        ),
        ("my doctor gave me cream for the sore on my scalp and it keeps bleeding", Referral.URGENT),
        (
            "my derm has me on a new lotion and now my lips are swollen and my throat feels tight",
            Referral.URGENT,
        ),
        # something read or heard
        ("watched a documentary about alopecia last night, so sad", Referral.NONE),
        ("my sister wants a henna tattoo, i heard it can blister", Referral.NONE),
        # ... and what it must not hide
        ("read about alopecia and now i've found a bald patch on my crown", Referral.DERMATOLOGIST),
        ("i saw that my scalp has a bald patch in the mirror", Referral.DERMATOLOGIST),
        ("watched a video about psoriasis and i think i have it too", Referral.DERMATOLOGIST),
        # someone else's, needing nothing from the writer
        ("a well-known singer shaved her head because of alopecia", Referral.NONE),
        ("my brother's kids had impetigo, my own children are fine", Referral.NONE),
        ("my colleague has psoriasis, i dont have anything like it", Referral.NONE),
        ("my grandad had scarring alopecia, will i get it too? my scalp is normal", Referral.NONE),
        (
            "is ringworm contagious? a girl in my daughter's class has it, my kids are fine",
            Referral.NONE,
        ),
        ("does ringworm always look like a ring? nobody here has it", Referral.NONE),
        # ... and what they must not hide
        ("my brother's kids have impetigo on their scalps right now", Referral.DERMATOLOGIST),
        ("my grandad has an open sore on his scalp that won't heal", Referral.DERMATOLOGIST),
        ("my aunt has scarring alopecia and now i have it too", Referral.DERMATOLOGIST),
        ("my son has a round bald patch", Referral.DERMATOLOGIST),
    ],
)
def test_questions_under_care_and_someone_elses(text: str, level: Referral) -> None:
    """General questions, care with nothing new and others' conditions; their neighbours refer."""
    result = screen(text)
    assert result.level is level, [(f.condition, f.text, f.about) for f in result.flags]


# Cradle cap said to be mild, dandruff a shampoo keeps in check, nutrient context a doctor
# has tested with normal results while the shedding settles: not referred; the same with a
# sign of trouble, a shampoo that does not help, or a result that is low: still referred.
@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("my 3 month old has cradle cap, not red and not itchy", Referral.NONE),
        ("my baby has cradle cap and it's red and weeping", Referral.DERMATOLOGIST),
        ("newborn with greasy yellow scales, no redness, she doesn't itch", Referral.NONE),
        ("my 6 week old has greasy yellow scales that are red and cracked", Referral.DERMATOLOGIST),
        ("my baby has cradle cap, yellow greasy flakes", Referral.DERMATOLOGIST),
        (
            "dandruff every winter for years but the usual shampoo keeps it under control",
            Referral.NONE,
        ),
        ("flakes keep coming back, a dandruff wash calms it down within a week", Referral.NONE),
        ("flaky scalp for months and the shampoo doesn't keep it down", Referral.DERMATOLOGIST),
        ("my flakes keep coming back whatever shampoo i use", Referral.DERMATOLOGIST),
        (
            "my dandruff is mild, shampoo keeps it away. my husband's scalp has flakes that"
            " keep coming back",
            Referral.DERMATOLOGIST,
        ),
        (
            "gp checked my bloods after the baby, all came back normal and the shedding is"
            " slowing down",
            Referral.NONE,
        ),
        ("had covid in march and my hair is falling out, thyroid test was normal", Referral.DOCTOR),
        (
            "bloods came back normal after my crash diet but the shedding is getting worse",
            Referral.DOCTOR,
        ),
        ("my ferritin came back low, the shedding is slowing a bit", Referral.DOCTOR),
        ("when my daughter was little she had ringworm on her scalp", Referral.NONE),
        ("the bald patch came back", Referral.DERMATOLOGIST),
        # Hair named by a pronoun; a scalp oozing after a dye, not a colour's name.
        ("my pillow is covered in hair every morning, handfuls of it", Referral.DERMATOLOGIST),
        ("scalp started oozing after i bleached it yesterday", Referral.URGENT),
        ("the crust is honey coloured and oozing", Referral.DERMATOLOGIST),
        ("no oozing or blisters after the dye", Referral.NONE),
        # A date set off by commas dates its finding; "its back" without the apostrophe.
        ("last time, 2 yrs ago, my face swelled after henna", Referral.NONE),
        ("2 years ago, i had a bald patch", Referral.NONE),
        ("like 2 years ago, i had a bald patch and now its back", Referral.DERMATOLOGIST),
        ("a few weeks ago, a bald patch appeared", Referral.DERMATOLOGIST),
        # A scar from an operation is the wound's; shiny bald skin is still scarring.
        ("a cyst was removed from my scalp last year, all healed, a tiny scar", Referral.NONE),
        ("a shiny smooth bald patch, the skin looks scarred", Referral.DERMATOLOGIST),
        # A general claim read, heard or checked; somebody's own sign after all.
        ("i read that ringworm can cause bald patches, is that true?", Referral.NONE),
        ("heard henna can cause burns, is that a thing?", Referral.NONE),
        ("my friend says tea tree cures psoriasis, is that right?", Referral.NONE),
        ("i heard my bald patch could be alopecia", Referral.DERMATOLOGIST),
        ("my mum thinks it is ringworm, is that right?", Referral.DERMATOLOGIST),
        ("i read that ringworm can cause bald patches and i have one now", Referral.DERMATOLOGIST),
        ("heard henna can cause burns and now my scalp is blistering", Referral.URGENT),
    ],
)
def test_mild_cradle_cap_controlled_dandruff_and_checked_context(
    text: str, level: Referral
) -> None:
    """Everyday cases in red-flag words are not referred; their serious neighbours are."""
    assert screen(text).level is level
