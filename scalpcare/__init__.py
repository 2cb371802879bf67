"""The assistant's core: pure decision logic, with no Rasa, rasa-sdk or SQL in it.

- ``contract``: every slot name and value other tools read (docs/content-rules.md);
- ``triage``: the red-flag rules (levels, negation, history, another person);
- ``screening``: the learned screener and signs combined across turns;
- ``text_model``: the features and linear heads the learned readers share;
- ``situations``, ``situation_model``: special situations (medicines, chemotherapy,
  pregnancy, lice, distress, a diagnosis under care, another language), rules and model;
- ``commands``: "stop" and "skip" as commands, or words about something else;
- ``confirmation``: a typed yes or no to the question just asked;
- ``other_languages``: red flags in Spanish, French and German;
- ``referral``: referral texts and the appointment summary;
- ``massage``: the self-massage habit parser and limits;
- ``routine``: the at-home scalp facial builder;
- ``habits``: wash frequency, products and goal, their values and parsers;
- ``consultation_parsing``: the free-text consultation reader (``consultation_text``: its
  normaliser and negation scopes, shared with ``habits`` and ``situations``).

``tests/unit/test_boundaries.py`` checks that nothing here imports Rasa, rasa-sdk,
SQLAlchemy or another package of the project.
"""
