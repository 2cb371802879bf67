"""rasa-sdk glue: the custom actions, over the core (``scalpcare``) and the salon database."""
