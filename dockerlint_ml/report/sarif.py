"""SARIF 2.1.0 for GitHub code scanning, built from sarif-om objects.

sarif-om's own serializer (jschema_to_python) drops values equal to their defaults, `level="warning"`
among them, so GitHub would show such results at the rule's level. Our small attrs walker renames fields
by their ``schema_property_name`` metadata and keeps ``level`` always. See ../shared/SARIF.md.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attr
import sarif_om as om

from .. import __version__
from ..model import Severity
from ..pages import PROJECT_URL, page_text, rule_url, summary_paragraph
from ..results import FileResult
from ..rules.base import Rule
from .common import fingerprinted, relative_uri

INFORMATION_URI = PROJECT_URL
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_RESULTS = 5000
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.INFO: "2.0"}
_ALWAYS_KEEP = frozenset({"level"})


def to_json(value: Any) -> Any:
    """Serialize sarif-om objects: schema names, no None, no defaults except ``level``."""
    if attr.has(type(value)):
        out: dict[str, Any] = {}
        for field in attr.fields(type(value)):
            item = getattr(value, field.name)
            if item is None:
                continue
            default = field.default
            if field.name not in _ALWAYS_KEEP and default is not attr.NOTHING and item == default:
                continue
            out[field.metadata.get("schema_property_name", field.name)] = to_json(item)
        return out
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    return value


def _rule_descriptor(rule: type[Rule]) -> om.ReportingDescriptor:
    page = page_text(rule.id)
    tags = [rule.family(), *[t for t in rule.tags if t != rule.family()]]
    properties: dict[str, Any] = {"tags": tags[:20], "precision": getattr(rule, "precision", "high")}
    if "security" in tags:
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    else:
        properties["problem.severity"] = PROBLEM_SEVERITY[rule.severity]
    return om.ReportingDescriptor(
        id=rule.id,
        name=rule.name,
        short_description=om.MultiformatMessageString(text=rule.summary),
        full_description=om.MultiformatMessageString(text=(summary_paragraph(page) or rule.summary)[:1000]),
        help=om.MultiformatMessageString(text=page or rule.summary, markdown=page or rule.summary),
        help_uri=rule_url(rule.id),
        default_configuration=om.ReportingConfiguration(level=LEVELS[rule.severity]),
        properties=properties,
    )


def render(
    results: Sequence[FileResult],
    rules: Sequence[type[Rule]],
    *,
    root: Path,
    category: str = "mllint/",
) -> str:
    ordered = sorted(rules, key=lambda rule: rule.id)
    index = {rule.id: position for position, rule in enumerate(ordered)}
    sarif_results = [
        om.Result(
            rule_id=finding.rule,
            rule_index=index.get(finding.rule, -1),
            level=LEVELS[finding.severity],
            message=om.Message(text=finding.message),
            locations=[
                om.Location(
                    physical_location=om.PhysicalLocation(
                        artifact_location=om.ArtifactLocation(
                            uri=relative_uri(result.path, root), uri_base_id="%SRCROOT%"
                        ),
                        region=om.Region(
                            start_line=finding.span.line,
                            start_column=finding.span.column,
                            end_line=finding.span.end_line,
                            end_column=finding.span.end_column,
                        ),
                    )
                )
            ],
            partial_fingerprints={"primaryLocationLineHash": fingerprint},
            # for a policy rule (ML9xx): the config file and the policy key it enforces
            properties={"policy": {"file": finding.policy[0], "key": finding.policy[1]}} if finding.policy else None,
        )
        for result, finding, fingerprint in fingerprinted(results)
    ]
    if len(sarif_results) > MAX_RESULTS:
        print(
            f"mllint: warning: {len(sarif_results)} results; GitHub keeps only {MAX_RESULTS} per run, "
            f"so the SARIF holds the first {MAX_RESULTS}",
            file=sys.stderr,
        )
    notifications = [
        om.Notification(
            message=om.Message(text=f"{result.path}: {result.error}"),
            level="error",
            locations=[
                om.Location(
                    physical_location=om.PhysicalLocation(
                        artifact_location=om.ArtifactLocation(
                            uri=relative_uri(result.path, root), uri_base_id="%SRCROOT%"
                        )
                    )
                )
            ],
        )
        for result in results
        if result.error is not None
    ]
    run = om.Run(
        tool=om.Tool(
            driver=om.ToolComponent(
                name="mllint",
                semantic_version=__version__,
                version=__version__,
                information_uri=INFORMATION_URI,
                rules=[_rule_descriptor(rule) for rule in ordered],
            )
        ),
        automation_details=om.RunAutomationDetails(id=category),
        invocations=[
            om.Invocation(
                execution_successful=not notifications,
                tool_execution_notifications=notifications or None,
            )
        ],
        original_uri_base_ids={"%SRCROOT%": om.ArtifactLocation(uri=root.resolve().as_uri() + "/")},
        results=sarif_results[:MAX_RESULTS],
    )
    log = om.SarifLog(version="2.1.0", schema_uri=SCHEMA_URI, runs=[run])
    return json.dumps(to_json(log), indent=2, ensure_ascii=False) + "\n"
