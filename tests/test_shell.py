"""The shell layer: tool option specs that rules rely on."""

from __future__ import annotations

from .conftest import parse


def _commands(text: str):
    return [c for i in parse(text).instructions for c in i.commands]


def test_conda_short_options_cluster():
    clean = _commands("FROM x\nRUN conda clean -ay\n")[0]
    assert clean.subcommand == "clean" and clean.has_flag("-a") and clean.has_flag("-y")
    install = _commands("FROM x\nRUN micromamba install -yn base numpy\n")[0]
    assert install.has_flag("-y") and install.invocation.values("-n") == ["base"]
    assert [w.text for w in install.invocation.positionals] == ["numpy"]


def test_zypper_cc_is_clean():
    command = _commands("FROM x\nRUN zypper cc -a\n")[0]
    assert command.subcommand == "clean" and command.has_flag("-a")


def test_words_after_a_redirect_are_arguments():
    # bash: `pip install numpy>=1.2 scipy` runs pip with `install numpy scipy`, stdout to the file `=1.2`
    pip = _commands("FROM x\nRUN apt-get update && pip install numpy>=1.2 scipy torch\n")[1]
    assert [w.text for w in pip.invocation.positionals] == ["numpy", "scipy", "torch"]
    assert [r.target for r in pip.redirects] == ["=1.2"]


def test_redirect_at_end_of_list_binds_to_last_command():
    update, echo = _commands("FROM x\nRUN apt-get update && echo done > /log.txt\n")
    assert update.redirects == () and [r.target for r in echo.redirects] == ["/log.txt"]


def test_useradd_and_adduser_options():
    useradd = _commands("FROM x\nRUN useradd -rMs /bin/false -d /nonexistent app\n")[0]
    assert useradd.has_flag("-r") and useradd.has_flag("-M") and useradd.invocation.values("-s") == ["/bin/false"]
    assert useradd.invocation.values("-d") == ["/nonexistent"]
    assert [w.text for w in useradd.invocation.positionals] == ["app"]
    adduser = _commands("FROM x\nRUN adduser -D -H -u 1000 app\n")[0]
    assert adduser.has_flag("-H") and [w.text for w in adduser.invocation.positionals] == ["app"]


def test_uv_allow_insecure_host_takes_a_value():
    uv = _commands("FROM x\nRUN uv pip install --allow-insecure-host pypi.internal numpy==1.26.4\n")[0]
    assert uv.subcommand == "pip install" and uv.invocation.values("--allow-insecure-host") == ["pypi.internal"]
    assert [w.text for w in uv.invocation.positionals] == ["numpy==1.26.4"]


def test_export_is_a_command_with_assignments():
    commands = _commands('FROM x\nRUN export A="b c" B && declare -x C=1 && pip install numpy\n')
    assert [c.name for c in commands] == ["export", "declare", "pip"]
    assert commands[0].assignments == (("A", "b c"),) and commands[1].assignments == (("C", "1"),)
    assert commands[0].argv == ("export", 'A="b c"', "B")
