"""Custom actions and the pure decision logic of the scalp-care assistant."""
