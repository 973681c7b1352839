"""``mllint --facts``: the inferred stage facts as a JSON-ready dict and as text."""

from __future__ import annotations

from typing import Any

from ..analysis.gpu.records import Cuda, StageFacts
from ..model import Dockerfile


def _cuda_text(cuda: Cuda | None) -> str | None:
    if cuda is None:
        return None
    return f"{cuda.version} ({cuda.source}{'' if cuda.verified else ', unverified'})"


def _pip_cudnn(item: StageFacts) -> list[str]:
    """Why a stage without a cuDNN base or apt package counts as having cuDNN: a framework's nvidia-* wheels."""
    if item.base.cudnn not in (None, "no"):
        return []
    found = [i for i in item.all_installs if i.pip_cuda_libs and not i.maybe]
    found.sort(key=lambda i: i.package.startswith("nvidia-"))  # torch's wheels before a lone nvidia-nccl
    return [f"nvidia-* pip packages of `{i.spec}` (line {i.at.span.line})" for i in found[:1]]


def facts_as_dict(dockerfile: Dockerfile, facts: list[StageFacts]) -> dict[str, Any]:
    stages = []
    for item in facts:
        base = item.base
        installs = []
        for install in item.all_installs:
            installs.append(
                {
                    "line": install.at.span.line,
                    "package": install.package,
                    "requirement": install.spec,
                    "tool": install.tool,
                    "version": install.version,
                    "local": install.local,
                    "extras": list(install.extras),
                    "index_urls": list(install.index_urls),
                    "extra_index_urls": list(install.extra_index_urls),
                    "find_links": list(install.find_links),
                    "from_file": install.via,
                    "copied_from": dockerfile.stages[install.copied_from].label
                    if install.copied_from is not None
                    else None,
                    "build": install.build,
                    "cuda": install.cuda.short if install.cuda else None,
                    "reason": install.reason,
                    "system_cuda": install.system_cuda,
                    "pip_cuda_libs": install.pip_cuda_libs,
                    "location": install.location,
                    "conditional": install.maybe,
                }
            )
        system = item.system_cuda
        python = sorted({p.version for p in item.pythons} | ({base.python} if base.python else set()))
        stages.append(
            {
                "index": item.stage.index,
                "name": item.stage.name,
                "line": item.stage.from_instruction.line,
                "shipped": item.shipped,
                "base": {
                    "image": base.image.raw if base.image else None,
                    "from_stage": dockerfile.stages[base.root_stage].label
                    if base.root_stage is not None and base.root_stage != item.stage.index
                    else None,
                    "kind": base.kind,
                    "cuda": _cuda_text(base.cuda),
                    "cudnn": base.cudnn,
                    "flavor": base.flavor,
                    "os": "-".join(base.os) if base.os else None,
                    "python": base.python,
                    "frameworks": list(base.frameworks),
                },
                "cuda": system.version if system else None,
                "cuda_source": system.source if system else None,
                "apt_cuda": [c.version if c else "distribution" for c, _ in item.apt_cuda],
                "cudnn": item.has_cudnn,
                "cudnn_sources": item.cudnn_sources or _pip_cudnn(item),
                "cudnn_maybe_sources": item.maybe_cudnn,
                "apt_cuda_maybe": item.maybe_cuda,
                "python": python,
                "python_sources": [f"{p.version}: {p.source} (line {p.line})" for p in item.pythons],
                "installs": installs,
                "unknown_installs": item.opaque,
                "compiles_cuda_code": item.compiles_cuda,
            }
        )
    return {"path": dockerfile.path, "stages": stages}


def context_walk_facts(build_context: Any, dockerfile_path: str) -> dict[str, Any] | None:
    """What the ML8xx rules saw of the build context: its directory, the ignore file used, entries walked and
    whether the walk stopped early (None without a context; ``walked`` None when it cannot be read)."""
    if build_context is None or not hasattr(build_context, "walk"):
        return None
    path = None if dockerfile_path == "-" else dockerfile_path
    ignore = build_context.ignore_file(path)
    walk = build_context.walk(path)
    return {
        "directory": str(build_context.root),
        "ignore_file": ignore.label if ignore else None,
        "walked": walk.walked if walk else None,
        "partial": bool(walk and walk.partial),
    }


def _walk_line(walk: dict[str, Any] | None) -> list[str]:
    if not walk:
        return []
    ignore = walk["ignore_file"] or "no .dockerignore"
    seen = "unreadable" if walk["walked"] is None else f"{walk['walked']:,} entries walked"
    partial = " (partial: stopped at the entry/time limit)" if walk["partial"] else ""
    return [f"  walk:    {walk['directory']}, {ignore}, {seen}{partial}"]


def render_text(data: dict[str, Any]) -> str:
    lines = [f"{data['path']}:", *_walk_line(data.get("context_walk"))]
    for stage in data["stages"]:
        name = f" {stage['name']}" if stage["name"] else ""
        shipped = "shipped" if stage["shipped"] else "not shipped"
        lines.append(f"  stage {stage['index']}{name} (line {stage['line']}, {shipped})")
        base = stage["base"]
        details = [f"{k} {base[k]}" for k in ("kind", "cuda", "cudnn", "flavor", "os", "python") if base[k]]
        if base["frameworks"]:
            details.append("ships " + ", ".join(base["frameworks"]))
        origin = f" via stage {base['from_stage']}" if base["from_stage"] else ""
        lines.append(
            f"    base:    {base['image'] or 'unknown'}{origin}" + (f" ({'; '.join(details)})" if details else "")
        )
        lines.append(
            f"    cuda:    {stage['cuda'] or 'unknown'}"
            + (f" ({stage['cuda_source']})" if stage["cuda_source"] else "")
        )
        cudnn = {True: "yes", False: "no", None: "unknown"}[stage["cudnn"]]
        sources = stage["cudnn_sources"]
        if stage["cudnn"] is None and stage["cudnn_maybe_sources"]:
            cudnn, sources = "maybe", stage["cudnn_maybe_sources"]
        lines.append(f"    cudnn:   {cudnn}" + (f" ({', '.join(sources)})" if sources else ""))
        if stage["apt_cuda_maybe"]:
            lines.append(f"    cuda+:   maybe ({', '.join(stage['apt_cuda_maybe'])})")
        python = ", ".join(stage["python"]) or "unknown"
        lines.append(
            f"    python:  {python}" + (f" ({'; '.join(stage['python_sources'])})" if stage["python_sources"] else "")
        )
        for install in stage["installs"]:
            build = install["build"] or "?"
            if install["cuda"]:
                build = f"CUDA {install['cuda']} build"
            elif install["build"] == "cpu":
                build = "CPU build"
            where = f"line {install['line']}"
            if install["from_file"]:
                where += f", {install['from_file']}"
            if install["copied_from"]:
                where += f", copied from stage {install['copied_from']}"
            if install["conditional"]:
                where += ", only in some branches of a conditional"
            reason = f" [{install['reason']}]" if install["reason"] else ""
            lines.append(f"    install: {install['requirement']} ({install['tool']}, {where}) -> {build}{reason}")
        for opaque in stage["unknown_installs"]:
            lines.append(f"    unknown: {opaque}")
    return "\n".join(lines) + "\n"
