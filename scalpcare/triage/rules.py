"""The red-flag rules: conditions, signs and context as patterns in a small pattern language."""

from __future__ import annotations

from scalpcare.triage.nutrient_rules import NUTRIENT_RULES
from scalpcare.triage.rule_language import (
    _D,
    _FLAKE,
    _N,
    _NOT,
    _PERSIST,
    _RED,
    _SEB_ADJ,
    _U,
    _Rule,
)

_RULES: tuple[_Rule, ...] = (
    # ---------------- urgent on their own ----------------
    _Rule(
        "uncontrolled_bleeding",
        _U,
        (
            f"bleed|bleeding ~3 {_NOT} stop|stopping|stops",
            f"{_NOT} stop ~2 bleed|bleeding",
            "keep|keeps|still bleed|bleeding",
            "bleed|bleeding =heavily|=profusely|=nonstop|=everywhere",
            "bleed|bleeding =a =lot",
            "heavy|heavily|profuse|uncontrolled bleeding",
        ),
        skip_sentence=("period", "menstrual", "menstruation", "nose", "gum", "nosebleed"),
    ),
    _Rule(
        "sudden_severe_pain",
        _U,
        (
            "severe|excruciating|unbearable|agonising|agonizing|worst|intense|extreme|crippling"
            " ~3 pain|ache|headache",
            "pain|headache ~3 =severe|=excruciating|=unbearable|=agonising|=agonizing",
            "sudden|suddenly ~4 sharp|stabbing|terrible|horrible|awful|shooting ~2 pain|headache",
            "=thunderclap",
        ),
    ),
    # Swelling of the face, eyelids, lips or throat (after a dye, henna or product: an
    # allergic reaction) and trouble breathing or swallowing need care now.
    _Rule(
        "allergic_swelling",
        _U,
        (
            "swollen|swelling|swell|swelled|puffy|puff|puffing ~3 face|eye|eyes|eyelid|eyelids"
            "|lip|lips|throat|tongue|mouth",
            "face|eye|eyes|eyelid|eyelids|lip|lips|throat|tongue ~4 swollen|swelling|swell"
            "|swelled|puffy|puff|puffing",
            "trouble|difficulty|hard|difficult|struggle|struggling|problem|problems ~2"
            " breathe|breathing|swallow|swallowing",
            "eye|eyes|eyelid|eyelids|lid|lids ~3 =shut|=closed|=closing",
            "=can't|=cant|=cannot ~1 open ~2 eye|eyes",
            "forehead ~3 swollen|swelling|swell|swelled|puffy",
            f"{_NOT} ~1 breathe|swallow",
            "throat ~2 tight|tightening|closing|close",
            "=anaphylaxis|=anaphylactic",
        ),
        skip_sentence=("if", "whether"),
    ),
    # A head injury with a warning sign (confusion, vomiting, drowsiness, passing out).
    _Rule(
        "head_injury_warning",
        _U,
        (
            "confused|confusion|vomit|vomiting|vomited|drowsy|dazed|disoriented|concussion",
            "pass|passed|black|blacked ~1 out",
            "throw|threw|throwing ~1 up",
            "knock|knocked ~1 out",
            "=being|=been =sick",
            "=nodding|=dozing|=drifting =off",
            "=out =for ~2 =second|=seconds|=minute|=minutes",
            "=can't|=cant|=cannot|=doesn't|=doesnt|=didn't ~1 =remember",
            "clear ~2 fluid|stuff|liquid ~4 nose|ear",
        ),
        kind="component",
    ),
    # A painful band or one-sided rash of blisters (possible shingles), chemical burns.
    _Rule(
        "shingles",
        _U,
        (
            "=shingles",
            "blister|blisters|rash|spot|spots ~6 one =side|=sided",
            "=one =- =sided ~3 blister|blisters|rash",
            "band|strip|line|stripe|cluster ~3 blister|blisters",
        ),
        skip_sentence=("vaccine", "vaccinate", "vaccinated", "vaccination", "jab"),
    ),
    _Rule(
        "chemical_burn",
        _U,
        (
            "chemical ~1 burn",
            "=burn|=burns|=burned|=burnt|blister|blisters|blistered|=raw|=peeling ~8 bleach"
            "|bleached|relaxer|relaxed|perm|permed|lightener|developer|chemical|chemicals|dye"
            "|dyed|colour|color|coloured|colored|henna|tint",
            "bleach|bleached|relaxer|perm|permed|lightener|developer|chemical|chemicals|dye|dyed"
            "|colour|color|coloured|colored|henna|tint ~8 =burn|=burns|=burned|=burnt|blister"
            "|blisters|blistered|=raw",
            # A scalp oozing or weeping after a dye, bleach or relaxer ("oozing on my scalp
            # since i dyed it"); not "honey coloured and oozing" (a colour, not a dye).
            "ooze|oozing|weep|weeping ~8 bleach|bleached|relaxer|relaxed|perm|permed|lightener"
            "|developer|dye|dyed|henna|tint",
            "bleach|bleached|relaxer|relaxed|perm|permed|lightener|developer|dye|dyed|henna|tint"
            " ~8 ooze|oozing|weep|weeping",
        ),
    ),
    # ---------------- components of combined urgent signs ----------------
    _Rule(
        "head_injury",
        _N,
        (
            "hit|hitting|bang|banged|bump|bumped|knock|knocked|smack|smacked|whack|whacked ~4 head",
            "fall|fell|fallen ~3 on|onto ~2 head",
            "head ~1 injury|wound|trauma",
            "blow ~3 head",
            "fall|fell|fallen ~8 scalp|head|forehead",
        ),
        kind="component",
    ),
    _Rule(
        "fever",
        _N,
        (
            "fever|feverish|febrile",
            "=chills|=shivery|=shivering|=shivers|=rigors",
            "=a|=high|=running ~1 temperature|temp",
            "=burning =up",
            "=hot =and =cold|=shivery",
        ),
        kind="component",
    ),
    _Rule(
        "inflamed",
        _N,
        (
            "hot|swollen|swelling|swell|painful|pain|hurt|hurts|throbbing|tender",
            "spread|spreading",
            "pus|abscess|=boil|=boils",
        ),
        kind="component",
        needs_location=True,
    ),
    # A discharge from the skin: with a fever or spreading, an infection that needs care
    # now ("a fever and the sore is oozing" as much as "a fever and pus").
    _Rule(
        "infection_component",
        _N,
        (
            "pus|abscess|=boil|=boils|pustule",
            "ooze|oozing",
            "weep|weeping ~3 patch|sore|spot|skin|scalp|wound|bump",
            "patch|sore|spot|skin|scalp|wound ~3 weep|weeping",
            "leak|leaking|drain|draining|discharge ~3 pus|yellow|gunk|fluid|matter|goo",
            "yellow ~1 =matter|=gunk|=goo|=discharge",
        ),
        kind="component",
    ),
    _Rule("spreading_component", _N, ("spread|spreading",), kind="component"),
    # ---------------- named conditions ----------------
    _Rule("psoriasis", _D, ("psoriasis|psoriatic",)),
    _Rule("eczema", _D, ("eczema|eczematous", "atopic ~1 dermatitis")),
    _Rule(
        "seborrheic_dermatitis",
        _D,
        (
            "seborrheic|seborrhoeic|seborrhea|seborrhoea|sebderm",
            "=seb =-? derm|dermatitis",
        ),
    ),
    # Cradle cap is common and harmless unless it is inflamed, weeping or spreading.
    _Rule(
        "cradle_cap",
        _D,
        ("=cradle =cap",),
        needs_words=(
            "red",
            "redness",
            "itch",
            "itchy",
            "bleed",
            "bleeding",
            "weep",
            "weeping",
            "ooze",
            "oozing",
            "crack",
            "cracked",
            "spread",
            "spreading",
            "sore",
            "rash",
            "infect",
            "infected",
            "swollen",
            "raw",
            "fever",
            "bad",
            "worse",
            "thick",
        ),
    ),
    _Rule("dermatitis", _D, ("dermatitis",)),
    _Rule("fungal_infection", _D, ("ringworm|tinea", "fungal|fungus", "=yeast ~1 infection")),
    _Rule("alopecia", _D, ("alopecia", "=frontal =fibrosing")),
    _Rule("folliculitis", _D, ("folliculitis",)),
    _Rule("lupus", _D, ("lupus",)),
    _Rule("lichen_planopilaris", _D, ("lichen|planopilaris",)),
    # A scar from an operation, stitches or a removed cyst is the wound's, not scarring
    # hair loss ("had a cyst removed, all healed, just a tiny scar").
    _Rule(
        "scarring",
        _D,
        ("scarring|scarred", "=scar =tissue", "shiny ~2 skin|patch|scalp|bald|spot|area"),
        skip_sentence=(
            "removed",
            "remove",
            "stitch",
            "stitches",
            "stitched",
            "surgery",
            "operation",
            "excised",
            "biopsy",
        ),
    ),
    _Rule("impetigo", _D, ("impetigo", "honey ~2 crust|crusty|crusted")),
    _Rule(
        "skin_cancer",
        _D,
        ("melanoma|carcinoma", "skin =cancer", "cancer", "=basal|=squamous =cell"),
        # "chemo for breast cancer" is the oncology team's (a special situation), not a
        # sign on the scalp.
        not_after=(
            "breast",
            "bowel",
            "lung",
            "prostate",
            "ovarian",
            "blood",
            "colon",
            "colorectal",
            "cervical",
            "pancreatic",
            "stomach",
            "throat",
            "bladder",
            "kidney",
            "liver",
            "bone",
            "brain",
            "testicular",
            "uterine",
            "womb",
            "thyroid",
            "oesophageal",
            "esophageal",
        ),
    ),
    # ---------------- described signs ----------------
    _Rule(
        "changing_mole",
        _D,
        (
            "mole|freckle ~6 change|changing|changed|grow|growing|grew|bigger|darker|bleed"
            "|irregular",
            "=new ~2 mole|growth|freckle",
            "dark|black|brown ~1 spot|patch ~6 new|change|changing|changed|grow|growing|bigger"
            "|darker",
        ),
    ),
    _Rule(
        "lump",
        _D,
        (
            "lump|growth|nodule|spot ~6 grow|growing|grew|bigger",
            "lump|nodule ~6 hard|tender|painful",
            "cyst|keloid",
        ),
    ),
    _Rule("rash", _D, ("rash",)),
    _Rule("blisters", _D, ("blister|blisters",)),
    _Rule(
        "infection_signs",
        _D,
        (
            "pus|abscess|=boil|=boils|pustule|pustules|cellulitis|=staph|=mrsa",
            "ooze|oozing|infected|infection",
            "leak|leaking|drain|draining|discharge ~3 pus|yellow|gunk|fluid|matter|goo",
            "yellow ~1 =matter|=gunk|=goo|=discharge",
            "weep|weeping ~3 patch|sore|spot|skin|scalp|wound|bump",
            "patch|sore|spot|skin|scalp|wound ~3 weep|weeping",
            "yellow|honey ~1 crust|crusty|crusted|scab",
        ),
    ),
    _Rule(
        "open_wound",
        _D,
        (
            "open ~1 wound|sore|cut|lesion",
            "raw ~2 skin|patch|scalp|spot",
            "scalp|skin ~2 raw|crack|cracking|cracked",
        ),
    ),
    _Rule("bleeding", _D, ("bleed|bleeding|bled",), skip_sentence=("period", "menstrual", "nose")),
    _Rule(
        "non_healing_sore",
        _D,
        (
            f"sore|wound|scab|cut|lesion|ulcer|spot|bump|patch|blister ~6 {_NOT}"
            " heal|healing|heals",
            f"sore|wound|scab|lesion|ulcer ~6 {_NOT} go|going|goes away",
            "=non =-? heal|healing",
            "=nonhealing",
            "scab|sore|wound ~3 keep reopen|reopening|scab|scabbing|open|opening",
        ),
    ),
    # Dandruff that a shampoo keeps in check is everyday dandruff, however long it lasts
    # ("every winter for years, the usual shampoo calms it down").
    _Rule(
        "persistent_scaling",
        _D,
        tuple(f"{_FLAKE} {tail}" for tail in _PERSIST),
        unless_controlled=True,
    ),
    _Rule("persistent_redness", _D, tuple(f"{_RED} {tail}" for tail in _PERSIST)),
    # On a baby's scalp, yellow greasy scale is cradle cap: not referred when the writer
    # denies cradle cap's signs of trouble ("not itchy, not red").
    _Rule(
        "seborrheic_description",
        _D,
        (
            f"{_SEB_ADJ} =,? =and? {_SEB_ADJ}|thick|big? flake|scale|crust|scab|dandruff",
            "flake|scale|dandruff =that|=which? be|look yellow|yellowish|greasy|waxy",
        ),
        in_babies="cradle_cap",
    ),
    _Rule(
        "psoriasis_description",
        _D,
        (
            "silver|silvery|silvering ~1 scale|plaque|flake|patch|crust|scaly",
            "thick ~2 scale|plaque|crust|crusty|scaly|crusted",
            "plaque",
        ),
    ),
    _Rule(
        "scaly_patch",
        _D,
        (
            "red|scaly|inflamed|raised|angry|crusty|crusted ~1"
            " patch|plaque|lesion|bump|ring|circle|spot",
        ),
    ),
    _Rule(
        "fungal_description",
        _D,
        (
            "ring|circle ~3 scale|scaly|flake|flaky",
            "scaly|itchy ~1 ring|circle",
            "=ring =-? =shape|=shaped",
            "black ~1 dot",
            "broken ~1 hair ~4 patch|ring|spot|scaly|circle",
            "patch|ring|spot|circle ~4 broken ~1 hair",
        ),
    ),
    _Rule(
        "patchy_hair_loss",
        _D,
        (
            "bald|hairless ~2 spot|patch|area|circle|ring|bit",
            "spot|patch|area ~2 =is|='s|=that|=completely|=totally ~1 bald|hairless",
            "patchy ~2 hair|bald|loss|hairloss",
            "hair ~1 loss|fall|falling|fell ~3 =in =patches|=patch|=spots|=clusters",
            "lose|losing|lost|fall|falling|come|coming|shed ~3 out? ~1 =in =patches|=spots",
            "patch|spot|circle ~3 =with|=without =no? hair",
            "patch ~1 of ~1 hair? ~1 missing|loss|gone",
            "round|circular|coin|coin-sized ~2 patch|spot|area",
            "thinning|bald|loss ~3 =in =a? =perfect|=small? circle|ring|patch",
        ),
    ),
    _Rule(
        "hair_loss_clumps",
        _D,
        (
            "clump|handful|chunk|fistful =of =my? hair",
            # "my brush is full of hair, clumps of it"
            "clump|handful|fistful =of =it|=them",
            "hair|fall|falling|come|coming|shed|shedding|lose|losing|lost|pull|pulling ~4 =in?"
            " clump|clumps|handful|handfuls|chunk|chunks|fistful|fistfuls",
        ),
    ),
    _Rule(
        "sudden_hair_loss",
        _D,
        (
            "sudden|suddenly|overnight ~3 hair ~1 loss|fall|falling|fell|lose|lost|shed|shedding",
            "sudden|suddenly|overnight ~2 bald|balding|lost|losing|lose",
            "hair ~5 fall|falling|fell|come|coming|came ~1 out ~3 suddenly|overnight",
            "bald|balding ~5 suddenly|overnight",
        ),
    ),
    _Rule("swelling", _D, ("swollen|swelling|swell",), needs_location=True),
    _Rule("scalp_burn", _D, ("=burn|=burned|=burnt|=burns ~2 my? scalp|skin",)),
    _Rule(
        "spreading_redness",
        _D,
        (
            "spread|spreading ~4 red|redness|rash|patch|swelling",
            f"{_RED}|patch|swelling ~5 spread|spreading",
        ),
    ),
    *NUTRIENT_RULES,
)
_RULE_BY_NAME = {rule.name: rule for rule in _RULES}
_NUTRIENT_RULES = frozenset(rule.name for rule in _RULES if rule.kind == "nutrient")
