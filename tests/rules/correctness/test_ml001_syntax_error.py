"""ML001 syntax-error: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from .helpers import lines


def test_ml001_shell_test_command_is_not_broken_exec_form():
    text = """
        FROM ubuntu:24.04
        ARG FALLBACK_URL
        RUN --mount=type=secret,id=url,env=URL,required=false \\
            [ -n "${URL}" ] || URL="${FALLBACK_URL}"; \\
            curl -fsSL -o /tmp/x.tgz "${URL}"
        RUN [[ -f /etc/os-release ]] && cat /etc/os-release
        CMD [ -f /app/ready ] && exec /app/serve
        """
    assert lines(text, "ML001") == []


def test_ml001_single_quoted_exec_form_still_reported():
    text = """
        FROM ubuntu:24.04
        CMD [ 'python', 'app.py' ]
        ENTRYPOINT ['python']
        """
    assert lines(text, "ML001") == [2, 3]
