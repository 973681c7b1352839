"""The rule list: built-in rules are listed statically (no import-time scanning); third-party rules come
from the entry-point group ``dockerlint_ml.rules`` and are looked up only when plugins are enabled."""

from __future__ import annotations

from .rules import artifacts, context, correctness, gpu, layers, policy, reproducibility, security, serving, size
from .rules.base import Rule

ENTRY_POINT_GROUP = "dockerlint_ml.rules"


def builtin_rules() -> list[type[Rule]]:
    rules: list[type[Rule]] = []
    for module in (correctness, layers, size, security, serving, gpu, artifacts, reproducibility, context, policy):
        rules.extend(module.RULES)
    return sorted(rules, key=lambda rule: rule.id)


class PluginError(Exception):
    pass


def plugin_rules() -> list[type[Rule]]:
    """Rules from installed plugins. An entry point names a Rule subclass or a list of them."""
    from importlib.metadata import entry_points

    found: list[type[Rule]] = []
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = entry_point.load()
        except Exception as error:
            raise PluginError(f"plugin {entry_point.name!r} failed to load: {error}") from None
        candidates = loaded if isinstance(loaded, (list, tuple)) else [loaded]
        for candidate in candidates:
            if not (isinstance(candidate, type) and issubclass(candidate, Rule)):
                raise PluginError(f"plugin {entry_point.name!r} does not provide Rule classes")
            found.append(candidate)
    return found


def all_rules(plugins: bool) -> list[type[Rule]]:
    rules = builtin_rules()
    if plugins:
        known = {rule.id for rule in rules}
        for rule in plugin_rules():
            if rule.id in known:
                raise PluginError(f"plugin rule {rule.id} clashes with a rule of the same ID")
            known.add(rule.id)
            rules.append(rule)
    return rules
