"""What a rule is, and the context it reads.

A rule is a small class: an ID from the catalog, a name, a default severity, tags, a one-line summary,
optional option defaults, and one ``check(ctx)`` generator yielding :class:`Problem` s. A rule that can
repair what it finds also has ``fix(dockerfile, finding)`` and says how safe that is in ``fix_safety``; it is
then ``fixable`` (derived: the class overrides ``fix``). The engine turns
problems into findings (path, severity overrides, suppressions); rules never deal with any of that.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property

from ..baseimages import BaseImage, known_base
from ..model import Dockerfile, Finding, Fix, Instruction, Severity, ShellCommand, Span, Stage, Word
from ..records import Frozen, Record, setfield
from ..roles import Role, infer_role

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any, ClassVar

FAMILIES = {
    "0": "correctness",
    "1": "cache",
    "2": "size",
    "3": "security",
    "4": "serving",
    "5": "gpu",
    "6": "artifacts",
    "7": "reproducibility",
    "8": "context",
    "9": "policy",
}


class Problem(Frozen):
    """What a rule found: where, what to do about it, optionally a fix or a different severity."""

    _fields = ("span", "message", "severity", "fix", "policy_key")
    __slots__ = _fields
    span: Span
    message: str
    severity: Severity | None
    fix: Fix | None
    #: for a policy rule (ML9xx): the policy key broken (the engine adds the file that set it to the finding)
    policy_key: str | None

    def __init__(
        self,
        span: Span,
        message: str,
        severity: Severity | None = None,
        fix: Fix | None = None,
        policy_key: str | None = None,
    ) -> None:
        setfield(self, "span", span)
        setfield(self, "message", message)
        setfield(self, "severity", severity)
        setfield(self, "fix", fix)
        setfield(self, "policy_key", policy_key)


def span_of(node: Instruction | ShellCommand | Word | Span) -> Span:
    if isinstance(node, Span):
        return node
    return node.span


class Rule:
    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    tags: ClassVar[tuple[str, ...]] = ()
    enabled_by_default: ClassVar[bool] = True
    #: derived: True when the class overrides :meth:`fix` (a plugin may still set it by hand)
    fixable: ClassVar[bool] = False
    #: how safe :meth:`fix` is: "safe" (never changes behaviour), "unsafe" (may; only with --unsafe-fixes),
    #: "sometimes" (the fix says per finding); None for a rule without a fix
    fix_safety: ClassVar[str | None] = None
    #: what the fix does, in a few words (the README's autofix table)
    fix_title: ClassVar[str] = ""
    #: option name -> default value; the config validates user values against these types
    options: ClassVar[Mapping[str, Any]] = {}
    #: the image roles (roles.py) the rule applies to; None: every role
    roles: ClassVar[frozenset[str] | None] = None
    #: a policy rule (ML9xx) runs only when a config's policy sets one of these keys (``allowed-registries``)
    policy_keys: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "fixable" not in cls.__dict__:
            cls.fixable = cls.fix is not Rule.fix

    @classmethod
    def family(cls) -> str:
        return FAMILIES.get(cls.id[2], "other")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:  # pragma: no cover - interface
        raise NotImplementedError

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        """Text edits repairing ``finding`` (one of this rule's), or None when unsure. Called only by ``--fix``
        and when fixable findings are reported, never on the plain lint path; import the edit helpers
        (``dockerlint_ml.fix.edits``) inside it."""
        return None

    def problem(
        self,
        at: Instruction | ShellCommand | Word | Span,
        message: str,
        *,
        severity: Severity | None = None,
        fix: Fix | None = None,
        policy_key: str | None = None,
    ) -> Problem:
        return Problem(span_of(at), message, severity, fix, policy_key)


class RuleContext(Record):
    """Everything a rule may read: the parsed file, which stages ship, and its options. (Its ``__dict__``
    caches derived values: ``cached_property``, ``facts_for``.)"""

    _fields = ("dockerfile", "target", "rule_options", "build_context", "role_patterns", "policy")
    dockerfile: Dockerfile
    target: str | None
    rule_options: Mapping[str, Mapping[str, Any]]
    build_context: Any
    #: config `roles`: path glob -> role
    role_patterns: Mapping[str, str]
    #: the organisation policy (``analysis.policy.Policy``) the ML9xx rules read; None without one
    policy: Any

    def __init__(
        self,
        dockerfile: Dockerfile,
        target: str | None = None,
        rule_options: Mapping[str, Mapping[str, Any]] | None = None,
        build_context: Any = None,
        role_patterns: Mapping[str, str] | None = None,
        policy: Any = None,
    ) -> None:
        self.dockerfile = dockerfile
        self.target = target
        self.rule_options = {} if rule_options is None else rule_options
        self.build_context = build_context
        self.role_patterns = {} if role_patterns is None else role_patterns
        self.policy = policy

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    def options(self, rule: type[Rule] | Rule) -> dict[str, Any]:
        merged = dict(rule.options)
        merged.update(self.rule_options.get(rule.id, {}))
        return merged

    @cached_property
    def final_stage(self) -> Stage | None:
        if not self.dockerfile.stages:
            return None
        if self.target:
            found = self.dockerfile.stage_named(self.target)
            if found is not None:
                return found
        return self.dockerfile.stages[-1]

    @cached_property
    def base_image(self) -> BaseImage | None:
        """What the root image of the final stage's lineage provides (base-image knowledge), if known."""
        final = self.final_stage
        if final is None:
            return None
        return known_base(self.lineage(final)[0].image)

    @cached_property
    def role(self) -> Role:
        """The shipped image's role and the signal it came from."""
        final = self.final_stage
        lineage = self.lineage(final) if final else []
        base = self.base_image
        base_role = (base.role, base.key) if base is not None and base.role else None
        return infer_role(self.dockerfile, final, lineage, self.role_patterns, base_role)

    def applies(self, rule: type[Rule] | Rule) -> bool:
        """Whether ``rule`` applies to this image's role."""
        return rule.roles is None or self.role.role in rule.roles

    @cached_property
    def shipped_indexes(self) -> frozenset[int]:
        """The final stage and the stages it is built FROM, transitively."""
        shipped: set[int] = set()
        stage = self.final_stage
        while stage is not None and stage.index not in shipped:
            shipped.add(stage.index)
            stage = self.dockerfile.stages[stage.parent] if stage.parent is not None else None
        return frozenset(shipped)

    @property
    def shipped_stages(self) -> list[Stage]:
        return [stage for stage in self.dockerfile.stages if stage.index in self.shipped_indexes]

    def is_shipped(self, stage: Stage | int | None) -> bool:
        index = stage.index if isinstance(stage, Stage) else stage
        return index in self.shipped_indexes

    def lineage(self, stage: Stage) -> list[Stage]:
        """``stage`` and its FROM ancestors, base first (what the image built from ``stage`` contains)."""
        return self.dockerfile.lineage(stage)

    def stage_of(self, instruction: Instruction) -> Stage | None:
        index = instruction.stage_index
        return self.dockerfile.stages[index] if index is not None else None

    def instructions(self, *keywords: str, shipped_only: bool = False) -> Iterator[Instruction]:
        """Instructions of every stage (or only shipped ones) with one of ``keywords`` (all if none)."""
        for stage in self.dockerfile.stages:
            if shipped_only and not self.is_shipped(stage):
                continue
            for instruction in stage.instructions:
                if not keywords or instruction.keyword in keywords:
                    yield instruction

    def commands(self, *, shipped_only: bool = False) -> Iterator[tuple[Instruction, ShellCommand]]:
        """Every shell command of every RUN, with its instruction."""
        for instruction in self.instructions("RUN", shipped_only=shipped_only):
            for command in instruction.commands:
                yield instruction, command


def rules_in_package(package: str, path: Iterable[str]) -> list[type[Rule]]:
    """The rules of a family package: every ``Rule`` subclass with an ``id`` defined in one of its ``ml*.py``
    modules, ordered by ID. A new rule module is picked up without editing the family's ``__init__``."""
    import os
    import sys

    found: list[type[Rule]] = []
    stems = sorted(
        {
            name[:-3]
            for directory in path
            for name in os.listdir(directory)
            if name.startswith("ml") and name.endswith(".py")
        }
    )
    for stem in stems:
        __import__(f"{package}.{stem}")  # not importlib.import_module: the importlib package costs ~0.4 ms
        module = sys.modules[f"{package}.{stem}"]
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value.__module__ == module.__name__
                and "id" in value.__dict__
            ):
                found.append(value)
    return sorted(found, key=lambda rule: rule.id)
