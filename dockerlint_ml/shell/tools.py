"""The command-line grammar of the tools rules ask about: per-tool option specs (:class:`ToolSpec`), which tool a
command runs (:func:`tool_of`), its options/subcommand/positionals (:func:`parse_invocation`), the wrappers
that run the command they precede (``sudo``, ``env``, ``xargs``) and the shells that run a script given inline
(``sh -c SCRIPT``, ``su app -c SCRIPT``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..lazy_re import lazy
from ..model import Invocation, Option, Word
from ..records import Frozen, setfield
from .python import PYTHON_NAME, PYTHON_WITH_VARIABLE

SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ash", "ksh"})


# ---------------------------------------------------------------------------------------------------------
# Per-tool option specs


class ToolSpec(Frozen):
    _fields = ("value_options", "subcommand", "clusters", "two_word", "aliases", "stop_after", "flags_of")
    __slots__ = _fields
    value_options: frozenset[str]
    subcommand: bool
    clusters: bool  # `-fsSL` means -f -s -S -L
    two_word: frozenset[str]  # `conda env create`, `uv pip install`
    aliases: tuple[tuple[str, str], ...]
    stop_after: frozenset[str]  # `python -c CODE args...`
    #: options that are flags for one subcommand although they take a value elsewhere: (subcommand, options)
    flags_of: tuple[tuple[str, frozenset[str]], ...]

    def __init__(
        self,
        value_options: frozenset[str] = frozenset(),
        subcommand: bool = True,
        clusters: bool = False,
        two_word: frozenset[str] = frozenset(),
        aliases: tuple[tuple[str, str], ...] = (),
        stop_after: frozenset[str] = frozenset(),
        flags_of: tuple[tuple[str, frozenset[str]], ...] = (),
    ) -> None:
        setfield(self, "value_options", value_options)
        setfield(self, "subcommand", subcommand)
        setfield(self, "clusters", clusters)
        setfield(self, "two_word", two_word)
        setfield(self, "aliases", aliases)
        setfield(self, "stop_after", stop_after)
        setfield(self, "flags_of", flags_of)


def _opts(text: str) -> frozenset[str]:
    return frozenset(text.split())


# pip install/download/wheel and pip's general options (pip 23-25): every option that takes a value, so the
# value is never read as a package (`--progress-bar off numpy` installs numpy, not `off`)
_PIP_VALUES = _opts(
    "-r --requirement -c --constraint -e --editable -t --target --platform --python-version --implementation --abi "
    "--root --prefix --src --upgrade-strategy -C --config-settings --global-option --build-option --install-option "
    "--no-binary --only-binary --progress-bar --root-user-action --report -i --index-url --extra-index-url "
    "-f --find-links --group -d --dest -w --wheel-dir -b --build --python --log --log-file --local-log "
    "--keyring-provider --proxy --retries --resume-retries --timeout --exists-action --trusted-host --cert "
    "--client-cert --cache-dir --use-feature --use-deprecated --format --exclude --path"
)
# uv (`uv pip install`, `uv add`, `uv sync`, `uv venv`, `uv tool`, `uv pip compile`) and its global options
_UV_VALUES = _opts(
    "-r --requirement --requirements -c --constraint --constraints --override --overrides -b --build-constraint "
    "--build-constraints -e --editable --extra --no-extra --group --no-group --only-group --index --default-index "
    "-i --index-url --extra-index-url -f --find-links -P --upgrade-package --upgrade-group --reinstall-package "
    "--refresh-package --no-build-isolation-package --no-build-package --no-binary-package --no-sources-package "
    "--no-install-package --only-install-package --index-strategy --keyring-provider -C --config-setting "
    "--config-settings --config-settings-package --exclude-newer --exclude-newer-package --resolution --prerelease "
    "--fork-strategy --link-mode --no-binary --only-binary -p --python --python-version --python-platform --target "
    "--prefix --torch-backend --dependency-metadata --excludes -o --output-file --custom-compile-command "
    "--annotation-style --cache-dir --config-file --directory --project --allow-insecure-host --trusted-host "
    "--color --python-preference --package --optional --marker --rev --tag --branch --bounds --script --with "
    "--with-requirements --with-editable --from --prompt --install-dir --output-format --format --python-downloads"
)
_OS_VALUES = _opts(
    "-c --config --setopt --enablerepo --disablerepo --releasever --installroot -d -e -x --exclude "
    "--repo --repofrompath --setopt -R --root"
)
SPECS: dict[str, ToolSpec] = {
    "pip": ToolSpec(_PIP_VALUES, clusters=True, two_word=frozenset({"cache", "config"})),
    # `uv add --editable ./lib`: a flag of `uv add`, a value option of `uv pip install -e ./lib`
    "uv": ToolSpec(_UV_VALUES, two_word=frozenset({"pip"}), flags_of=(("add", _opts("-e --editable")),)),
    "apt-get": ToolSpec(
        _opts("-o --option -c --config-file -t --target-release -a --host-architecture"), clusters=True
    ),
    "apk": ToolSpec(_opts("-t --virtual -X --repository --repositories-file -p --root --arch"), clusters=True),
    "yum": ToolSpec(_OS_VALUES, clusters=True),
    "dnf": ToolSpec(_OS_VALUES, clusters=True),
    "microdnf": ToolSpec(_OS_VALUES),
    "zypper": ToolSpec(
        _OS_VALUES,
        clusters=True,
        aliases=(("in", "install"), ("rm", "remove"), ("ref", "refresh"), ("up", "update"), ("cc", "clean")),
    ),
    "conda": ToolSpec(  # conda, mamba and micromamba; `--override-channels`, `--strict-channel-priority`: flags
        _opts(
            "-n --name -p --prefix -c --channel -f --file --set --add --prepend --append --remove --repodata-fn "
            "--solver --platform --subdir --channel-alias --clone --revision -r --root-prefix --rc-file --log-level "
            "--experimental"
        ),
        clusters=True,  # argparse/CLI11 clusters short options: `conda clean -ay` is -a -y
        two_word=frozenset({"env"}),
        # `conda clean -afy`/`-tipsy`: -f (--force-pkgs-dirs) and -p (--packages) are flags of `clean`
        flags_of=(("clean", _opts("-f -p")),),
    ),
    "curl": ToolSpec(
        _opts(
            "-o --output -H --header -d --data --data-raw --data-binary --data-urlencode -X --request -u --user "
            "-A --user-agent -e --referer -w --write-out --retry --retry-delay --retry-max-time -m --max-time "
            "--connect-timeout --cacert --cert --key -T --upload-file -F --form --url -b --cookie -c --cookie-jar "
            "-x --proxy -r --range --limit-rate --output-dir --proto --proto-redir --resolve -K --config -E "
            "--oauth2-bearer --pass"
        ),
        subcommand=False,
        clusters=True,
    ),
    "wget": ToolSpec(
        _opts(
            "-O --output-document -P --directory-prefix --header -U --user-agent --user --password "
            "--http-user --http-password -o --output-file -a --append-output -t --tries -T --timeout -e --execute "
            "--post-data --ca-certificate -i --input-file"
        ),
        subcommand=False,
        clusters=True,
    ),
    "git": ToolSpec(
        _opts(
            "-c -C --git-dir --work-tree -b --branch --depth -o --origin --filter -j --jobs --reference "
            "--shallow-since -B --template --separate-git-dir"
        ),
        clusters=True,
        two_word=frozenset({"lfs"}),
    ),
    "npm": ToolSpec(_opts("--prefix -w --workspace --registry --cache --loglevel --userconfig --location")),
    # `go install [build flags] pkg@version`: single-dash long flags, no clusters
    "go": ToolSpec(
        _opts("-o -tags -ldflags -gcflags -asmflags -mod -modfile -overlay -pkgdir -p -toolexec -buildmode -pgo -C")
    ),
    "cargo": ToolSpec(
        _opts(
            "--version --vers --git --branch --tag --rev --path --root --index --registry -F --features -j --jobs "
            "--target --target-dir --profile --bin --example --config -Z --color"
        )
    ),
    # `gem install NAME -v 1.2`; `-g/--file` reads a gem dependencies file
    "gem": ToolSpec(
        _opts("-v --version -i --install-dir -n --bindir --platform -s --source -P --trust-policy --document -g --file")
    ),
    "poetry": ToolSpec(_opts("--only --with --without -E --extras --directory -C")),
    "pipenv": ToolSpec(_opts("--python")),
    "huggingface-cli": ToolSpec(
        _opts("--token --revision --local-dir --cache-dir --repo-type --include --exclude --max-workers")
    ),
    "wandb": ToolSpec(_opts("--host")),
    "python": ToolSpec(_opts("-c -m -W -X"), subcommand=False, clusters=True, stop_after=_opts("-c -m")),
    # `chmod [OPTION]... MODE FILE...`: the mode is the first positional. A symbolic mode that starts with `-`
    # (`chmod -w file`, `chmod -R -x dir`) reads as an option here (no clusters: `-rwx` stays one option)
    "chmod": ToolSpec(_opts("--reference"), subcommand=False),
    # `chown [OPTION]... OWNER[:GROUP] FILE...` (GNU/BusyBox: `-Rh` clusters; `--from`/`--reference` take `=VALUE`)
    "chown": ToolSpec(subcommand=False, clusters=True),
    # GNU coreutils / BusyBox `mkdir` and `install`: `mkdir -pm 755 DIR`, `install -Dm755 SRC DEST` cluster
    # (`--context[=CTX]` and `--backup[=CONTROL]` take their value only with `=`, so they are flags otherwise)
    "mkdir": ToolSpec(_opts("-m --mode"), subcommand=False, clusters=True),
    "install": ToolSpec(
        _opts("-m --mode -o --owner -g --group -S --suffix -t --target-directory --strip-program"),
        subcommand=False,
        clusters=True,
    ),
    "rm": ToolSpec(subcommand=False, clusters=True),
    # GNU tar's short and long options that take a value (`tar -xzf FILE -C DIR`); the old style `tar xzf FILE`
    # leaves `xzf` as the first positional
    "tar": ToolSpec(
        _opts("-f --file -C --directory -T --files-from -X --exclude-from -I --use-compress-program -b -H --format"),
        subcommand=False,
        clusters=True,
    ),
    "unzip": ToolSpec(_opts("-d -P"), subcommand=False, clusters=True),
    "sudo": ToolSpec(_opts("-u --user -g --group -h --host -p --prompt -C"), subcommand=False, clusters=True),
    "useradd": ToolSpec(
        _opts(
            "-b --base-dir -c --comment -d --home-dir -e --expiredate -f --inactive -g --gid -G --groups -k --skel "
            "-K --key -p --password -R --root -P --prefix -s --shell -u --uid -Z --selinux-user"
        ),
        subcommand=False,
        clusters=True,
    ),
    "adduser": ToolSpec(  # Debian's adduser (long options) and BusyBox's (short ones)
        _opts("--home --shell --uid --gid --gecos --ingroup --firstuid --lastuid --conf --comment -h -g -s -G -u -k"),
        subcommand=False,
        clusters=True,
    ),
}
SPECS["mamba"] = SPECS["micromamba"] = SPECS["conda"]
SPECS["hf"] = SPECS["huggingface-cli"].replace(two_word=frozenset({"auth"}))
SPECS["apt"] = SPECS["apt-get"]

_PIP_NAME = lazy(r"pip(?:\d+(?:\.\d+)?)?")
_ONE_VARIABLE = lazy(r"\$(?:\{[^}]*\}|\w+)")  # `$PYTHON`, `${PYTHON}`


def tool_of(name: str, argv: Sequence[str]) -> tuple[str, int] | None:
    """The tool a command runs and where its arguments start: ``python3 -m pip`` is pip from index 3.

    ``name`` is the command word (as written when it holds a variable): a path to a tool is that tool
    (``"$VENV/bin/pip"``, ``${CONDA_DIR}/envs/${env}/bin/pip``), ``python$PYTHON_VERSION`` is a python, and a
    word that is only a variable (``${PYTHON}``) is one too when ``-m pip`` follows it."""
    base = name.strip("\"'").rsplit("/", 1)[-1].strip("\"'")
    if _PIP_NAME.fullmatch(base):
        return "pip", 1
    python = bool(PYTHON_NAME.fullmatch(base) or PYTHON_WITH_VARIABLE.fullmatch(base))
    if python or _ONE_VARIABLE.fullmatch(base):
        if len(argv) >= 3 and argv[1] == "-m" and _PIP_NAME.fullmatch(argv[2]):
            return "pip", 3
        if len(argv) >= 2 and argv[1] == "-mpip":
            return "pip", 2
        return ("python", 1) if python else None
    if base == "apt":
        return "apt-get", 1
    if base in SPECS:
        return base, 1
    return None


def parse_invocation(tool: str, words: Sequence[Word]) -> Invocation:
    """Split ``words`` (without the command name) into options, subcommand and positionals."""
    spec = SPECS[tool]
    value_options = spec.value_options
    if spec.flags_of:  # the subcommand is the first word that is not an option
        first = next((word.text for word in words if not word.text.startswith("-")), None)
        value_options = value_options - dict(spec.flags_of).get(first or "", frozenset())
    options: list[Option] = []
    positionals: list[Word] = []
    index, count, only_positionals = 0, len(words), False
    while index < count:
        word = words[index]
        text = word.text
        if only_positionals or not text.startswith("-") or text == "-":
            positionals.append(word)
            index += 1
            continue
        if text == "--":
            only_positionals = True
            index += 1
            continue
        consumed_next = False
        if text.startswith("--"):
            name, equals, value = text.partition("=")
            if equals:
                options.append(Option(name, Word(value, value, word.span), word.span))
            elif name in value_options and index + 1 < count:
                options.append(Option(name, words[index + 1], word.span.cover(words[index + 1].span)))
                consumed_next = True
            else:
                options.append(Option(name, None, word.span))
        elif spec.clusters:
            for position, char in enumerate(text[1:], start=2):
                name = "-" + char
                if name in value_options:
                    rest = text[position:]
                    if rest:
                        options.append(Option(name, Word(rest, rest, word.span), word.span))
                    elif index + 1 < count:
                        options.append(Option(name, words[index + 1], word.span.cover(words[index + 1].span)))
                        consumed_next = True
                    else:
                        options.append(Option(name, None, word.span))
                    break
                options.append(Option(name, None, word.span))
        else:
            name = text
            if name in value_options and index + 1 < count:
                options.append(Option(name, words[index + 1], word.span.cover(words[index + 1].span)))
                consumed_next = True
            elif text[:2] in value_options and len(text) > 2:
                options.append(Option(text[:2], Word(text[2:], text[2:], word.span), word.span))
            else:
                options.append(Option(name, None, word.span))
        if options and options[-1].name in spec.stop_after:
            only_positionals = True
        index += 2 if consumed_next else 1
    subcommand = None
    if spec.subcommand and positionals:
        subcommand = positionals.pop(0).text
        subcommand = dict(spec.aliases).get(subcommand, subcommand)
        if subcommand in spec.two_word and positionals:
            subcommand = f"{subcommand} {positionals.pop(0).text}"
    return Invocation(tool, subcommand, tuple(options), tuple(positionals))


# ---------------------------------------------------------------------------------------------------------
# Wrappers: `sudo apt-get ...`, `env A=1 pip ...`, `xargs apt-get install` run the command they precede.

_WRAPPER_VALUES = {
    "sudo": _opts("-u --user -g --group -h --host -p --prompt -C"),
    "env": _opts("-u --unset -C --chdir"),
    "nice": _opts("-n --adjustment"),
    "xargs": _opts("-I -n -P -d -a -L -s -E --max-args --max-procs --delimiter --arg-file"),
    "timeout": _opts("-s --signal -k --kill-after"),
    "stdbuf": _opts("-i -o -e"),
}
WRAPPERS = frozenset({"sudo", "env", "nohup", "time", "nice", "exec", "command", "xargs", "timeout", "stdbuf"}) | {
    "eatmydata",
    "chronic",
}


def unwrap(words: Sequence[Word], name: str) -> int | None:
    """Index of the wrapped command's name in ``words``, or None."""
    values = _WRAPPER_VALUES.get(name, frozenset())
    index = 1
    while index < len(words):
        text = words[index].text
        if text.startswith("-"):
            index += 2 if text in values else 1
        elif (name == "env" and "=" in text) or (name == "timeout" and re.fullmatch(r"[\d.]+[smhd]?", text)):
            index += 1
        else:
            return index
    return None


# ---------------------------------------------------------------------------------------------------------
# Inline scripts: `sh -c SCRIPT`, `bash -lc SCRIPT`, `su app -c SCRIPT` run SCRIPT as a shell script.

_SCRIPT_OPTION = lazy(r"-[a-zA-Z]*c[a-zA-Z]*")


def script_index(name: str, words: Sequence[Word]) -> int | None:
    """Index in ``words`` of the script a shell (or ``su``) runs given inline, or None."""
    if name not in SHELLS and name != "su":
        return None
    for index, word in enumerate(words[1:-1], start=1):
        if _SCRIPT_OPTION.fullmatch(word.text):
            return index + 1
    return None
