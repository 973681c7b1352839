"""Helpers of the tests in tests/rules/security/ (module-level in test_rules_security.py before)."""

from __future__ import annotations

# Fake credentials in the real formats (mixed case and digits like real ones; none of them is valid).
HF = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"


GHP = "ghp_" + "Ab1" * 12


OPENAI = "sk-proj-" + "Ab3dE" * 8


AWS = "AKIA" + "Q7RZ" * 4
