"""Nutrient-deficiency context: the ``doctor`` rules (docs/content-rules.md, "Referral levels").

Diets, periods, childbirth, illness, weight loss, thyroid signs, overwork: context that
can go with a nutrient deficiency or another medical cause of shedding. Written in the
pattern language of :mod:`scalpcare.triage.rule_language`.
"""

from __future__ import annotations

from scalpcare.triage.rule_language import _C, _NOT, _Rule

NUTRIENT_RULES: tuple[_Rule, ...] = (
    _Rule(
        "vegan_or_vegetarian",
        _C,
        (
            "vegan|vegetarian|veggie",
            "=plant =-? =based",
            f"{_NOT} eat ~1 any? meat|fish|animal|dairy|egg",
        ),
        kind="nutrient",
        # "vegan dyes", "a vegetarian restaurant": a product or a place, not a diet.
        not_before=(
            "dye",
            "shampoo",
            "product",
            "conditioner",
            "brand",
            "colour",
            "color",
            "option",
            "leather",
            "food",
            "recipe",
            "restaurant",
            "friendly",
            "formula",
            "range",
        ),
    ),
    _Rule(
        "restrictive_diet",
        _C,
        (
            "crash|strict|extreme|restrictive|restricted|starvation|fad|juice|liquid|detox ~2"
            " diet|dieting|cleanse",
            "=very =low ~1 calorie|calories",
            r"# re:^k?cals?$|^calories?$|^kcals?$",
            r"re:^\d+k?cals?$|^\d+kcals?$",
            "keto|ketogenic|carnivore|=omad",
            "=intermittent =fasting",
            "=fasting",
            "barely|hardly|rarely ~1 eat|eating",
            f"{_NOT} eat|eating ~1 much|enough|properly|anything",
            "skip|skipping ~1 meal|meals|breakfast|lunch|dinner",
            f"{_NOT} ~3 proper|real|decent|square|full ~1 meal|meals",
            "=eating =disorder",
            "anorexia|anorexic|bulimia|bulimic|=arfid",
            "=one =meal =a =day",
            "=only eat|eating ~2 =once|=one",
        ),
        kind="nutrient",
    ),
    _Rule(
        "heavy_periods",
        _C,
        (
            "heavy|heavier ~2 period|periods|menstruation|menses",
            "period|periods ~3 heavy|heavier|flooding",
            "menorrhagia",
            "heavy ~2 bleeding ~3 period|periods",
        ),
        kind="nutrient",
    ),
    _Rule(
        "low_lab_result",
        _C,
        (
            "low|lowish|deficient|deficiency|insufficient|borderline ~3"
            " iron|ferritin|vitamin|vit|=b12|=d3|folate|zinc|hemoglobin|haemoglobin|protein|level",
            "iron|ferritin|=b12|vitamin|folate|zinc|hemoglobin|haemoglobin|level|protein|intake ~4"
            " low|lowish|deficient|deficiency|borderline",
            "anemia|anaemia|anemic|anaemic",
            "ferritin ~4 #",
            "deficient|deficiency",
        ),
        kind="nutrient",
    ),
    _Rule(
        "low_protein",
        _C,
        (
            f"{_NOT} ~3 =enough|=much protein",
            "barely|hardly|little|rarely ~2 protein",
        ),
        kind="nutrient",
    ),
    _Rule(
        "after_illness",
        _C,
        (
            "after|since|post|following|recover|recovering|from ~3 covid|flu|illness|sickness"
            "|surgery|operation|hospital|virus|pneumonia|fever|infection|sick|ill|icu|sepsis",
            "have|had|get|got|catch|caught ~2 covid|flu|surgery|operation|pneumonia",
            "covid|coronavirus",
            "=been ~2 =sick|=ill",
        ),
        kind="nutrient",
        # Chemotherapy is the oncology team's question, not a deficiency guess, and an
        # illness is context only with shedding (docs/content-rules.md, "Special situations").
        needs_hair_loss=True,
    ),
    _Rule(
        "postpartum",
        _C,
        (
            "postpartum|postnatal|breastfeeding|breastfeed|pregnancy|pregnant|childbirth",
            "=post =-? =partum",
            "give|gave|giving =birth",
            "have|had|having =a|=my =baby",
            "=new =baby",
            "newborn",
            "baby ~2 be #",
            "=since ~2 =the|=my =baby",
            "=breast =-? =feeding",
        ),
        kind="nutrient",
        # Pregnancy or a new baby is context only with shedding (docs/content-rules.md).
        needs_hair_loss=True,
    ),
    _Rule(
        "rapid_weight_loss",
        _C,
        (
            "lose|lost|losing|drop|dropped ~3 # kg|kgs|kilo|kilos|pound|pounds|lb|lbs|stone",
            r"lose|lost|losing|drop|dropped ~3 re:^\d+(kg|kgs|kilos?|lbs?|st)$",
            "lose|lost|losing ~3 weight ~3 fast|quickly|quick|rapidly",
            "rapid|fast|quick|sudden|dramatic ~1 weight ~1 loss",
            "lose|lost|losing ~3 lot =of =weight",
        ),
        kind="nutrient",
    ),
)
