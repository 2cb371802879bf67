"""Dialogue policies: the triage policy above the rules, and the quiet rule policy."""
