"""ML004 overridden-instruction: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from .helpers import lines


def test_ml004_earlier_cmd_entrypoint_healthcheck_reported():
    text = """
        FROM python:3.11-slim
        CMD ["python", "serve.py"]
        HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1
        ENTRYPOINT ["tini", "--"]
        cmd ["uvicorn", "app:app"]
        HEALTHCHECK NONE
        ENTRYPOINT ["/entrypoint.sh"]
        """
    assert lines(text, "ML004") == [2, 3, 4]


def test_ml004_one_per_stage_is_fine():
    text = """
        FROM python:3.11 AS builder
        CMD ["python", "build.py"]
        ENTRYPOINT ["sh"]
        FROM builder
        CMD ["python", "serve.py"]
        ENTRYPOINT ["tini", "--"]
        ONBUILD CMD ["x"]
        """
    assert lines(text, "ML004") == []
