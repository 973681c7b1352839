"""Per-rule tests (tools/new_rule.py writes tests/rules/test_<id>_<name>.py)."""
