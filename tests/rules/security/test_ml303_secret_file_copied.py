"""ML303 secret-file-copied: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from dockerlint_ml.rules.security import secret_file_kind

from ...conftest import lint


def test_ml303_every_stage_and_points_at_the_source():
    findings = lint(
        """
        FROM python:3.11-slim AS fetch
        COPY kaggle.json /root/.kaggle/kaggle.json
        RUN pip install --no-cache-dir kaggle==1.6.14 && kaggle datasets download -d org/data

        FROM python:3.11-slim
        COPY --from=fetch /data /data
        COPY --from=fetch /root/.kaggle/kaggle.json /tmp/unused.json
        COPY requirements.txt .env.example ./
        copy . /app
        COPY ["config/.env", "/app/.env"]
        ADD --chown=app:app id_rsa /home/app/.ssh/id_rsa
        """,
        ["ML303"],
    )
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 6), (10, 6), (11, 21)]


def test_ml303_json_form_without_spaces():
    # `["a","b"]` is a single word: the sources come from the parsed JSON, not from splitting the text
    findings = lint('FROM python:3.11-slim\nCOPY [".env","/app/"]\nADD ["id_rsa", "/root/.ssh/"]\n', ["ML303"])
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 1), (3, 5)]


def test_ml303_oracle_wallet_even_behind_a_glob():
    assert secret_file_kind("cwallet.ss[o]") == "`cwallet.ss[o]`"
    assert secret_file_kind("cwallet.sso") is not None
    assert secret_file_kind("tnsnames.ora") is None
