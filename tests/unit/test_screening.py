"""Screening beyond one message's rules (pure): combining turns, the model, other languages."""

from __future__ import annotations

import numpy as np
import pytest

from scalpcare import other_languages, screening, text_model, triage
from scalpcare.contract import Referral
from scalpcare.triage import RedFlag, ScreenResult

N, C, D, U = Referral.NONE, Referral.DOCTOR, Referral.DERMATOLOGIST, Referral.URGENT


@pytest.fixture(scope="module", autouse=True)
def warm_pipeline() -> None:
    """Build the rules' spaCy pipeline once."""
    triage.warm_up()


# --------------------------------------------------------------------------
# Across turns
# --------------------------------------------------------------------------
# The user's messages, oldest first -> the conversation's level and new combinations.
CONVERSATIONS = [
    (
        [
            "there's a swollen bump with pus on my scalp",
            "hi",
            "and i've had a fever since last night",
        ],
        U,
        ("fever_with_inflamed_scalp", "fever_with_infection"),
    ),
    (
        ["pus coming out of a spot on my head", "now it's spreading down my neck"],
        U,
        ("spreading_infection",),
    ),
    (
        ["I banged my head on a cupboard", "now he keeps being sick"],
        U,
        ("head_injury_with_warning_sign",),
    ),
    (
        ["my scalp is really tender and hot", "i feel feverish too"],
        U,
        ("fever_with_inflamed_scalp",),
    ),
    # The sign is gone by the time the other arrives: no combination.
    (["had a fever last week", "the fever is gone now", "there's a little pus in one spot"], D, ()),
    (["pus in a spot on my scalp", "no fever though"], D, ()),
    (["i had a fever", "the fever's gone now", "my scalp is a bit sore"], N, ()),
    # Both in one message: that message's own finding, no new combination.
    (["pus and a fever"], U, ()),
    # Nothing medical.
    (["hi", "my scalp is oily", "what about dry shampoo?"], N, ()),
]


@pytest.mark.parametrize(("messages", "level", "combinations"), CONVERSATIONS)
def test_conversation_state(
    messages: list[str], level: Referral, combinations: tuple[str, ...]
) -> None:
    """Signs combine across turns; a sign said to be gone no longer counts."""
    state = screening.conversation_state([triage.screen(m) for m in messages])
    assert state.level is level, state
    assert state.combinations == combinations


def test_a_sign_mentioned_again_counts_again() -> None:
    """Gone, then back: the latest word wins."""
    results = [
        triage.screen("i had pus in a spot"),
        triage.screen("the pus has gone"),
        triage.screen("oh no the pus is back and i have a fever"),
    ]
    assert screening.conversation_state(results).level is U


# --------------------------------------------------------------------------
# Rules and model together
# --------------------------------------------------------------------------
def test_combine_keeps_the_rules_when_the_model_adds_nothing() -> None:
    """The model never lowers what the rules found."""
    rules = triage.screen("i have psoriasis")
    assert screening.combine(rules, N) is rules
    assert screening.combine(rules, C).level is D


def test_combine_raises_to_the_models_level_with_a_plain_finding() -> None:
    """A model-only finding has no quoted words and names the model's sign."""
    rules = triage.screen("a bare smooth circle where my hair used to be")
    result = screening.combine(rules, D, ["patchy_loss"])
    assert result.level is D
    assert result.flags[-1] == RedFlag("patchy_loss", D, "", 0, 0)
    assert "patchy_loss" in result.signs


def test_combine_makes_urgent_combinations_from_the_models_signs() -> None:
    """A rule's fever and the model's infection sign are urgent together."""
    rules = triage.screen("i've had a fever since last night")
    result = screening.combine(rules, D, ["infection"])
    assert result.level is U
    assert "fever_with_infection" in result.conditions


@pytest.mark.parametrize(
    ("signs", "unsupported", "level"),
    [
        (["swelling"], D, D),  # no urgent sign: the other heads' level
        ([], C, C),  # "vegetarian, lost weight fast, hair coming out": a doctor's matter
        ([], N, N),
        (["allergic"], C, U),  # an urgent sign supports the urgent call
    ],
)
def test_an_urgent_call_without_an_urgent_sign_takes_the_other_heads_level(
    signs: list[str], unsupported: Referral, level: Referral
) -> None:
    """The model's urgent head needs an urgent sign; without one, the level below decides."""
    result = screening.combine(ScreenResult(), U, signs, {}, unsupported)
    assert result.level is level


@pytest.mark.parametrize(
    ("text", "model_signs", "level"),
    [
        # bleeding the rules judged below urgent: the model's urgent call is unsupported
        (
            "she has a scabby sore on the top of her head that bleeds whenever she brushes",
            ["bleeding"],
            D,
        ),
        ("when i pick off the scaly bits it bleeds a little then stops", ["bleeding"], D),
        # bleeding the rules read as urgent, or another urgent sign beside it, still is
        ("my scalp is bleeding a lot and it wont stop", ["bleeding"], U),
        (
            "a sore that bleeds when i brush and now the whole side is spreading red and hot",
            ["bleeding", "spreading"],
            U,
        ),
        # a bleeding sign only the model found (nothing judged by the rules) supports it
        ("theres blood everywhere on my pillow", ["bleeding"], U),
    ],
)
def test_bleeding_the_rules_judged_below_urgent_supports_no_urgent_call(
    text: str, model_signs: list[str], level: Referral
) -> None:
    """The rules read bleeding's urgency from its wording; the model's heads cannot."""
    probabilities = {sign: 0.9 for sign in model_signs}
    result = screening.combine(triage.screen(text), U, model_signs, probabilities, D)
    assert result.level is level


def test_combine_nutrient_sign_sets_the_nutrient_flag() -> None:
    """The model's deficiency sign is nutrient context."""
    result = screening.combine(ScreenResult(), C, ["deficiency"])
    assert result.nutrient_deficiency
    assert result.level is C


# --------------------------------------------------------------------------
# Features and the model
# --------------------------------------------------------------------------
def _keys(text: str) -> set[int]:
    return set(screening.hashed_features(text)[0].tolist())


def test_negation_marks_the_words_in_its_scope() -> None:
    """'no fever' and 'fever' differ; punctuation ends the scope."""
    assert text_model._hash("w:~fever") in _keys("no fever")
    assert text_model._hash("w:fever") in _keys("a fever")
    assert text_model._hash("w:pus") in _keys("no fever, pus")


def test_features_are_unit_length_blocks() -> None:
    """Words and characters each have unit length."""
    columns, values = screening.hashed_features("thick silver scales")
    assert len(columns) == len(values)
    assert np.isclose(float(values @ values), 2.0)
    empty_columns, _ = screening.hashed_features("")
    assert empty_columns.size == 0


def _tiny_model() -> screening.ScreeningModel:
    """A model trained on a handful of messages (8-dimensional stand-in vectors)."""
    rng = np.random.default_rng(0)
    texts = {
        "a bare smooth circle with no hair": (D, {"patchy_loss"}),
        "coin sized bald spot appeared": (D, {"patchy_loss"}),
        "pus and a high temperature": (U, {"infection", "fever"}),
        "hot swollen lump and feverish": (U, {"swelling", "fever"}),
        "eating 600 calories a day and shedding": (C, {"deficiency"}),
        "vegan no plan and hair everywhere": (C, {"deficiency"}),
        "oily roots by the evening": (N, set()),
        "what is a scalp facial": (N, set()),
        "dry shampoo buildup": (N, set()),
        "no bald spots just greasy": (N, set()),
    }
    examples = [
        screening.Example(t, rng.normal(size=8), level, frozenset(signs))
        for t, (level, signs) in texts.items()
    ]
    return screening.train(examples, c=10.0, min_positives=2)


def test_training_gives_level_heads_and_sign_heads() -> None:
    """Three level heads first, then the signs with enough examples; arrays round-trip."""
    model = _tiny_model()
    assert model.heads[:3] == list(screening.LEVEL_HEADS)
    assert {"patchy_loss", "deficiency", "fever"} <= set(model.heads)
    assert model.dense_size == 8
    stored = screening.ScreeningModel.from_stored(model.arrays(), model.meta())
    text = "a smooth bald circle"
    assert stored.probabilities(text, np.zeros(8)) == model.probabilities(text, np.zeros(8))


def test_model_levels_follow_the_thresholds() -> None:
    """The strongest head over its threshold wins; none below every threshold."""
    model = _tiny_model()
    probs = {"doctor": 0.9, "dermatologist": 0.6, "urgent": 0.2}
    model.thresholds = {"doctor": 0.5, "dermatologist": 0.5, "urgent": 0.5}
    assert model.level(probs) is D
    model.thresholds["urgent"] = 0.1
    assert model.level(probs) is U
    assert model.level({"doctor": 0.1, "dermatologist": 0.1, "urgent": 0.01}) is N


def _status_examples() -> list[screening.Example]:
    """Sign talk labelled current or not, plus a benign message without a status."""
    rng = np.random.default_rng(1)
    rows = [
        ("bald patch appeared last week", D, True),
        ("a bald spot showed up this month", D, True),
        ("had a bald patch years ago, it filled in", N, False),
        ("no bald spot at all", N, False),
        ("oily roots by the evening", N, None),
    ]
    return [
        screening.Example(t, rng.normal(size=8), level, frozenset(), current=current)
        for t, level, current in rows
    ]


def test_the_status_head_trains_on_sign_talk_only() -> None:
    """Messages with a status train the status head; those without (benign) do not."""
    examples = _status_examples()
    mask, y = screening.head_targets(examples)[screening.STATUS_HEAD]
    assert mask.tolist() == [True, True, True, True, False]
    assert y[mask].tolist() == [True, True, False, False]
    model = screening.train(examples, c=10.0, min_positives=1, status_c=10.0)
    assert screening.STATUS_HEAD in model.heads
    probs = model.probabilities("had a bald patch years ago, it filled in", None)
    assert probs[screening.STATUS_HEAD] < 0.5
    assert screening.STATUS_HEAD not in model.signs({h: 1.0 for h in model.heads})


def test_without_status_examples_there_is_no_status_head() -> None:
    """A corpus without status labels trains the level and sign heads only."""
    assert screening.STATUS_HEAD not in _tiny_model().heads


@pytest.mark.parametrize(
    ("current", "level", "signs"),
    [
        (0.9, D, ("patchy_loss",)),  # current: the level heads count
        (0.45, D, ("patchy_loss",)),  # at the threshold
        (0.2, N, ()),  # not current: the model adds nothing
    ],
)
def test_the_status_head_gates_the_models_level_and_signs(
    current: float, level: Referral, signs: tuple[str, ...]
) -> None:
    """Below its threshold the status head silences the model (the rules still count)."""
    model = _tiny_model()
    model.heads = [*model.heads, screening.STATUS_HEAD]
    model.thresholds = {
        "doctor": 0.5,
        "dermatologist": 0.5,
        "urgent": 0.5,
        "patchy_loss": 0.5,
        screening.STATUS_HEAD: 0.45,
    }
    probs = {h: 0.0 for h in model.heads}
    probs.update({"doctor": 0.9, "dermatologist": 0.8, "patchy_loss": 0.9})
    probs[screening.STATUS_HEAD] = current
    assert model.level(probs) is level
    assert model.signs(probs) == signs


def test_model_reads_a_message_without_a_sentence_vector() -> None:
    """No vector (or one of the wrong size): the n-grams alone still give probabilities."""
    model = _tiny_model()
    probs = model.probabilities("coin sized bald spot", None)
    assert set(probs) == set(model.heads)
    assert model.probabilities("coin sized bald spot", np.zeros(3)) == probs


# --------------------------------------------------------------------------
# The safety net's symptom words
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("there's something weird going on, it hurts when i touch it", True),
        ("a lump behind my ear", True),
        ("me duele mucho la cabeza", True),
        ("can you do balayage on short hair", False),
        ("what time do you close", False),
    ],
)
def test_describes_symptom(text: str, expected: bool) -> None:
    """Body-symptom words, in English and the lexicon's languages."""
    assert screening.describes_symptom(text) is expected


def test_describes_symptom_from_the_models_probability() -> None:
    """No symptom word, but the model leans towards a referral."""
    data = {"model": {"probabilities": {"doctor": 0.4}}}
    assert screening.describes_symptom("it's just not right up there", data)
    assert not screening.describes_symptom("it's just not right up there", {})


# --------------------------------------------------------------------------
# Other languages
# --------------------------------------------------------------------------
LANGUAGE_CASES = [
    ("Tengo fiebre, la cabeza hinchada y sale pus", "es", U),
    ("J'ai de la fièvre et du pus sur le cuir chevelu", "fr", U),
    ("Meine Kopfhaut blutet und hört nicht auf zu bluten", "de", U),
    ("Mi cara está muy hinchada después del tinte", "es", U),
    ("Ich habe eine kahle Stelle am Kopf", "de", D),
    ("tengo psoriasis en el cuero cabelludo", "es", D),
    ("no tengo fiebre, solo me pica un poco la cabeza", "es", N),
    ("pas de fièvre, juste des pellicules", "fr", N),
    ("tuve psoriasis hace años, ahora nada", "es", N),
    ("hola, quiero una cita para un corte", "es", N),
    # Signs read by the vocabulary (other_languages._VOCABULARY), their negated, past
    # and general-question forms, and everyday wording with the same words.
    ("se me hinchan los párpados desde que me teñí ayer", "es", U),
    ("tengo los ojos casi cerrados de lo hinchados que están", "es", U),
    ("después del tinte me salieron ronchas y me cuesta tragar", "es", U),
    ("me salieron ronchas en los brazos después de la mascarilla", "es", D),
    ("la decoloración me quemó el cuero cabelludo y está en carne viva", "es", U),
    ("me han salido ampollas en la cabeza después de las mechas", "es", U),
    ("tengo unas ampollas pequeñas detrás de la oreja", "es", D),
    ("no tengo ampollas ni me pica, solo quiero un tratamiento", "es", N),
    ("mi hijo se cayó del columpio, se dio en la cabeza y ha vomitado dos veces", "es", U),
    ("me di un golpe en la cabeza con la puerta y ahora estoy muy adormilado", "es", U),
    ("el bulto de la nuca está muy caliente y la rojez se extiende", "es", U),
    ("tengo 39 grados y el grano de la cabeza está caliente", "es", U),
    ("le sangra la herida de la cabeza desde hace 25 minutos aunque aprieto", "es", U),
    ("el granito de la cabeza rezuma un líquido amarillo", "es", D),
    ("hace años tuve ampollas por un tinte, ahora todo bien", "es", N),
    ("el tinte me quemó el pelo, lo tengo muy seco", "es", N),
    ("me quema un poco el tinte al aplicarlo, ¿es normal?", "es", N),
    ("me caí en la calle y me sangra la rodilla, quiero pedir cita para mechas", "es", D),
    ("se me cae mucho el pelo en la ducha", "es", N),
    ("no vomité ni estoy confundido, solo me duele un poco el golpe en la cabeza", "es", N),
    ("mes paupières gonflent depuis la coloration d'hier", "fr", U),
    ("j'ai de l'urticaire partout et du mal à avaler", "fr", U),
    ("la décoloration m'a fait des cloques sur le crâne", "fr", U),
    ("c'est à vif depuis mon défrisage", "fr", U),
    ("pas de cloques, pas de rougeur, juste des pellicules", "fr", N),
    ("il est tombé de vélo sur la tête et il est très somnolent", "fr", U),
    ("ma fille s'est cogné la tête, elle a vomi deux fois", "fr", U),
    ("la rougeur s'étend et la bosse est chaude au toucher", "fr", U),
    ("j'ai 38,5 de fièvre et le bouton sur mon crâne s'étend", "fr", U),
    ("le bouton suinte depuis hier", "fr", D),
    ("j'ai eu une brûlure avec une teinture il y a longtemps, tout va bien", "fr", N),
    ("mes cheveux sont brûlés par la décoloration, ils cassent", "fr", N),
    ("les ampoules de sérum pour le cuir chevelu marchent bien ?", "fr", N),
    ("mes cheveux tombent beaucoup depuis l'hiver", "fr", N),
    ("nach dem Färben schwellen meine Augenlider an", "de", U),
    ("meine Augen sind ganz zugeschwollen", "de", U),
    ("seit der Haarfarbe habe ich Quaddeln und kann kaum schlucken", "de", U),
    ("die Blondierung hat meine Kopfhaut verätzt", "de", U),
    ("kleine Bläschen auf der Kopfhaut nach dem Tönen", "de", U),
    ("die Stelle ist ganz wund und nässt", "de", D),
    ("ich habe keine Blasen und kein Fieber, nur etwas Schuppen", "de", N),
    ("mein Sohn ist vom Fahrrad auf den Kopf gefallen und ist jetzt ganz benommen", "de", U),
    ("ich habe mir den Kopf am Schrank gestoßen und musste mich übergeben", "de", U),
    ("die Beule ist heiß und die Rötung breitet sich aus", "de", U),
    ("ich habe 39 Grad Fieber und die Stelle am Kopf ist geschwollen", "de", U),
    ("ich hatte vor Jahren Blasen nach dem Färben, seitdem nie wieder", "de", N),
    ("meine Haare sind vom Glätteisen verbrannt und brechen ab", "de", N),
    ("die Haarfarbe brennt ein bisschen beim Einwirken, ist das normal?", "de", N),
    ("auf nassen Haaren auftragen oder auf trockenen?", "de", N),
    (
        "Als Kind hatte ich eine Allergie auf Henna. "
        "Jetzt habe ich gefärbt und mein Gesicht schwillt an",
        "de",
        U,
    ),
    ("los ojos no están hinchados, es solo caspa", "es", N),
    ("¿el tinte puede hacer ampollas? quiero saberlo antes de mi cita", "es", N),
    ("me caí de la bici la semana pasada pero la cabeza está bien, quiero un masaje", "es", N),
    ("uso agua muy caliente para lavarme el pelo, ¿es malo?", "es", N),
    ("est-ce que la décoloration peut faire des cloques ?", "fr", N),
    ("mes yeux ne sont pas gonflés, c'est juste des pellicules", "fr", N),
    ("ma fille est tombée hier mais elle va très bien, pas de bosse", "fr", N),
    ("j'ai 38 ans et des pellicules depuis l'hiver", "fr", N),
    ("mein Gesicht ist nicht geschwollen, nur die Kopfhaut schuppt leicht", "de", N),
    ("kann das Blondieren Blasen machen? ich habe nächste Woche einen Termin", "de", N),
    ("die Haarfarbe hat mir gut gefallen, danke für den Tipp", "de", N),
    ("der Föhn ist sehr heiß, schadet das der Kopfhaut?", "de", N),
    ("tengo un dolor insoportable en la cabeza desde esta mañana", "es", U),
    ("tengo la piel un poco roja, nada de dolor intenso", "es", N),
    ("la douleur est atroce depuis ce matin", "fr", U),
    ("j'ai des cloques d'un seul côté de la tête qui brûlent", "fr", U),
    ("ich habe Gürtelrose am Kopf, glaube ich", "de", U),
    ("ich bekomme kaum Luft seit dem Färben", "de", U),
    ("ich habe keine unerträglichen Schmerzen, nur Juckreiz", "de", N),
    # Context of shedding (doctor; with hair loss in the same message, as in the English
    # nutrient rules), and the dermatologist signs: clumps, round patches, yellow greasy
    # scale, boils, sores that do not heal, scaling nothing helps, a red scaly scalp after
    # a dye. Each with forms that stay none.
    ("nació mi hija en marzo y desde entonces se me cae el pelo a montones", "es", C),
    ("sigo dando el pecho y se me está cayendo muchísimo el pelo", "es", C),
    ("tengo la regla muy abundante y noto el pelo más fino", "es", C),
    ("llevo meses comiendo casi nada de carne y se me cae mucho el pelo", "es", C),
    ("desde que me operaron de la vesícula biliar se me cae el pelo en la ducha", "es", C),
    ("me dijeron que tengo el hierro bajo", "es", C),
    ("siempre tengo frío, he engordado y se me cae el pelo", "es", C),
    ("se me cae un poco el pelo al peinarme", "es", N),
    ("¿la lactancia puede hacer que se caiga el pelo?", "es", N),
    ("estoy amamantando, ¿puedo usar un sérum con menta?", "es", N),
    ("soy vegetariana y me encanta el masaje de cabeza", "es", N),
    ("no tengo anemia, quiero reservar un tratamiento", "es", N),
    ("hace años tuve anemia, ahora todo está bien", "es", N),
    ("después del parto se me cayó mucho pelo pero ya volvió a crecer", "es", N),
    ("estoy cansada y se me cae el pelo al peinarme", "es", N),
    ("se me cae el pelo a mechones desde hace unos días", "es", D),
    ("a mi hijo le ha salido una zona redonda sin pelo en la nuca", "es", D),
    ("tengo costras amarillas en el cuero cabelludo", "es", D),
    ("me salen forúnculos en la cabeza cada mes", "es", D),
    ("tengo una herida detrás de la oreja que no se cura", "es", D),
    ("tengo caspa y ningún champú me funciona", "es", D),
    ("me teñí el lunes y ahora tengo el cuero cabelludo rojo y con escamas", "es", D),
    ("tengo un poco de caspa, ¿qué champú me recomiendan?", "es", N),
    ("me teñí el pelo rojo y estoy encantada", "es", N),
    ("no tengo ninguna zona sin pelo, solo lo noto seco", "es", N),
    ("no se me cae el pelo a mechones, solo algún pelo suelto", "es", N),
    ("mes cheveux ne tombent pas par touffes, juste un peu plus qu'avant", "fr", N),
    ("j'allaite encore et je perds beaucoup de cheveux", "fr", C),
    ("mes règles sont très abondantes et mes cheveux tombent", "fr", C),
    ("je suis végane sans suivi et je perds mes cheveux par paquets", "fr", C),
    ("le médecin m'a dit que j'ai une carence en fer", "fr", C),
    ("est-ce que l'allaitement peut faire tomber les cheveux ?", "fr", N),
    ("je suis végétarienne, quel shampoing pour un cuir chevelu gras ?", "fr", N),
    ("je n'ai pas de carence en fer, juste des pellicules", "fr", N),
    ("mes cheveux tombent un peu à chaque automne", "fr", N),
    ("mes cheveux partent par poignées sous la douche", "fr", D),
    ("ma fille a une plaque ronde sans cheveux au-dessus de l'oreille", "fr", D),
    ("des squames jaunes collent à mon cuir chevelu", "fr", D),
    ("j'ai des furoncles sur la nuque, encore un cette semaine", "fr", D),
    ("j'ai une petite plaie sur le crâne qui ne cicatrise pas", "fr", D),
    ("j'ai des pellicules grasses, que faire ?", "fr", N),
    ("seit der Entbindung verliere ich sehr viele Haare", "de", C),
    ("ich habe eine sehr starke Periode und meine Haare werden dünner", "de", C),
    ("seit der Operation im Mai fallen mir die Haare aus", "de", C),
    ("laut Blutbild habe ich Eisenmangel", "de", C),
    ("kann Stillen zu Haarausfall führen, wie lange dauert das?", "de", N),
    ("ich bin Veganerin, welches Shampoo passt zu mir?", "de", N),
    ("ich habe keinen Eisenmangel, mein Blutbild war gut", "de", N),
    ("meine Haare fallen nicht aus, ich stille nur noch", "de", N),
    ("nach der Grippe hatte ich Haarausfall, jetzt ist alles nachgewachsen", "de", N),
    ("mir gehen die Haare büschelweise aus", "de", D),
    ("mein Mann hat eine runde kahle Stelle im Bart", "de", D),
    ("ich habe gelbe Schuppen, die am Kopf festkleben", "de", D),
    ("ich bekomme immer wieder Furunkel am Hinterkopf", "de", D),
    ("die kleine Wunde an der Kopfhaut heilt seit Wochen nicht", "de", D),
    ("ich habe etwas Schuppen nach dem Winter", "de", N),
]


@pytest.mark.parametrize(("text", "lang", "level"), LANGUAGE_CASES)
def test_other_languages(text: str, lang: str, level: Referral) -> None:
    """The lexicon's red flags, negation and past; the language is recognised."""
    assert other_languages.detect_language(text) == lang
    assert triage.screen(text).level is level


@pytest.mark.parametrize(
    "text",
    ["i don't have psoriasis", "no pus", "my scalp is itchy but nothing is bleeding", "hi"],
)
def test_english_is_not_read_as_another_language(text: str) -> None:
    """Words shared with English count only in a message in that language."""
    assert other_languages.detect_language(text) is None
    assert other_languages.foreign_flags(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "i'm a bit confused about the plaques on my scalp",
        "blisters after bleach and my eyes are swollen shut",
        "my son fell and hit his head, he vomited",
        "39 degrees and a hot lump that is spreading",
    ],
)
def test_vocabulary_runs_only_in_another_language(text: str) -> None:
    """English wording of the same signs is the English rules' (no foreign findings)."""
    assert other_languages.detect_language(text) is None
    assert other_languages.foreign_flags(text) == []


def test_vocabulary_signs_are_the_rules_components() -> None:
    """The head-injury cues report the English rules' component signs, so the urgent
    combinations (triage.URGENT_COMBINATIONS) apply to them as to English messages."""
    needed = set().union(*(signs for _, signs in triage.URGENT_COMBINATIONS))
    reported = {sign for pairs in other_languages._CUES.values() for sign, _ in pairs}
    assert {"head_injury", "head_injury_warning", "bleeding"} <= needed & reported
    assert {cue for cues, _, _ in other_languages._LOCAL for cue in cues} <= (
        set(other_languages._CUES) | {"swelling"}
    )


@pytest.mark.parametrize(
    ("turns", "level"),
    [
        (["mi hija se cayó y se golpeó la cabeza", "ahora la noto muy adormilada y confundida"], U),
        (["ich habe Fieber, 39 Grad", "und die Rötung am Kopf breitet sich aus"], U),
        (["je me suis cogné la tête contre le placard", "non, je n'ai pas vomi"], N),
    ],
)
def test_other_language_signs_combine_across_turns(turns: list[str], level: Referral) -> None:
    """A head injury now and a warning sign later (or a fever and spreading) is urgent."""
    results = [triage.screen(turn) for turn in turns]
    assert screening.conversation_state(results).level is level


@pytest.mark.parametrize(
    "text",
    [
        "tuve a mi bebé hace cuatro meses y se me cae muchísimo el pelo",
        "j'ai accouché il y a trois mois et je perds énormément de cheveux",
        "seit der Geburt vor vier Monaten fallen mir ständig Haare aus",
    ],
)
def test_other_languages_nutrient_context_sets_the_nutrient_flag(text: str) -> None:
    """A doctor's matter in Spanish, French or German is nutrient context, as in English."""
    result = triage.screen(text)
    assert result.level is Referral.DOCTOR
    assert result.nutrient_deficiency and result.nutrient_signals


# --------------------------------------------------------------------------
# The everyday head: ordinary dandruff in strong words
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "family", "everyday"),
    [
        ("my scalp is flaky and itchy, there are flakes on my shirts", True, True),
        ("flakes everywhere and it itches like mad", True, True),
        ("white flakes on my shoulders every day this month", True, True),
        ("tiny dry white flakes, scalp not red at all", True, True),  # a sign said absent
        ("no bleeding, no crusts, just flakes", True, True),
        ("thick silvery scale along my hairline", True, False),
        ("itchy scalp, greasy yelow flakes and rednes", True, False),  # typos
        ("flaky scalp for months and nothing helps", True, False),
        ("dandruff shampoo isnt touching my flakes", True, False),  # not helped
        ("tried everything for my dandruff", True, False),
        ("itchy and it bleeds when i scratch", True, False),
        ("flakes on my eyebrows and forehead too", True, False),  # beyond the hairline
        ("my baby has dry flakes on her head", True, False),
        ("my vitamin d is low, hair dry and shedding", True, False),  # the doctor's context
        ("oily roots by the evening", False, False),  # not the family
    ],
)
def test_everyday_flaking_reads_the_family_and_the_dermatologists_signs(
    text: str, family: bool, everyday: bool
) -> None:
    """The everyday head's family, and what keeps a flaking message beyond its reach."""
    assert screening.flaking_words(text) is family
    assert screening.everyday_flaking(text) is everyday


def _everyday_model() -> screening.ScreeningModel:
    """A tiny model with the everyday head trained on a few flaking messages."""
    rng = np.random.default_rng(2)
    rows = [
        ("flakes on my shirts and itchy", N, True),
        ("dry flaky scalp in winter", N, True),
        ("thick silvery plaques that bleed", D, False),
        ("yellow greasy crusts for months", D, False),
        ("oily roots by the evening", N, None),
    ]
    examples = [
        screening.Example(t, rng.normal(size=8), level, frozenset(), everyday=everyday)
        for t, level, everyday in rows
    ]
    mask, y = screening.head_targets(examples, min_positives=1)[screening.EVERYDAY_HEAD]
    assert mask.tolist() == [True, True, True, True, False]
    assert y[mask].tolist() == [True, True, False, False]
    return screening.train(examples, c=10.0, min_positives=1)


def test_the_everyday_head_is_read_only_on_everyday_flaking() -> None:
    """Off its family, or with a dermatologist's sign, the everyday head reads 0."""
    model = _everyday_model()
    assert screening.EVERYDAY_HEAD in model.heads
    assert model.probabilities("oily roots by the evening", None)[screening.EVERYDAY_HEAD] == 0.0
    bleeding = model.probabilities("thick silvery plaques that bleed", None)
    assert bleeding[screening.EVERYDAY_HEAD] == 0.0
    assert screening.EVERYDAY_HEAD not in model.signs({h: 1.0 for h in model.heads})


@pytest.mark.parametrize(
    ("everyday", "urgent", "level"),
    [
        (0.9, 0.0, N),  # everyday dandruff: no doctor or dermatologist call
        (0.5, 0.0, N),  # at the threshold
        (0.3, 0.0, D),  # below it: the level heads count
        (0.9, 0.9, U),  # the urgent head still fires
    ],
)
def test_the_everyday_head_holds_back_doctor_and_dermatologist_calls(
    everyday: float, urgent: float, level: Referral
) -> None:
    """Above its threshold the everyday head keeps the model's doctor and dermatologist calls."""
    model = _tiny_model()
    model.heads = [*model.heads, screening.EVERYDAY_HEAD]
    model.thresholds = {"doctor": 0.5, "dermatologist": 0.5, "urgent": 0.5}
    model.thresholds[screening.EVERYDAY_HEAD] = 0.5
    probs = {h: 0.0 for h in model.heads}
    probs.update({"doctor": 0.9, "dermatologist": 0.8, "urgent": urgent})
    probs[screening.EVERYDAY_HEAD] = everyday
    assert model.level(probs) is level
