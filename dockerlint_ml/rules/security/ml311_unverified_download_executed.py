"""ML311 unverified-download-executed: a downloaded file is run or installed with no checksum or signature check.

Reference page: rules/ML311.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...analysis.fetched import fetched_uses
from ...analysis.urls import redact
from ...lazy_re import lazy
from ...model import Severity
from ...roles import DEPLOYED_OR_NOTEBOOK
from ..base import Problem, Rule, RuleContext

# ML311

#: packages that only add a vendor's repository and its signing key (`cuda-keyring_1.1-1_all.deb`,
#: `amdgpu-install_6.1.60101-1_all.deb`, `epel-release-latest-9.noarch.rpm`): what is installed from that
#: repository afterwards is signature-checked, the same trust as fetching the key itself, which is not reported
_REPOSITORY_BOOTSTRAP = lazy(r"(?:.*keyring.*\.deb|amdgpu-install_.*\.deb|.*-release(?:-latest)?[-_.].*\.rpm)")


class UnverifiedDownloadExecuted(Rule):
    """A file fetched with curl/wget (``-o``/``-O``/default name) or ``ADD URL`` that the same stage runs
    (``sh x.sh``, ``python get-pip.py``, ``./installer``), installs (``dpkg -i``, ``rpm -i``,
    ``apt-get install ./x.deb``, ``alien``, ``pip install ./x.whl``), extracts into ``/usr``, or makes
    executable, followed through ``mv``/``cp``/``install``, with no ``sha256sum``/``gpg --verify``/
    ``ADD --checksum`` in between. Each download is reported once, at its first use, and one finding per
    instruction names every unverified download it uses."""

    id = "ML311"
    name = "unverified-download-executed"
    severity = Severity.WARNING
    summary = "a downloaded file is run or installed without a checksum or signature check"
    tags = ("security", "supply-chain")
    roles = DEPLOYED_OR_NOTEBOOK  # not CI, docs or dev tooling images

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        # one finding per RUN: the first unverified download it uses, and the names of the others
        found: dict[int, list[tuple[object, str, str]]] = {}
        for at, message, name, instruction in self._uses(ctx):
            found.setdefault(id(instruction), []).append((at, message, name))
        for uses in found.values():
            at, message, _name = uses[0]
            others = list(dict.fromkeys(name for _at, _message, name in uses[1:]))
            if others:
                message += f" (this instruction also uses {', '.join(f'`{n}`' for n in others)} unverified)"
            yield self.problem(at, message)

    def _uses(self, ctx: RuleContext) -> Iterator[tuple[object, str, str, object]]:
        for stage in ctx.dockerfile.stages:
            reported: set[int] = set()
            for use in fetched_uses(ctx.dockerfile, stage):
                fetched = use.fetched
                if use.verified or id(fetched) in reported or _REPOSITORY_BOOTSTRAP.fullmatch(fetched.name):
                    continue
                reported.add(id(fetched))
                name = fetched.name
                origin = "`ADD`" if fetched.source is None else f"`{fetched.source.name}`"
                if fetched.instruction is not use.instruction:
                    origin += f" on line {fetched.instruction.line}"
                check = f'`echo "<sha256>  {name}" | sha256sum -c -`'
                if name == "get-pip.py":  # an unversioned script: a fixed checksum breaks with the next pip
                    advice = (
                        "install pip from the distribution (`python3-pip`) or with `python3 -m ensurepip`, or fetch "
                        "a pinned commit of github.com/pypa/get-pip and check its sha256"
                    )
                elif fetched.source is None:
                    advice = "add `--checksum=sha256:<sha256>` to the ADD (BuildKit then checks it)"
                elif not fetched.paths:  # piped straight into tar: never a file
                    advice = f"download it to a file, check it with {check}, then extract it"
                else:
                    advice = f"verify it right after the download: {check} (or its signature with `gpg --verify`)"
                command = use.command
                if command is None:
                    what = "is made executable by `ADD --chmod`"
                elif use.how == "runs":
                    runner = command.name.rsplit("/", 1)[-1]
                    names = {path.rsplit("/", 1)[-1] for path in fetched.paths}
                    if runner not in names:
                        what = f"is run by `{runner}`"
                    else:  # run directly, perhaps after a rename
                        what = "is run" if runner == name else f"is run (as `{runner}`)"
                elif use.how == "makes executable":
                    what = f"is made executable (`{command.name}`) for the image to run"
                else:
                    what = f"{use.how.replace('extracts', 'is extracted', 1).replace('installs', 'is installed', 1)}"
                    what += f" by `{command.name}`"
                plain = " over plain HTTP" if fetched.url.lower().startswith("http://") else ""
                yield (
                    use.command if use.command is not None else use.instruction,
                    f"`{name}` (downloaded{plain} by {origin} from `{redact(fetched.url)}`) {what} with no checksum "
                    f"or signature check: {advice}",
                    name,
                    use.instruction,
                )
