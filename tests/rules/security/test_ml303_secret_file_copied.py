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


def test_ml303_bracket_globs_stand_for_their_names():
    # the real-world case (jupyter/docker-stacks recipe): `COPY cwallet.ss[o] ./` copies the Oracle wallet
    findings = lint(
        """
        FROM python:3.12-slim
        COPY cwallet.ss[o] ./
        COPY cwallet.sso ewallet.p12 /x/
        COPY id_[rd]sa /root/.ssh/
        COPY .ss[h]/config /root/.ssh/config
        COPY tnsnames.or[a] sqlnet.ora /opt/oracle/network/admin/
        COPY requirement[s].txt .env[.]example x[!a].txt ./
        """,
        ["ML303"],
    )
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 6), (3, 6), (3, 18), (4, 6), (5, 6)]
    assert "`cwallet.ss[o]`" in findings[0].message


def test_ml303_bracket_expansion_is_bounded():
    from dockerlint_ml.analysis.secret_files import expand_brackets

    assert expand_brackets("id_[rd]sa") == ["id_rsa", "id_dsa"]
    assert expand_brackets("[a-c]x") == ["ax", "bx", "cx"]
    assert expand_brackets("[a-z][a-z]") == ["[a-z][a-z]"]  # too many: left as written (and matches nothing)
    assert expand_brackets("plain") == ["plain"]


def test_ml303_a_dotenv_template_in_the_context_is_not_a_credential(tmp_path):
    from ..context.helpers import lint_context, make

    dockerfile = 'FROM python:3.11-slim\nCOPY .env /app/.env\nCMD ["python", "app.py"]\n'
    make(tmp_path, {".env": "API_HOST=\nAPI_KEY=\nPORT=7860\n"})
    assert lint_context(tmp_path, dockerfile, "ML303") == []
    (tmp_path / ".env").write_text("API_KEY=0123456789abcdefXYZ\n")
    assert len(lint_context(tmp_path, dockerfile, "ML303")) == 1
