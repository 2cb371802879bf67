"""Rasa NLU components: the sentence encoder, the intent classifier, the red-flag screener."""
