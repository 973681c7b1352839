"""The engine: read -> parse -> rules -> suppressions/selection -> sorted, de-duplicated findings.

``FileResult`` and ``fails`` live in results.py (reporters import only that); they are re-exported here."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from .buildfiles import targets_for
from .model import Dockerfile, Finding
from .parse import InputError, ParseCache, parse_bytes
from .results import FileResult, fails
from .rules.base import Rule, RuleContext
from .settings import Settings, all_targets, governing, ignored_for_path, is_enabled, policy_configured
from .suppress import apply_suppressions

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["FileResult", "Linter", "fails"]


class Linter:
    def __init__(self, settings: Settings, rule_classes: Sequence[type[Rule]]) -> None:
        self.settings = settings
        # a locked rule is selected by the config files alone; a policy rule runs only when its key is set
        self.rules = [
            cls()
            for cls in rule_classes
            if is_enabled(cls.id, cls.enabled_by_default, governing(cls.id, settings))
            and policy_configured(cls, settings)
        ]
        self.fixable_rules = frozenset(rule.id for rule in self.rules if rule.fixable)

    def lint_bytes(
        self, data: bytes, path: str, build_context: Any = None, parse_cache: ParseCache | None = None
    ) -> FileResult:
        """``parse_cache``: instructions parsed before, reused (the language server keeps one per document)."""
        try:
            dockerfile = parse_bytes(data, path, parse_cache)
        except InputError as error:
            return FileResult(path, error=str(error))
        except RecursionError:
            return FileResult(path, error="too deeply nested to parse")
        return self.lint_dockerfile(dockerfile, build_context)

    def lint_dockerfile(self, dockerfile: Dockerfile, build_context: Any = None) -> FileResult:
        settings = self.settings
        # the configured targets, else those a Compose/Bake file builds from this Dockerfile
        targets = targets_for(all_targets(settings), build_context, {s.name for s in dockerfile.stages if s.name})
        for target in targets:
            if target and dockerfile.stages and dockerfile.stage_named(target) is None:
                names = ", ".join(s.name for s in dockerfile.stages if s.name) or "none"
                return FileResult(dockerfile.path, error=f"--target {target}: no such stage (stages: {names})")
        ignored = ignored_for_path(dockerfile.path, settings)
        rules = [rule for rule in self.rules if not any(rule.id.startswith(code) for code in ignored)]
        stage_starts = [stage.from_instruction.span.line for stage in dockerfile.stages]
        findings: list[Finding] = []
        crash: str | None = None
        images: list[tuple[str | None, str, str]] = []
        for target in targets:
            ctx = RuleContext(
                dockerfile, target, settings.rule_options, build_context, settings.roles, policy=settings.policy
            )
            crash = self._run_rules(ctx, rules, stage_starts, findings) or crash
            label = ctx.final_stage.label if ctx.final_stage else None
            images.append((label, ctx.role.role, ctx.role.signal))
        findings = apply_suppressions(
            dockerfile,
            findings,
            settings.warn_unused_ignores,
            settings.severity,
            settings.hadolint_pragmas,
            locked=settings.locked,
        )
        unique = {
            (f.rule, f.span, f.message): f
            for f in findings
            if f.severity.rank >= governing(f.rule, settings).min_severity.rank
        }
        ordered = sorted(unique.values(), key=lambda f: f.sort_key)
        return FileResult(
            dockerfile.path, ordered, error=crash, dockerfile=dockerfile, lines=dockerfile.lines, images=tuple(images)
        )

    def _run_rules(
        self, ctx: RuleContext, rules: Sequence[Rule], stage_starts: list[int], findings: list[Finding]
    ) -> str | None:
        """Run ``rules`` that apply to the image's role, appending findings; the first crash's message."""
        settings = self.settings
        dockerfile = ctx.dockerfile
        crash: str | None = None
        for rule in rules:
            try:
                if not ctx.applies(rule):
                    continue
                problems = list(rule.check(ctx))
            except Exception as error:  # a rule bug must not hide the other rules' findings
                crash = crash or f"internal error in rule {rule.id} ({type(error).__name__}: {error}); please report it"
                continue
            for problem in problems:
                severity = governing(rule.id, settings).severity.get(rule.id) or problem.severity or rule.severity
                position = bisect_right(stage_starts, problem.span.line) - 1
                stage = dockerfile.stages[position].label if position >= 0 else None
                findings.append(
                    Finding(
                        path=dockerfile.path,
                        rule=rule.id,
                        name=rule.name,
                        severity=severity,
                        message=problem.message,
                        span=problem.span,
                        stage=stage,
                        fix=problem.fix,
                        policy=_policy_source(settings, problem.policy_key),
                    )
                )
        return crash


def _policy_source(settings: Settings, key: str | None) -> tuple[str, str] | None:
    """(the config file, the key) of the policy a finding enforces, for JSON and SARIF."""
    if key is None or settings.policy is None or key not in settings.policy.sources:
        return None
    return settings.policy.sources[key], key
