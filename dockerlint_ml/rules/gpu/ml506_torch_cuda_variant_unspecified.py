"""ML506 torch-cuda-variant-unspecified: torch is installed from plain PyPI on a CUDA base image without naming its
CUDA variant.

Reference page: rules/ML506.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ._shared import _definite, _label, _shipped_facts, _what

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from ...facts import Cuda, Install


# ML506


def _suggest_variant(install: Install, system: Cuda) -> str | None:
    """A published variant of this torch release with the base's CUDA major: the newest that the base's minor
    covers, else the closest newer one; None when the release has none (never an index that does not exist)."""
    from ... import knowledge as kb

    release = kb.torch_release(install.version)
    variants = list(release.cuda_variants) if release else []
    same = [v for v in variants if v.split(".")[0] == str(system.major)]
    fitting = [v for v in same if system.minor is None or int(v.split(".")[1]) <= system.minor]
    if fitting:
        return _label(fitting[-1])
    return _label(same[0]) if same else None


class TorchCudaVariantUnspecified(Rule):
    """torch comes from plain PyPI on a CUDA base: pip's default CUDA build, not one chosen for the base."""

    id = "ML506"
    name = "torch-cuda-variant-unspecified"
    severity = Severity.INFO
    summary = "torch is installed from plain PyPI on a CUDA base image without naming its CUDA variant"
    tags = ("gpu", "size")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for facts in _shipped_facts(ctx):
            system = facts.base.cuda
            if system is None:
                continue
            torch = [
                i for i in _definite(facts.all_installs) if i.package == "torch" and i.plain_pypi and i.tool != "conda"
            ]
            seen: set[object] = set()  # one finding per install command, however many stages carry it
            for install in torch:
                if install.command.span in seen:
                    continue
                seen.add(install.command.span)
                system_cuda = facts.system_cuda or system
                if install.cuda is not None and install.cuda.major != system_cuda.major:
                    continue  # ML501 reports the mismatch on this span
                label = _suggest_variant(install, system)
                pinned = bool(install.version) and "*" not in (install.version or "")
                default = f"the CUDA {install.cuda.short} build" if install.cuda else "its default CUDA build"
                where = f"base `{facts.base.reference}` (CUDA {system.version})"
                if install.reason.startswith("no `"):
                    head = f"{_what(install, ctx)}: the {install.reason.split('`')[1]} index has no such build, so pip "
                    head += f"installs the PyPI wheel ({default}), not one chosen for {where}"
                elif label and install.cuda is not None and label == _label(install.cuda.short):
                    head = (
                        f"{_what(install, ctx)} comes from plain PyPI: its wheel is {default}, which suits {where} "
                        "today, but PyPI's default CUDA changes between torch releases"
                    )
                else:
                    head = f"{_what(install, ctx)} comes from plain PyPI, so pip picks {default}"
                    if not pinned:
                        head += " (whichever PyPI makes the default when the image is built)"
                    head += f", not one chosen for {where}"
                if label and install.cuda is not None and label == _label(install.cuda.short):
                    advice = (
                        f"name it (`--index-url https://download.pytorch.org/whl/{label}`) so that a torch upgrade "
                        "cannot silently switch the CUDA build"
                    )
                elif label:
                    advice = f"name the variant, e.g. `--index-url https://download.pytorch.org/whl/{label}`"
                elif install.version and _torch_release(install.version):
                    advice = (
                        f"this torch release has no CUDA {system.major} build: upgrade torch, then name its variant"
                    )
                else:
                    advice = (
                        f"name the CUDA {system.major} variant (`--index-url https://download.pytorch.org/whl/cuXYZ`)"
                    )
                yield self.problem(install.at, f"{head}: {advice}")


def _torch_release(version: str) -> object:
    from ... import knowledge as kb

    return kb.torch_release(version)
