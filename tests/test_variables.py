"""Docker variable substitution (`dockerlint_ml.variables`)."""

from __future__ import annotations

import pytest

from dockerlint_ml.variables import expand, expand_word


@pytest.mark.parametrize(
    ("text", "scope", "expected"),
    [
        ("/opt/$APP", {"APP": "model"}, "/opt/model"),
        ("${APP}-server", {"APP": "model"}, "model-server"),
        ("/opt/$APP", {}, None),
        ("/opt/${APP}", {"APP": None}, None),  # `ARG APP` without a value: declared but unknown
        ("${VERSION:-1.0}", {}, "1.0"),
        ("${VERSION:-1.0}", {"VERSION": "2.3"}, "2.3"),
        ("${VERSION:-1.0}", {"VERSION": ""}, "1.0"),
        ("plain/path", {}, "plain/path"),
        ("", {}, ""),
    ],
)
def test_expand_word(text, scope, expected):
    assert expand_word(text, scope) == expected


def test_expand_word_agrees_with_expand():
    for text, scope in (("$A/$B", {"A": "x"}), ("$A/$B", {"A": "x", "B": "y"}), ("${A:+set}", {"A": "1"})):
        expanded, resolved = expand(text, scope)
        assert expand_word(text, scope) == (expanded if resolved else None)
