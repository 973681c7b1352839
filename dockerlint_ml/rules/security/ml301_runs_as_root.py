"""ML301 runs-as-root: the image runs as root.

Reference page: rules/ML301.md.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator

from ...images import is_alpine, is_jetson
from ...model import Severity
from ...roles import SERVICES
from ...runtime import startup as container_startup
from ...variables import expand, expand_word
from ..base import Problem, Rule, RuleContext
from ..common import (
    context_sources,
    copy_from_stage,
    final_user,
    is_root_user,
    root_filesystem_source,
    workdir_before,
)

# ML301


#: Runtime directories an unprivileged user must be able to write (hub caches, model dirs).
_WRITABLE_ENV = ("HF_HOME", "HUGGINGFACE_HUB_CACHE", "HF_HUB_CACHE", "TRANSFORMERS_CACHE", "TORCH_HOME",
                 "XDG_CACHE_HOME", "MODEL_DIR", "MODEL_PATH", "MODEL_STORE")  # fmt: skip


def _runtime_dirs(ctx: RuleContext) -> list[str]:
    """Directories the image writes at run time, from ENV (hub caches, model dirs) and VOLUME."""
    final = ctx.final_stage
    found: list[str] = []
    workdirs = [i for stage in (ctx.lineage(final) if final else []) for i in stage.of("WORKDIR")]
    if workdirs:  # the program's working directory: servers and jobs write there (caches, logs, outputs)
        base = ctx.base_image
        base_workdir = (base.workdir or "/") if base is not None else None
        workdir = workdir_before(ctx.dockerfile, final, workdirs[-1], base_workdir) if final else None
        last = workdirs[-1]
        text = expand_word(last.arguments[0].text, last.scope) if last.arguments else None
        if text is not None:
            path = text if text.startswith("/") else (posixpath.join(workdir, text) if workdir else "")
            if path and path != "/":
                found.append(posixpath.normpath(path))
    for stage in ctx.lineage(final) if final else []:
        for instruction in stage.of("ENV", "VOLUME"):
            if instruction.keyword == "ENV":
                values = [v for k, v, _ in instruction.pairs() if k in _WRITABLE_ENV and v]
            else:
                values = list(instruction.exec_form or (w.text for w in instruction.arguments))
            for value in values:
                text = expand_word(value.strip("\"'"), instruction.scope)
                if text is not None and text.startswith("/") and text not in found:
                    found.append(text)
    return found


def _relative_paths_at_start(ctx: RuleContext) -> bool:
    """The CMD/ENTRYPOINT names relative paths (`python Serving/app.py lac_model/`) and no WORKDIR is set."""
    final = ctx.final_stage
    lineage = ctx.lineage(final) if final else []
    if any(stage.of("WORKDIR") for stage in lineage):
        return False
    for _at, argv in container_startup(lineage).argvs():
        if any("/" in arg and not arg.startswith(("/", "-", "$", "http")) for arg in argv[1:]):
            return True
    return False


def _paths_under_root(ctx: RuleContext) -> list[str]:
    """Entries of PATH/PYTHONPATH/LD_LIBRARY_PATH (or a VIRTUAL_ENV) under /root in the final image."""
    final = ctx.final_stage
    found: list[str] = []
    for stage in ctx.lineage(final) if final else []:
        for instruction in stage.of("ENV"):
            for key, value, _word in instruction.pairs():
                if key not in ("PATH", "PYTHONPATH", "LD_LIBRARY_PATH", "VIRTUAL_ENV", "PYTHONHOME") or not value:
                    continue
                text = expand(value.strip("\"'"), instruction.scope)[0]
                for entry in text.split(":"):
                    if entry.startswith("/root/") and entry not in found:
                        found.append(entry.rstrip("/"))
    return found


def _free_uid(taken: Iterable[int]) -> int:
    uid, used = 1000, set(taken)
    while uid in used:
        uid += 1
    return uid


#: tools an entrypoint script ends with to run the command as another user
_PRIVILEGE_DROPPERS = ("gosu", "su-exec", "setpriv", "runuser", "s6-setuidgid", "chpst")


def _entrypoint_drops_privileges(ctx: RuleContext) -> bool:
    """Whether the exec-form ENTRYPOINT is a script copied from the build context whose last command is
    `exec gosu <user> "$@"` (or su-exec, setpriv...): the server runs as that user, root only sets up."""
    final = ctx.final_stage
    if final is None or ctx.build_context is None:
        return False
    lineage = ctx.lineage(final)
    entrypoint = container_startup(lineage).entrypoint
    if entrypoint is None or not entrypoint.exec_form:
        return False
    script = entrypoint.exec_form[0]
    for stage in lineage:
        for copy in stage.of("COPY", "ADD"):
            sources = context_sources(copy)
            if len(sources) != 1 or not copy.arguments or copy.flag("from") is not None:
                continue
            destination = copy.arguments[-1].text
            if destination.endswith("/") or destination in (".", "./"):
                destination = posixpath.join(destination, posixpath.basename(sources[0].text))
            if not destination.startswith("/"):
                destination = posixpath.join(workdir_before(ctx.dockerfile, stage, copy) or "/", destination)
            if posixpath.normpath(destination) != posixpath.normpath(script):
                continue
            text = ctx.build_context.read_text(sources[0].text) or ""
            lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
            words = lines[-1].split() if lines else []
            return len(words) > 1 and words[0] == "exec" and posixpath.basename(words[1]) in _PRIVILEGE_DROPPERS
    return False


_JETSON_ENV = frozenset({"L4T_VERSION", "RUNNING_ON_JETSON", "JETPACK_VERSION"})


def _jetson(ctx: RuleContext) -> bool:
    """A Jetson (L4T) image: built FROM one, shipping CUDA copied from a stage built FROM one (`FROM ubuntu:22.04`
    + `COPY --from=cuda_rt /usr/local/cuda ...` where `cuda_rt` is `l4t-cuda`), or saying so in its ENV."""
    final = ctx.final_stage
    if final is None:
        return False
    if is_jetson(ctx.lineage(final)[0].image):
        return True
    for stage in ctx.lineage(final):
        for instruction in stage.of("ENV"):  # `ENV RUNNING_ON_JETSON=True L4T_VERSION=38.4.0`: built for Jetson
            if any(key in _JETSON_ENV or key.startswith(("JETSON_", "JETPACK_")) for key, _, _ in instruction.pairs()):
                return True
        for instruction in stage.of("COPY"):
            source = copy_from_stage(ctx.dockerfile, instruction)
            if source is not None and is_jetson(ctx.lineage(source)[0].image):
                return True
    return False


class RunsAsRoot(Rule):
    """The image runs as root: the final stage (with the stages it is built ``FROM``) sets no ``USER``, or
    the last ``USER`` is ``root``/``0``. A ``USER`` given by a variable of unknown value, or a base image
    known to run as non-root (base-image knowledge: jupyter's ``jovyan``, torchserve's ``model-server``,
    ``*:nonroot`` distroless, chainguard), or a Jetson (L4T) base, where CUDA needs device groups a plain user
    lacks, keeps the rule silent. Only for images that run a service or a
    job (roles ``serving`` and ``batch``): a dev container, CI runner, training rig or base image runs as
    root by design."""

    id = "ML301"
    name = "runs-as-root"
    severity = Severity.WARNING
    summary = "the image runs as root"
    tags = ("security",)
    roles = SERVICES

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        final = ctx.final_stage
        if final is None:
            return
        if getattr(getattr(ctx.build_context, "choice", None), "user", False):
            return  # every Compose service building it runs it as a non-root `user:`
        if _entrypoint_drops_privileges(ctx):
            return  # the entrypoint script ends with `exec gosu app "$@"`: root only for its set-up
        found = final_user(ctx)
        if found is None:
            image = ctx.lineage(final)[0].image
            if image is None or not image.resolved:
                return  # FROM an unknown image (ARG without value): it may set its own USER
            if image.is_scratch and not any(
                i.keyword in ("CMD", "ENTRYPOINT") for stage in ctx.lineage(final) for i in stage.body
            ):
                return  # a scratch stage with nothing to run only carries files out (`--output`, `COPY --from`)
            if image.tag and "nonroot" in image.tag.lower():
                return
            if _jetson(ctx):
                return  # Jetson: CUDA needs device groups a plain useradd lacks; no advice here would work everywhere
            base = ctx.base_image
            if base is not None and (base.user or base.dev_user):
                return  # the base runs as (or hands the session to) its own unprivileged user
            yield self.problem(
                final.from_instruction,
                "the image runs as root (no `USER` in the final stage): " + self._advice(ctx, image.is_scratch),
            )
            return
        last, user = found
        if user is None or not is_root_user(user):
            return
        base = ctx.base_image
        if base is not None and base.user and not is_root_user(base.user):
            advice = f"switch back to the base image's user after the steps that need root: `USER {base.user}`"
        else:
            advice = "switch to an unprivileged user after the steps that need root: " + self._advice(ctx, False)
        yield self.problem(last, f"the image runs as root (`USER {last.arguments[0].text}` is the last USER): {advice}")

    @staticmethod
    def _advice(ctx: RuleContext, scratch: bool) -> str:
        base = ctx.base_image
        image = ctx.lineage(ctx.final_stage)[0].image if ctx.final_stage else None
        squashed = root_filesystem_source(ctx.dockerfile, ctx.final_stage) if scratch and ctx.final_stage else None
        if squashed is not None:  # `FROM scratch` + `COPY --from=build / /`: the files of `build`, not its USER
            source_image = ctx.lineage(squashed)[0].image
            create = "adduser -D -u 1000 app" if is_alpine(source_image) else "useradd --create-home --uid 1000 app"
            return (
                f"the files (and `useradd`) come from stage `{squashed.label}`, its USER does not: create the user "
                f"there (`RUN {create}`) and switch to it with `USER app` before the CMD/ENTRYPOINT, after the "
                "last step that needs root"
            )
        no_shell = scratch or (image is not None and "distroless" in (image.registry or "") + image.repository)
        if no_shell:
            return "the image has no shell or `useradd`, so set a numeric user: `USER 65532:65532`"
        taken = dict(base.uids) if base is not None else {}
        uid = _free_uid(taken)
        note = f" (uid 1000 is `{taken[1000]}` in `{base.key}`)" if base is not None and 1000 in taken else ""
        # alpine's busybox has `adduser`, no `useradd`
        create = f"adduser -D -u {uid} app" if is_alpine(image) else f"useradd --create-home --uid {uid} app"
        advice = f"create an unprivileged user and switch to it before CMD, e.g. `RUN {create}` then `USER app`{note}"
        dirs = _runtime_dirs(ctx)
        under_root = _paths_under_root(ctx)
        if under_root:
            advice += (
                f"; first move `{under_root[0]}` out of /root (mode 700: an unprivileged user cannot read it, "
                "and the image's PATH/LD_LIBRARY_PATH point there)"
            )
        elif _relative_paths_at_start(ctx):
            advice += ", and run it from a `WORKDIR` that user owns (its command uses relative paths)"
        if dirs:
            shown = " ".join(dirs)
            advice += (
                f", and give it the directories it may write at run time (its WORKDIR, caches, volumes): "
                f"`RUN mkdir -p {shown} && chown app {shown}`"
            )
        return advice
