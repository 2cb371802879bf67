"""addons.policies.context_policy: a typed answer right after a yes/no question, as tables."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from addons.policies.context_policy import (
    after_answer,
    answer_action,
    answered_last_turn,
    asks_in_a_row,
    booking_answer_action,
    booking_reply_action,
    change_request_action,
    faq_again_action,
    faq_rescue_action,
    follow_up_action,
    habit_action,
    limits_given,
    massage_amount_action,
    pending_question,
    skip_action,
    step_aside_action,
    stop_booking_action,
    summary_action,
)

FORGET = [
    UserUttered("forget me"),
    ActionExecuted("action_ask_forget"),
    BotUttered("This deletes everything... Shall I go ahead?"),
    SlotSet("forget_offered", True),
    ActionExecuted("action_listen"),
]
CONSENT = [
    UserUttered("twice a week"),
    ActionExecuted("action_give_routine"),
    SlotSet("consent_offered", True),
    ActionExecuted("action_listen"),
]
SUMMARY = [
    UserUttered("thick scales for months"),
    ActionExecuted("action_triage"),
    SlotSet("summary_offered", True),
    ActionExecuted("action_listen"),
]


def _answered(before: list, text: str) -> list:
    return [*before, UserUttered(text)]


@pytest.mark.parametrize(
    ("events", "text", "action"),
    [
        (FORGET, "go for it", "action_forget_me"),
        (FORGET, "yes, delete everything", "action_forget_me"),
        (FORGET, "👍", "action_forget_me"),
        (FORGET, "no keep it", "action_keep_data"),
        (FORGET, "what gets deleted?", None),
        (FORGET, "not sure", None),
        (FORGET, "my scalp is oily", None),
        (CONSENT, "sure", "action_give_consent"),
        (CONSENT, "no thanks", "action_decline_consent"),
        (SUMMARY, "yes please", "action_referral_summary"),
        (SUMMARY, "nah", "action_decline_summary"),
        # another message came in between: the question is no longer open
        ([*FORGET, UserUttered("hmm"), ActionExecuted("action_listen")], "yes", None),
        # the question was answered (its slot set back to false)
        ([*FORGET, UserUttered("no"), SlotSet("forget_offered", False)], "yes", None),
        # no question asked
        ([UserUttered("hi"), ActionExecuted("utter_greet")], "yes", None),
    ],
)
def test_answer_action(events: list, text: str, action: str | None) -> None:
    assert answer_action(_answered(events, text), text) == action


CANCEL_ASKED = [
    UserUttered("can i cancel my booking"),
    ActionExecuted("action_ask_cancel_booking"),
    SlotSet("change_offered", False),
    SlotSet("cancel_offered", True),
    SlotSet("cancel_booking_id", 3.0),
    ActionExecuted("action_listen"),
]
CHANGE_ASKED = [
    UserUttered("can i reschedule"),
    ActionExecuted("action_ask_cancel_booking"),
    SlotSet("cancel_offered", False),
    SlotSet("change_offered", True),
    SlotSet("cancel_booking_id", 3.0),
    ActionExecuted("action_listen"),
]


@pytest.mark.parametrize(
    ("events", "text", "action"),
    [
        # a new day or time changes the request, whichever question was asked
        (CHANGE_ASKED, "friday at 3pm", "action_change_booking"),
        (CHANGE_ASKED, "any time next week", "action_change_booking"),
        (CHANGE_ASKED, "can't do saturday but monday morning works", "action_change_booking"),
        (CANCEL_ASKED, "no, can we do thursday afternoon instead?", "action_change_booking"),
        (CANCEL_ASKED, "move it to the 14th", "action_change_booking"),
        # the cancel question's yes and no are answer_action's
        (CANCEL_ASKED, "yes cancel it", None),
        (CANCEL_ASKED, "no keep it", None),
        (CANCEL_ASKED, "i can't make saturday", None),
        # to the change question: cancel, keep, or something else
        (CHANGE_ASKED, "actually just cancel it", "action_cancel_booking"),
        (CHANGE_ASKED, "no, leave it as it is", "action_keep_booking"),
        (CHANGE_ASKED, "yes", None),
        (CHANGE_ASKED, "where are you exactly?", None),
        (CHANGE_ASKED, "i can't make saturday", None),
        # the question is no longer open
        ([*CHANGE_ASKED, UserUttered("hmm"), ActionExecuted("action_listen")], "friday", None),
        ([UserUttered("hi"), ActionExecuted("utter_greet")], "friday at 3pm", None),
    ],
)
def test_booking_answer_action(events: list, text: str, action: str | None) -> None:
    assert booking_answer_action(_answered(events, text), text) == action


STAFF_WROTE = [
    UserUttered("yes"),
    ActionExecuted("action_submit_booking"),
    ActionExecuted("action_listen"),
    BotUttered("Would Thursday at 17:30 suit you? Just reply here."),
    SlotSet("booking_reply_id", 7.0),
]


@pytest.mark.parametrize(
    ("events", "action"),
    [
        (_answered(STAFF_WROTE, "Thursday 17:30 is perfect"), "action_booking_reply"),
        (_answered(STAFF_WROTE, "no, that doesn't work"), "action_booking_reply"),
        # a cancel or a move is its own flow, which tells staff too
        (_answered(STAFF_WROTE, "actually please cancel it"), None),
        (_answered(STAFF_WROTE, "can we move it to friday at 2pm"), None),
        # the answer was taken (the slot cleared), or another message came in between
        (
            [*_answered(STAFF_WROTE, "ok"), SlotSet("booking_reply_id", None)],
            None,
        ),
        ([*_answered(STAFF_WROTE, "ok"), ActionExecuted("action_listen"), UserUttered("hi")], None),
        (_answered(CANCEL_ASKED, "ok"), None),
    ],
)
def test_booking_reply_action(events: list, action: str | None) -> None:
    text = next(e.text for e in reversed(events) if isinstance(e, UserUttered))
    assert booking_reply_action(events, text) == action


@pytest.mark.parametrize(
    ("loop", "intent", "text", "action"),
    [
        (None, "nlu_fallback", "I want to move it to Friday at 6pm", "action_ask_cancel_booking"),
        (
            None,
            "inform",
            "can we push my appointment back to next week",
            "action_ask_cancel_booking",
        ),
        (
            None,
            "request_booking",
            "i'd like to change my booking to monday",
            "action_ask_cancel_booking",
        ),
        # no time offered, another intent, or in a form: not this rule's
        (None, "nlu_fallback", "can i move it?", None),
        (None, "describe_scalp", "my flakes changed on monday", None),
        ("booking_form", "inform", "move it to friday", None),
        (None, "request_booking", "can i book for friday at 6pm", None),
    ],
)
def test_change_request_action(
    loop: str | None, intent: str, text: str, action: str | None
) -> None:
    assert change_request_action(loop, intent, text) == action


def test_the_cancel_question_still_takes_a_typed_yes() -> None:
    events = _answered(CANCEL_ASKED, "yes please")
    assert answer_action(events, "yes please") == "action_cancel_booking"
    assert answer_action(_answered(CHANGE_ASKED, "yes"), "yes") is None


def test_only_the_latest_question_counts() -> None:
    events = [*_answered(FORGET, "no"), SlotSet("forget_offered", False), *CONSENT]
    assert pending_question(
        _answered(events, "yes"), {"forget_offered": 0, "consent_offered": 0}
    ) == ("consent_offered")


@pytest.mark.parametrize(
    ("latest", "previous", "loop", "action"),
    [
        ("action_forget_me", "action_listen", None, "action_listen"),
        ("action_keep_data", "action_listen", None, "action_listen"),
        ("action_referral_summary", "action_listen", None, "action_listen"),
        ("action_stop_or_skip", "action_listen", "consultation_form", "action_listen"),
        ("action_massage_limits", "action_listen", None, "action_listen"),
        ("action_stop_booking", "action_listen", None, "action_listen"),
        ("action_change_booking", "action_listen", None, "action_listen"),
        ("action_booking_reply", "action_listen", None, "action_listen"),
        ("action_salon_info", "action_listen", None, "action_listen"),
        # the same FAQ asked again: the word that it was asked, the answer, then listen
        ("utter_faq_again", "action_listen", None, "utter_faq"),
        ("utter_faq", "utter_faq_again", None, "action_listen"),
        # the last question skipped: the routine follows, then the user's turn
        ("action_give_routine", "action_stop_or_skip", None, "action_listen"),
        # the summary asked for in the consultation form: the form asks its question again
        ("action_referral_summary", "action_listen", "consultation_form", "consultation_form"),
        ("action_referral_summary", "action_listen", None, "action_listen"),
        # a massage amount asked in the consultation: the form asks its question again
        ("action_massage_limits", "action_listen", "consultation_form", "consultation_form"),
        ("action_massage_limits", "action_listen", "booking_form", None),
        # the action came after another one (a rule's or triage's flow): not this policy's
        ("action_forget_me", "action_triage", None, None),
        ("action_give_routine", "consultation_form", None, None),
        # the routine said again ("can you send it again, my phone died"): then listen
        ("action_give_routine", "action_listen", None, "action_listen"),
    ],
)
def test_after_answer_listens(
    latest: str, previous: str, loop: str | None, action: str | None
) -> None:
    assert after_answer(latest, previous, loop) == action


@pytest.mark.parametrize(
    ("loop", "text", "action"),
    [
        ("consultation_form", "I'd rather not say", "action_stop_or_skip"),
        ("consultation_form", "skip", "action_stop_or_skip"),
        ("consultation_form", "pass please", "action_stop_or_skip"),
        # "stop" and sentences using the word are the intent classifier's and its rules'
        ("consultation_form", "stop", None),
        ("consultation_form", "I feel anxious if I skip it", None),
        ("consultation_form", "oily by day 2", None),
        ("booking_form", "rather not say", None),
        (None, "skip", None),
    ],
)
def test_skip_action(loop: str | None, text: str, action: str | None) -> None:
    assert skip_action(loop, text) == action


@pytest.mark.parametrize(
    ("loop", "text", "action"),
    [
        ("booking_form", "ok fine i'll just phone instead", "action_stop_booking"),
        ("booking_form", "i'd rather ring you", "action_stop_booking"),
        ("booking_form", "Sam", None),
        ("booking_form", "can i call you to book instead?", None),
        ("consultation_form", "i'll phone instead", None),
        (None, "i'll phone instead", None),
    ],
)
def test_stop_booking_action(loop: str | None, text: str, action: str | None) -> None:
    assert stop_booking_action(loop, text) == action


MASSAGE = [
    UserUttered("i massage 20 min every night"),
    ActionExecuted("action_massage_limits"),
    BotUttered("Keep self-massage to 5-10 minutes..."),
    ActionExecuted("action_listen"),
]


#: A massage question answered by a special situation (pregnancy) first.
SITUATION_ABOUT_MASSAGE = [
    UserUttered("is a scalp massage ok in the third trimester?"),
    ActionExecuted("action_special_situation"),
    BotUttered("Congratulations, and good that you're checking..."),
    ActionExecuted("action_listen"),
]
SITUATION_ABOUT_OILS = [
    UserUttered("im pregnant, is tea tree shampoo ok?"),
    ActionExecuted("action_special_situation"),
    BotUttered("Congratulations, and good that you're checking..."),
    ActionExecuted("action_listen"),
]


BOOKED = [
    UserUttered("yes that's fine"),
    ActionExecuted("action_submit_booking"),
    BotUttered("Thanks! I've sent your request..."),
    ActionExecuted("action_listen"),
]


@pytest.mark.parametrize(
    ("events", "loop", "text", "action"),
    [
        (BOOKED, None, "how long will it last?", "action_salon_info"),
        (BOOKED, None, "is that the 45 minute one?", "action_salon_info"),
        (BOOKED, None, "thanks!", None),
        (MASSAGE, None, "is that too much?", "action_massage_limits"),
        (MASSAGE, None, "how hard should i press", "action_massage_limits"),
        (MASSAGE, None, "how often should I do this?", "action_massage_limits"),
        # its own topic, or no amount: not a follow-up
        (MASSAGE, None, "how often should I do the routine?", None),
        (MASSAGE, None, "how often should i do the whole thing?", None),
        (MASSAGE, None, "and all the steps, how often?", None),
        (MASSAGE, None, "how long until i notice anything?", None),
        # "in a week" is how fast, not how often: a claim to check, not an amount
        (MASSAGE, None, "someone said you get a centimetre in a week, can it do that", None),
        (MASSAGE, None, "and is 3 times a week ok?", "action_massage_limits"),
        # less, more or none of it
        (MASSAGE, None, "should i do it less", "action_massage_limits"),
        (MASSAGE, None, "so less is more?", "action_massage_limits"),
        (MASSAGE, None, "is that a lot", "action_massage_limits"),
        (MASSAGE, None, "should i do it every day", "action_massage_limits"),
        (MASSAGE, None, "how gentle is gentle", "action_massage_limits"),
        (MASSAGE, None, "should i stop then", "action_massage_limits"),
        (MASSAGE, None, "do i need to stop completely", "action_massage_limits"),
        # "stop" as a command is not a question about the massage, nor are thanks
        (MASSAGE, None, "stop", None),
        (MASSAGE, None, "ok stop now", None),
        (MASSAGE, None, "thanks a lot", None),
        (MASSAGE, None, "ok i feel less worried now", None),
        # a device's setting, or the amount pushed back on
        (MASSAGE, None, "so which setting should i use", "action_massage_limits"),
        (MASSAGE, None, "what level should it be on", "action_massage_limits"),
        (
            MASSAGE,
            None,
            "but each one is short, isnt it the total that counts",
            "action_massage_limits",
        ),
        (MASSAGE, None, "thanks!", None),
        # the massage asked about, answered by a special situation: still the topic
        (SITUATION_ABOUT_MASSAGE, None, "how long can i do it for?", "action_massage_limits"),
        (SITUATION_ABOUT_OILS, None, "how long can i do it for?", None),
        # not right after the massage answer, or inside a form (the rules answer there)
        (CONSENT, None, "is that too much?", None),
        (MASSAGE, "consultation_form", "is that too much?", None),
    ],
)
def test_follow_up_action(events: list, loop: str | None, text: str, action: str | None) -> None:
    assert follow_up_action(_answered(events, text), loop, text) == action


@pytest.mark.parametrize(
    ("loop", "intent", "text", "action"),
    [
        (
            None,
            "describe_scalp",
            "been rubbing rosemary oil in morning and night, about fifteen minutes each time",
            "action_massage_limits",
        ),
        (
            None,
            "nlu_fallback",
            "scalp massages 20 min twice a day, good idea?",
            "action_massage_limits",
        ),
        # no massage word, no amount, or another intent: not a habit report
        (None, "describe_scalp", "my roots are greasy by 5pm every day", None),
        (None, "describe_scalp", "i love a good scalp massage", None),
        # a massage question the classifier could not place
        (
            None,
            "nlu_fallback",
            "what about a light massage with my fingertips?",
            "action_massage_limits",
        ),
        (None, "nlu_fallback", "what about my flakes?", None),
        # a daily habit in full, with the salon's session or a tool named, without the word
        (
            None,
            "nlu_fallback",
            "i do 45 minutes every day because the salon does 45",
            "action_massage_limits",
        ),
        (None, "nlu_fallback", "i use the silicone one 20 min a day", "action_massage_limits"),
        # not daily, no minutes, or nothing of the massage named
        (None, "nlu_fallback", "the salon does 45 minutes once a month", None),
        (None, "nlu_fallback", "i do 45 minutes every day", None),
        (None, "request_booking", "book me a 45 minute head massage", None),
        # in a form the answer is the consultation's
        ("consultation_form", "describe_scalp", "i massage 20 min a day, scalp is oily", None),
    ],
)
def test_habit_action(loop: str | None, intent: str, text: str, action: str | None) -> None:
    assert habit_action(loop, intent, text) == action


@pytest.mark.parametrize(
    ("intent", "text", "after_massage", "action"),
    [
        # right after the massage limits, minutes are enough to read a habit
        (
            "nlu_fallback",
            "i've been doing 45 min a day because the salon does 45",
            True,
            ("action_massage_limits"),
        ),
        ("inform", "usually 20 mins every evening", True, "action_massage_limits"),
        # without minutes, or without the limits just before, it is not a habit report...
        ("nlu_fallback", "i've been doing 45 min a day", False, None),
        # ... unless the salon's session or a tool names the massage
        (
            "nlu_fallback",
            "i've been doing 45 min a day because the salon does 45",
            False,
            "action_massage_limits",
        ),
        ("nlu_fallback", "twice a day", True, None),
        # an unplaced message about the answer just given
        ("nlu_fallback", "which one should i drop then", True, "action_massage_limits"),
        ("nlu_fallback", "which one should i drop then", False, None),
        ("nlu_fallback", "asdfgh", True, None),
        ("describe_scalp", "my roots are greasy by 5pm every day", True, None),
    ],
)
def test_habit_action_after_the_massage_limits(
    intent: str, text: str, after_massage: bool, action: str | None
) -> None:
    assert habit_action(None, intent, text, after_massage) == action


@pytest.mark.parametrize(
    ("intent", "text", "after_massage", "given", "action"),
    [
        # right after the limits, a tool named alone is about the massage
        (
            "nlu_fallback",
            "my sister swears by a silicone one, is she wrong",
            True,
            True,
            "action_massage_limits",
        ),
        (
            "nlu_fallback",
            "fingertips or the brush thing, which one",
            True,
            True,
            "action_massage_limits",
        ),
        # ... but not once the topic moved on, and not for a placed intent
        ("nlu_fallback", "fingertips or the brush thing, which one", False, True, None),
        ("describe_scalp", "my fingers get greasy when i touch my roots", True, True, None),
        # once the limits were given, a daily habit told in full is an update of it
        (
            "routine_feedback",
            "this week it's been 15 mins morning and evening",
            False,
            True,
            "action_massage_limits",
        ),
        ("inform", "now doing it 20 minutes every night", False, True, "action_massage_limits"),
        # minutes without a daily count, a weekly count, or no limits given before: not one
        ("routine_feedback", "i leave the mask on for 10 mins", False, True, None),
        ("routine_feedback", "10 mins twice a week with the mask", False, True, None),
        ("routine_feedback", "this week it's been 15 mins morning and evening", False, False, None),
    ],
)
def test_habit_action_later_in_the_conversation(
    intent: str, text: str, after_massage: bool, given: bool, action: str | None
) -> None:
    assert habit_action(None, intent, text, after_massage, given) == action


LIMITS_EARLIER = [
    UserUttered("how long should i massage"),
    ActionExecuted("action_massage_limits"),
    ActionExecuted("action_listen"),
    UserUttered("what does jojoba do"),
    ActionExecuted("utter_faq"),
    ActionExecuted("action_listen"),
]


@pytest.mark.parametrize(
    ("events", "given"),
    [
        (_answered(LIMITS_EARLIER, "x"), True),
        (_answered(CONSENT, "x"), False),
        # a restart or a new session forgets them
        ([*LIMITS_EARLIER, Restarted(), UserUttered("x")], False),
        ([*LIMITS_EARLIER, SessionStarted(), UserUttered("x")], False),
    ],
)
def test_limits_given(events: list, given: bool) -> None:
    assert limits_given(events) is given


def _asked(question: str) -> BotUttered:
    return BotUttered("...", metadata={"utter_action": question})


FORM_ASKED_TWICE = [
    UserUttered("itchy and oily"),
    ActionExecuted("consultation_form"),
    _asked("utter_ask_sensitive_scalp"),
    ActionExecuted("action_listen"),
    UserUttered("what is salicylic acid"),
    ActionExecuted("utter_faq"),
    _asked("utter_faq/salicylic_acid"),
    ActionExecuted("consultation_form"),
    _asked("utter_ask_sensitive_scalp"),
    ActionExecuted("action_listen"),
    UserUttered("and fruit enzymes?"),
    ActionExecuted("utter_faq"),
    _asked("utter_faq/fruit_enzymes"),
]


@pytest.mark.parametrize(
    ("events", "loop", "latest", "requested", "action"),
    [
        # asked twice in a row, passed over again: not asked a third time
        (
            FORM_ASKED_TWICE,
            "consultation_form",
            "utter_faq",
            "sensitive_scalp",
            "action_deactivate_loop",
        ),
        # asked once before only: the form resumes (the rules' answer)
        (FORM_ASKED_TWICE[4:], "consultation_form", "utter_faq", "sensitive_scalp", None),
        # another question was asked before: the count is of the same question
        (FORM_ASKED_TWICE, "consultation_form", "utter_faq", "wash_frequency", None),
        # the form's own turn, triage's or a situation's resuming, another form: left alone
        (FORM_ASKED_TWICE, "consultation_form", "consultation_form", "sensitive_scalp", None),
        (FORM_ASKED_TWICE, "consultation_form", "action_triage", "sensitive_scalp", None),
        (
            FORM_ASKED_TWICE,
            "consultation_form",
            "action_special_situation",
            "sensitive_scalp",
            None,
        ),
        (FORM_ASKED_TWICE, "booking_form", "utter_faq", "sensitive_scalp", None),
        (FORM_ASKED_TWICE, None, "utter_faq", None, None),
    ],
)
def test_step_aside_action(
    events: list, loop: str | None, latest: str, requested: str | None, action: str | None
) -> None:
    assert step_aside_action(events, loop, latest, requested) == action


@pytest.mark.parametrize(
    ("events", "question", "count"),
    [
        (FORM_ASKED_TWICE, "utter_ask_sensitive_scalp", 2),
        (FORM_ASKED_TWICE[4:], "utter_ask_sensitive_scalp", 1),
        (FORM_ASKED_TWICE, "utter_ask_scalp_type", 0),
        ([UserUttered("hi")], "utter_ask_sensitive_scalp", 0),
        (
            [*FORM_ASKED_TWICE[:4], Restarted(), *FORM_ASKED_TWICE[4:]],
            "utter_ask_sensitive_scalp",
            1,
        ),
    ],
)
def test_asks_in_a_row(events: list, question: str, count: int) -> None:
    assert asks_in_a_row(events, question) == count


def test_listens_after_stepping_aside_but_not_after_goodbye() -> None:
    assert after_answer("action_deactivate_loop", "utter_faq") == "action_listen"
    # "bye" mid-consultation: the goodbye rule says goodbye after deactivating
    assert after_answer("action_deactivate_loop", "action_listen") is None


ROUTINE_DECLINED = [
    UserUttered("itchy, combination, not sensitive, every other day"),
    ActionExecuted("action_give_routine"),
    SlotSet("consent_offered", True),
    ActionExecuted("action_listen"),
    UserUttered("nah dont keep anything"),
    ActionExecuted("action_decline_consent"),
    ActionExecuted("action_listen"),
]
SURE_FAQ = {"response_selector": {"faq": {"response": {"confidence": 0.99}}}}


@pytest.mark.parametrize(
    ("events", "parse_data", "action"),
    [
        # after the routine (a consent answer in between keeps the topic): the FAQ's answer
        (ROUTINE_DECLINED, SURE_FAQ, "utter_faq"),
        (ROUTINE_DECLINED, {}, None),
        # a FAQ answer in between is another topic
        (
            [*ROUTINE_DECLINED, UserUttered("what is salicylic acid"), ActionExecuted("utter_faq")],
            SURE_FAQ,
            None,
        ),
    ],
)
def test_a_follow_up_after_the_routine(events: list, parse_data: dict, action: str | None) -> None:
    text = "how often should i do this? my scalp got angry last time"
    assert follow_up_action(_answered(events, text), None, text, parse_data) == action


@pytest.mark.parametrize(
    ("referral", "text", "action"),
    [
        (
            "dermatologist",
            "could you write down what i should tell the dermatologist?",
            "action_referral_summary",
        ),
        ("doctor", "can i have a summary for my gp", "action_referral_summary"),
        ("urgent", "what do i tell them at urgent care", "action_referral_summary"),
        (
            "dermatologist",
            "can you give me something to show my doctor?",
            "action_referral_summary",
        ),
        (
            "dermatologist",
            "can i get a copy of what i told you for my appointment",
            "action_referral_summary",
        ),
        # no referral stands, or no summary asked for
        ("none", "can you write that down for me", None),
        (None, "what should i tell the dermatologist", None),
        ("dermatologist", "ok thanks", None),
        # a routine asked for in the same words
        ("doctor", "fine. can you put a routine together for me then", None),
        ("dermatologist", "could you write the routine steps out for me", None),
    ],
)
def test_summary_action(referral: str | None, text: str, action: str | None) -> None:
    assert summary_action(None, referral, text) == action
    assert summary_action("consultation_form", referral, text) == action
    assert summary_action("booking_form", referral, text) is None


def test_a_summary_just_given_is_given_again_with_what_is_added() -> None:
    """ "can you add that?" right after the summary; not otherwise, nor without a referral."""
    text = "oh and i've been using a tea tree shampoo. can you add that?"
    assert summary_action(None, "dermatologist", text, True) == "action_referral_summary"
    assert summary_action(None, "dermatologist", text, False) is None
    assert summary_action(None, "none", text, True) is None


def test_answered_last_turn() -> None:
    events = [
        UserUttered("yes please"),
        ActionExecuted("action_referral_summary"),
        ActionExecuted("action_listen"),
        UserUttered("can you add that?"),
    ]
    assert answered_last_turn(events, "action_referral_summary")
    assert not answered_last_turn(events[:1] + events[3:], "action_referral_summary")


def _selected(confidence: float) -> dict[str, Any]:
    return {"response_selector": {"faq": {"response": {"confidence": confidence}}}}


@pytest.mark.parametrize(
    ("loop", "intent", "confidence", "action"),
    [
        (None, "nlu_fallback", 0.98, "utter_faq"),
        (None, "out_of_scope", 0.9, "utter_faq"),
        # not sure enough, placed by the classifier, or inside a form (its rules answer)
        (None, "nlu_fallback", 0.85, None),
        (None, "describe_scalp", 0.98, None),
        ("consultation_form", "nlu_fallback", 0.98, None),
    ],
)
def test_faq_rescue_action(
    loop: str | None, intent: str, confidence: float, action: str | None
) -> None:
    assert faq_rescue_action(loop, intent, _selected(confidence)) == action


@pytest.mark.parametrize(
    ("text", "action"),
    [
        # a question about what massage can do: the FAQ, when the selector is sure
        ("heard rubbing your scalp doubles growth, can massage really do that", "utter_faq"),
        # a habit told with it is the limits' (habit_action)
        ("scalp massages 20 min twice a day, good idea?", None),
    ],
)
def test_faq_rescue_action_and_a_massage_habit(text: str, action: str | None) -> None:
    assert faq_rescue_action(None, "nlu_fallback", _selected(0.95), text) == action


TEA_TREE = {"response_selector": {"faq": {"response": {"intent_response_key": "faq/tea_tree"}}}}
ANSWERED_TEA_TREE = [
    UserUttered("what does tea tree do"),
    ActionExecuted("utter_faq"),
    BotUttered("Tea tree...", metadata={"utter_action": "utter_faq/tea_tree"}),
    ActionExecuted("action_listen"),
]


@pytest.mark.parametrize(
    ("events", "loop", "action", "intent", "parse_data", "expected"),
    [
        # the same answer given before in this session: said so first
        (ANSWERED_TEA_TREE, None, None, "faq", TEA_TREE, "utter_faq_again"),
        (ANSWERED_TEA_TREE, None, "utter_faq", "nlu_fallback", TEA_TREE, "utter_faq_again"),
        # a first time, another answer, another action, in a form, or a new session: no
        ([], None, None, "faq", TEA_TREE, None),
        (
            ANSWERED_TEA_TREE,
            None,
            None,
            "faq",
            {"response_selector": {"faq": {"response": {"intent_response_key": "faq/peptides"}}}},
            None,
        ),
        (ANSWERED_TEA_TREE, None, "action_massage_limits", "faq", TEA_TREE, None),
        (ANSWERED_TEA_TREE, "consultation_form", None, "faq", TEA_TREE, None),
        ([*ANSWERED_TEA_TREE, SessionStarted()], None, None, "faq", TEA_TREE, None),
    ],
)
def test_faq_again_action(
    events: list,
    loop: str | None,
    action: str | None,
    intent: str,
    parse_data: dict,
    expected: str | None,
) -> None:
    """The same FAQ asked again is acknowledged before the answer, not pasted as new."""
    latest = _answered(events, "what does tea tree do")
    assert faq_again_action(latest, loop, action, intent, parse_data) == expected


@pytest.mark.parametrize(
    ("text", "just_given", "action"),
    [
        # a detail or a concern added right after the summary: the summary again
        ("oh also it itches like mad", True, "action_referral_summary"),
        ("and its flaky too", True, "action_referral_summary"),
        ("oh also i'm 49", True, "action_referral_summary"),
        ("forgot to say, it started after i dyed my hair", True, "action_referral_summary"),
        # nothing added, a question, or the summary not just given
        ("is itching normal?", True, None),
        ("thanks!", True, None),
        ("ok bye", True, None),
        ("oh also it itches like mad", False, None),
    ],
)
def test_a_detail_added_after_the_summary_gives_it_again(
    text: str, just_given: bool, action: str | None
) -> None:
    earlier = [
        "my eyebrows have been vanishing for about 5 years and my hairline at the front is going"
    ]
    assert summary_action(None, "dermatologist", text, just_given, earlier) == action
    assert summary_action(None, "none", text, just_given, earlier) is None


@pytest.mark.parametrize(
    ("text", "declined_just_now", "action"),
    [
        # a yes that takes back the no just said
        ("actually yes please", True, "action_referral_summary"),
        ("hmm go on then", True, "action_referral_summary"),
        ("changed my mind, yes", True, "action_referral_summary"),
        ("on second thoughts yes please", True, "action_referral_summary"),
        # an acknowledgement, a no again, another request, or no decline just before
        ("ok", True, None),
        ("ok thanks", True, None),
        ("actually no thanks", True, None),
        ("actually can i book a facial", True, None),
        ("actually yes please", False, None),
    ],
)
def test_a_declined_summary_taken_back(
    text: str, declined_just_now: bool, action: str | None
) -> None:
    assert summary_action(None, "dermatologist", text, False, [], declined_just_now) == action


MA = "action_massage_limits"


@pytest.mark.parametrize(
    ("loop", "text", "action"),
    [
        (None, "side note, does massaging help with flakes? how long should i do it", MA),
        ("consultation_form", "oily. how many minutes should i massage?", MA),
        (None, "got a scalp brush, how often can i use it?", MA),
        ("booking_form", "how long should i massage before my appointment", None),
        (None, "does massage help hair grow? how long until i see results", None),
        (None, "i massage daily, how often should i wash?", None),
        (None, "how often should i do it, every day?", None),
    ],
)
def test_a_massage_amount_asked_gets_the_limits(
    loop: str | None, text: str, action: str | None
) -> None:
    """How long, how often or how hard to massage: the limits, in or out of the consultation."""
    assert massage_amount_action(loop, text) == action
