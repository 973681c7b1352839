"""Downloaded files: what ``curl``/``wget`` fetch and where it lands (a file, or stdout for a pipe), ``ADD URL``,
and what a stage later does with such a file: runs it, installs it, extracts it into ``/usr``, makes it
executable, or checks it (``sha256sum -c``, ``gpg --verify``). Shared by ML305, ML311 and ML317."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase

from ..lazy_re import lazy
from ..model import Dockerfile, Instruction, ShellCommand, Stage, Word, memo
from ..records import Frozen, Record, setfield
from ..shell import PYTHON_NAME, SHELLS
from ..variables import expand
from .paths import workdir_before

DOWNLOADERS = frozenset({"curl", "wget"})


class Download(Frozen):
    """One URL a ``curl``/``wget`` command fetches, and the file it writes (None: stdout)."""

    __slots__ = ("output", "url")
    _fields = ("url", "output")

    def __init__(self, url: Word, output: str | None) -> None:
        setfield(self, "url", url)
        setfield(self, "output", output)


def _url_name(url: str) -> str:
    """The file name a URL is saved under by ``curl -O`` / plain ``wget``: its last path segment."""
    path = url.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    segments = path.split("/")[1:]
    return segments[-1] if segments and segments[-1] else "index.html"


def _urls(command: ShellCommand) -> list[Word]:
    invocation = command.invocation
    assert invocation is not None
    words = [w for w in invocation.positionals if "://" in w.text or w.text.startswith(("$", "www."))]
    words.extend(o.value for o in invocation.options if o.name == "--url" and o.value is not None)
    return words


def command_downloads(command: ShellCommand) -> list[Download]:
    """What a ``curl``/``wget`` command fetches: each URL with its output file (None when written to stdout).

    curl pairs its ``-o FILE``/``-O`` with the URLs in order (a URL without one goes to stdout; ``-o -`` is
    stdout); wget writes every URL to ``-O FILE`` (``-O -``/``-O-``: stdout), else each to its URL's name,
    in ``-P DIR`` when given."""
    if command.tool not in DOWNLOADERS or command.invocation is None:
        return []
    invocation = command.invocation
    urls = _urls(command)
    if command.tool == "curl":
        directory = (invocation.values("--output-dir") or [""])[-1]
        remote_all = invocation.has_flag("--remote-name-all")
        outputs: list[str | None] = []
        for option in invocation.options:
            if option.name in ("-o", "--output") and option.value is not None:
                outputs.append(None if option.value.text == "-" else option.value.text)
            elif option.name in ("-O", "--remote-name"):
                outputs.append("")  # the URL's own name
        found = []
        for index, url in enumerate(urls):
            output = outputs[index] if index < len(outputs) else ("" if remote_all else None)
            if output == "":
                output = _url_name(url.text)
            if output is not None and directory and not output.startswith("/"):
                output = posixpath.join(directory, output)
            found.append(Download(url, output))
        return found
    documents = invocation.values("-O", "--output-document")
    if documents:
        target = None if documents[-1] == "-" else documents[-1]
        return [Download(url, target) for url in urls]
    prefix = (invocation.values("-P", "--directory-prefix") or [""])[-1]
    return [
        Download(url, posixpath.join(prefix, _url_name(url.text)) if prefix else _url_name(url.text)) for url in urls
    ]


def downloads_to_stdout(command: ShellCommand) -> bool:
    """A ``curl``/``wget`` command that writes a download to stdout (``curl URL``, ``wget -qO- URL``)."""
    return any(download.output is None for download in command_downloads(command))


# ---------------------------------------------------------------------------------------------------------
# Following a downloaded file through a stage

#: Commands that check a file's checksum or signature
_HASH_TOOLS = lazy(r"(?:sha(?:1|224|256|384|512)|md5|b2)sum|shasum")
_VERIFY_TOOLS = frozenset({"gpgv", "gpgv2", "minisign", "slsa-verifier", "signify", "sigstore"})
_INTERPRETERS = lazy(r"perl|ruby|node|php")
#: what runs a program it reads from stdin: `curl … | sh` (ML305), not data for another command (ML317)
STDIN_INTERPRETERS = lazy(rf"(?:{'|'.join(sorted(SHELLS))}|python[\d.]*|perl|ruby|node|php)")
_PATH_DIRS = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
#: an archive extracted here installs programs and libraries system-wide
_SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib64")


def is_verification(command: ShellCommand) -> bool:
    """A command that checks a file: ``sha256sum``/``shasum``/``md5sum`` (``-c`` or a comparison),
    ``gpg --verify``, ``gpgv``, ``cosign verify-blob``, ``minisign -V``, ``rpm -K``, ``openssl dgst -verify``."""
    name, argv = command.name, command.argv
    if _HASH_TOOLS.fullmatch(name) or name in _VERIFY_TOOLS:
        return True
    if name in ("gpg", "gpg2"):
        return any(a in ("--verify", "--verify-files") for a in argv)
    if name == "cosign":
        return any(a.startswith("verify") for a in argv[1:2])
    if name == "rpm":
        return any(a in ("-K", "--checksig") for a in argv)
    if name == "openssl":
        return any(a in ("-verify", "-prverify", "-signature") for a in argv)
    return False


class Fetched(Record):
    """A file a stage downloaded: where it came from and the paths it is known by now (after ``mv``/``cp``)."""

    _fields = ("instruction", "source", "url", "name", "paths", "verified")
    _compare = None  # identity (eq=False)
    instruction: Instruction
    source: ShellCommand | None  # the curl/wget; None for ``ADD URL``
    url: str
    name: str  # the file as first written, for messages
    paths: set[str]
    verified: bool

    def __init__(
        self,
        instruction: Instruction,
        source: ShellCommand | None,
        url: str,
        name: str,
        paths: set[str] | None = None,
        verified: bool = False,
    ) -> None:
        self.instruction = instruction
        self.source = source
        self.url = url
        self.name = name
        self.paths = (set()) if paths is None else paths
        self.verified = verified


class FetchedUse(Frozen):
    """A downloaded file run or installed: ``how`` says what happened (``runs``, ``installs``, ...);
    ``command`` is None for ``ADD --chmod=755 URL``."""

    __slots__ = ("command", "fetched", "how", "instruction", "verified")
    _fields = ("fetched", "instruction", "command", "how", "verified")

    def __init__(
        self, fetched: Fetched, instruction: Instruction, command: ShellCommand | None, how: str, verified: bool
    ) -> None:
        setfield(self, "fetched", fetched)
        setfield(self, "instruction", instruction)
        setfield(self, "command", command)
        setfield(self, "how", how)
        setfield(self, "verified", verified)


_HOME = lazy(r"^(?:~|\$HOME|\$\{HOME\})(?=/|$)")


def _resolve(text: str, cwd: str | None, scope: Mapping[str, str | None]) -> str:
    """A path as a key: absolute when it can be (``~`` stays ``~``), ``?/rel`` when the cwd is unknown."""
    text = _HOME.sub("~", text)
    text = expand(text, scope)[0]
    if text.startswith(("/", "~")):
        return posixpath.normpath(text)
    if cwd is None:
        return "?/" + posixpath.normpath(text)
    return posixpath.normpath(posixpath.join(cwd, text))


def _positionals(command: ShellCommand) -> list[Word]:
    if command.invocation is not None:
        return list(command.invocation.positionals)
    return [w for w in command.words[1:] if not w.text.startswith("-")]


def _mode_executable(mode: str) -> bool:
    if re.fullmatch(r"[0-7]{3,4}", mode):
        return any(int(digit) & 1 for digit in mode[-3:])
    return bool(re.fullmatch(r"[ugoa]*[+=][rwxXst]*x[rwxXst]*", mode))


def _tar_extract(command: ShellCommand) -> tuple[str | None, str | None] | None:
    """For ``tar`` extracting: (archive or None for stdin, ``-C`` directory or None); None when not extracting."""
    invocation = command.invocation
    if invocation is None:
        return None
    positionals = list(invocation.positionals)
    letters = "".join(o.name[1:] for o in invocation.options if len(o.name) == 2)
    archive = (invocation.values("-f", "--file") or [None])[-1]
    if positionals and not letters and re.fullmatch(r"[a-zA-Z]+", positionals[0].text):  # `tar xzf FILE`
        letters = positionals.pop(0).text
        if "f" in letters and positionals:
            archive = positionals.pop(0).text
    if "x" not in letters and not invocation.has_flag("--extract", "--get"):
        return None
    directory = (invocation.values("-C", "--directory") or [None])[-1]
    return (None if archive in (None, "-") else archive), directory


def _under_system(path: str | None) -> bool:
    return path is not None and (path == "/" or any(path == d or path.startswith(d + "/") for d in _SYSTEM_DIRS))


class _Walk:
    """One pass over a stage: which files were downloaded, under which paths, and what happened to them."""

    def __init__(self) -> None:
        self.files: list[Fetched] = []
        self.uses: list[FetchedUse] = []
        self.pending: dict[int, FetchedUse] = {}  # made executable, not run yet (by id of the Fetched)

    def find(self, key: str) -> Fetched | None:
        for fetched in reversed(self.files):
            if key in fetched.paths or any(fnmatchcase(path, key) for path in fetched.paths if "*" in key):
                return fetched
        return None

    def use(self, fetched: Fetched, instruction: Instruction, command: ShellCommand | None, how: str) -> None:
        if how == "makes executable":
            self.pending.setdefault(id(fetched), FetchedUse(fetched, instruction, command, how, fetched.verified))
            return
        self.pending.pop(id(fetched), None)
        self.uses.append(FetchedUse(fetched, instruction, command, how, fetched.verified))

    def add(self, instruction: Instruction, cwd: str | None) -> None:
        """``ADD [--checksum=…] URL DEST``."""
        words = [w for w in instruction.arguments]
        if len(words) < 2:
            return
        dest = words[-1].text
        for word in words[:-1]:
            if "://" not in word.text or word.text.startswith("git@"):
                continue
            name = _url_name(word.text)
            target = posixpath.join(dest, name) if dest.endswith("/") else dest
            fetched = Fetched(instruction, None, word.text, name, verified=instruction.flag("checksum") is not None)
            fetched.paths.add(_resolve(target, cwd, instruction.scope))
            self.files.append(fetched)
            chmod = instruction.flag("chmod")
            if chmod is not None and chmod.value and _mode_executable(chmod.value):
                self.use(fetched, instruction, None, "makes executable")

    def run(self, instruction: Instruction, cwd: str | None) -> None:
        scope = instruction.scope
        commands = instruction.commands
        for command in commands:

            def key(text: str, cwd: str | None = cwd) -> str:
                return _resolve(text, cwd, scope)

            name = command.name
            if name == "cd" and command.nested_in is None:
                target = next((w.text for w in command.words[1:] if not w.text.startswith("-")), "~")
                cwd = None if "$" in expand(target, scope)[0] else key(target)
                if cwd is not None and cwd.startswith("?"):
                    cwd = None
                continue
            if is_verification(command):
                for fetched in self.files:
                    fetched.verified = True
                for index, pending in list(self.pending.items()):
                    self.pending[index] = pending.replace(verified=True)
                continue
            for download in command_downloads(command):
                if download.output is not None:
                    fetched = Fetched(instruction, command, download.url.text, posixpath.basename(download.output))
                    fetched.paths.add(key(download.output))
                    self.files.append(fetched)
            self._moves(instruction, command, key)
            self._uses(instruction, command, key, commands)

    def _moves(self, instruction: Instruction, command: ShellCommand, key) -> None:  # type: ignore[no-untyped-def]
        if command.name not in ("mv", "cp", "install", "ln"):
            return
        words = _positionals(command)
        if command.name == "install" and command.invocation is not None:
            directory = command.invocation.values("-t", "--target-directory")
            if directory:
                words.append(Word(directory[-1] + "/", directory[-1] + "/", command.span))
        if len(words) < 2:
            return
        dest = words[-1].text
        for source in words[:-1]:
            fetched = self.find(key(source.text))
            if fetched is None:
                continue
            fetched.paths.add(key(dest))
            fetched.paths.add(key(posixpath.join(dest, posixpath.basename(source.text))))
            if command.name == "install" and command.invocation is not None:
                mode = (command.invocation.values("-m", "--mode") or ["755"])[-1]
                if _mode_executable(mode):
                    self.use(fetched, instruction, command, "makes executable")

    def _uses(self, instruction: Instruction, command: ShellCommand, key, commands) -> None:  # type: ignore[no-untyped-def]
        name, words = command.name, command.words
        found: list[tuple[Fetched | None, str]] = []
        head = words[0].text
        if "/" in head:
            found.append((self.find(key(head)), "runs"))
        elif not command.invocation and name not in SHELLS:
            for directory in _PATH_DIRS:
                fetched = self.find(directory + "/" + head)
                if fetched is not None:
                    found.append((fetched, "runs"))
                    break
        if (name in SHELLS and command.script is None) or name in ("source", "."):
            script = next((w for w in words[1:] if not w.text.startswith(("-", "+"))), None)
            if script is not None:
                found.append((self.find(key(script.text)), "runs"))
        elif command.tool == "python" or _INTERPRETERS.fullmatch(name) or PYTHON_NAME.fullmatch(name):
            if command.tool == "python" and command.has_flag("-c", "-m"):
                return
            script = next((w for w in words[1:] if not w.text.startswith("-")), None)
            if script is not None:
                found.append((self.find(key(script.text)), "runs"))
        elif name == "chmod" and (positionals := _positionals(command)) and _mode_executable(positionals[0].text):
            found.extend((self.find(key(w.text)), "makes executable") for w in positionals[1:])
        elif (
            (
                name == "dpkg"
                and any(a in ("-i", "--install") or re.fullmatch(r"-[a-zA-Z]*i[a-zA-Z]*", a) for a in command.argv[1:])
            )
            or (
                name == "rpm"
                and any(
                    re.fullmatch(
                        r"-[a-pr-zA-Z]*[iUF][a-pr-zA-Z]*|--install|--upgrade|--freshen", a
                    )  # not `-qip` (query)
                    for a in command.argv[1:]
                )
            )
        ):
            found.extend((self.find(key(w.text)), "installs") for w in _positionals(command))
        elif name == "alien" or (
            command.tool in ("apt-get", "yum", "dnf", "microdnf", "zypper", "pip", "uv")
            and command.subcommand in ("install", "localinstall", "reinstall", "pip install")
        ):
            paths = [w for w in _positionals(command) if "/" in w.text or name == "alien"]
            found.extend((self.find(key(w.text)), "installs") for w in paths)
        elif command.tool == "tar":
            extract = _tar_extract(command)
            if extract is not None:
                archive, directory = extract
                target = key(directory) if directory is not None else key(".")
                if _under_system(target):
                    how = f"extracts into `{target}`"
                    if archive is not None:
                        found.append((self.find(key(archive)), how))
                    else:
                        found.extend((f, how) for f in self._piped(instruction, command, commands))
        elif command.tool == "unzip" and command.invocation is not None:
            positionals = command.invocation.positionals
            directory = (command.invocation.values("-d") or ["."])[-1]
            if positionals and _under_system(key(directory)):
                found.append((self.find(key(positionals[0].text)), f"extracts into `{key(directory)}`"))
        for fetched, how in found:
            if fetched is not None:
                self.use(fetched, instruction, command, how)

    def _piped(self, instruction: Instruction, command: ShellCommand, commands) -> Iterator[Fetched]:  # type: ignore[no-untyped-def]
        """A download piped into ``command`` (``curl … | tar -xz -C /usr/local``): a file never on disk."""
        for other in commands:
            if other.pipeline == command.pipeline and other.pipe_index < command.pipe_index:
                for download in command_downloads(other):
                    if download.output is None:
                        yield Fetched(instruction, other, download.url.text, _url_name(download.url.text))


def fetched_uses(dockerfile: Dockerfile, stage: Stage) -> list[FetchedUse]:
    """Every run or install of a file the stage downloaded (``curl -o``/``-O``, ``wget``, ``ADD URL``), followed
    through ``mv``/``cp``/``install`` and ``cd``, in order; ``verified`` when a checksum or signature check
    (:func:`is_verification`, ``ADD --checksum``) came between the download and the use. A file made executable
    (``chmod +x``, ``install -m 755``, ``ADD --chmod=755``) and never run in the build is a use too: it is
    installed for the image to run."""

    def compute() -> list[FetchedUse]:
        walk = _Walk()
        for instruction in stage.body:
            if instruction.keyword not in ("RUN", "ADD"):
                continue
            cwd = workdir_before(dockerfile, stage, instruction, None)
            if instruction.keyword == "ADD":
                walk.add(instruction, cwd)
            else:
                walk.run(instruction, cwd)
        return walk.uses + list(walk.pending.values())

    return memo(stage, ("fetched_uses", id(dockerfile)), compute)
