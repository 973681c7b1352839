"""Third-party rules arrive through the `dockerlint_ml.rules` entry-point group."""

from __future__ import annotations

import sys
import textwrap

from .test_cli import run, write

PLUGIN = '''
from dockerlint_ml.model import Severity
from dockerlint_ml.rules.base import Rule


class NoMaintainer(Rule):
    """MAINTAINER is deprecated."""

    id = "XY001"
    name = "no-maintainer"
    severity = Severity.INFO
    summary = "MAINTAINER is deprecated: use a LABEL"

    def check(self, ctx):
        for instruction in ctx.instructions("MAINTAINER"):
            yield self.problem(instruction, "MAINTAINER is deprecated: use a LABEL")
'''


def install_plugin(tmp_path, monkeypatch):
    site = tmp_path / "site"
    write(site / "tiny_mllint_plugin.py", textwrap.dedent(PLUGIN))
    dist = site / "tiny_mllint_plugin-0.1.dist-info"
    write(dist / "METADATA", "Metadata-Version: 2.1\nName: tiny-mllint-plugin\nVersion: 0.1\n")
    write(dist / "entry_points.txt", "[dockerlint_ml.rules]\nno-maintainer = tiny_mllint_plugin:NoMaintainer\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.chdir(tmp_path)
    sys.modules.pop("tiny_mllint_plugin", None)


def test_plugin_rule_runs_when_enabled(capsys, tmp_path, monkeypatch):
    install_plugin(tmp_path, monkeypatch)
    write(tmp_path / "Dockerfile", "FROM python:3.11-slim\nMAINTAINER me\n")
    code, out, _ = run(capsys, "--select", "XY", "Dockerfile")
    assert code == 2  # plugins are off by default, so XY matches no rule
    code, out, _ = run(capsys, "--plugins", "--select", "XY", "--fail-on", "info", "Dockerfile")
    assert code == 1 and "Dockerfile:2:1: XY001 [info] MAINTAINER is deprecated" in out


def test_plugins_enabled_from_config(capsys, tmp_path, monkeypatch):
    install_plugin(tmp_path, monkeypatch)
    write(tmp_path / ".mllint.toml", 'plugins = true\nextend-select = ["XY001"]\n[severity]\nXY001 = "error"\n')
    write(tmp_path / "Dockerfile", "FROM python:3.11-slim\nMAINTAINER me\n")
    code, out, _ = run(capsys, "--list-rules")
    assert "XY001" in out and code == 0
    code, out, _ = run(capsys, "Dockerfile")
    assert "Dockerfile:2:1: XY001 [error]" in out and code == 1
