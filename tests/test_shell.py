"""The shell layer: tool option specs that rules rely on."""

from __future__ import annotations

import pytest

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


def _positionals(command) -> list[str]:
    return [w.text for w in command.invocation.positionals]


def test_uv_value_options_are_not_packages():
    uv = _commands(
        "FROM x\nRUN uv pip install --index-strategy unsafe-best-match --resolution lowest --prerelease allow "
        "-p 3.11 --torch-backend cu124 --link-mode copy -P numpy --exclude-newer 2024-01-01 --keyring-provider "
        "subprocess -C key=value --no-build-isolation-package flash-attn --python-platform linux --group dev "
        "--extra serve --index pytorch=https://download.pytorch.org/whl/cpu --default-index https://pypi.org/simple "
        "--reinstall-package torch --refresh-package torch --only-binary :all: --no-binary :none: requests\n"
    )[0]
    assert uv.subcommand == "pip install" and _positionals(uv) == ["requests"]
    assert uv.invocation.values("--index-strategy") == ["unsafe-best-match"]
    sync = _commands("FROM x\nRUN uv sync --frozen --extra gpu --group dev --no-install-package torch -p 3.12\n")[0]
    assert sync.subcommand == "sync" and _positionals(sync) == [] and sync.has_flag("--frozen")


def test_uv_add_editable_is_a_flag():
    add = _commands("FROM x\nRUN uv add -e ./lib --optional gpu torch\n")[0]
    assert add.subcommand == "add" and add.has_flag("-e") and _positionals(add) == ["./lib", "torch"]
    pip = _commands("FROM x\nRUN uv pip install -e ./lib\n")[0]
    assert pip.invocation.values("-e") == ["./lib"] and _positionals(pip) == []


def test_pip_value_options_are_not_packages():
    pip = _commands(
        "FROM x\nRUN pip install --root / --src /src --upgrade-strategy eager --progress-bar off --platform "
        "manylinux2014_x86_64 --abi cp311 --implementation cp --global-option x --config-settings a=b --report r.json "
        "--log l.txt --timeout 60 --retries 3 --proxy http://p:3128 --cert c.pem --client-cert cc.pem --trusted-host "
        "h --exists-action w --python-version 3.11 --root-user-action ignore -t /t -e . requests\n"
    )[0]
    assert _positionals(pip) == ["requests"] and pip.invocation.values("-e") == ["."]
    clustered = _commands("FROM x\nRUN pip3 install -qUt /deps numpy\n")[0]
    assert clustered.invocation.values("-t") == ["/deps"] and _positionals(clustered) == ["numpy"]


def test_conda_value_options_and_clean_flags():
    install = _commands(
        "FROM x\nRUN conda install -y -c conda-forge --override-channels -n base --solver libmamba numpy\n"
    )[0]
    assert install.has_flag("--override-channels") and _positionals(install) == ["numpy"]
    assert install.invocation.values("-c") == ["conda-forge"]
    clean = _commands("FROM x\nRUN conda clean -afy && mamba clean -tipy\n")
    assert all(c.has_flag("-y") for c in clean) and clean[1].has_flag("-p")
    create = _commands("FROM x\nRUN micromamba create -yf env.yml\n")[0]
    assert create.invocation.values("-f") == ["env.yml"]


def test_pip_spelled_with_versions_paths_and_variables():
    text = (
        "FROM x\nRUN python3.11 -m pip install a && python$PYTHON_VERSION -m pip install b && "
        '${PYTHON} -m pip install c && "$VENV/bin/pip" install d && '
        '"${CONDA_DIR}/envs/${env_name}/bin/pip" install e && /opt/venv/bin/pip3 install f && '
        '"$VENV"/bin/python -m pip install g && $TOOL install h && ${PYTHON} script.py\n'
    )
    commands = _commands(text)
    assert [c.tool for c in commands] == ["pip"] * 7 + [None, None]
    assert [_positionals(c) for c in commands[:7]] == [[letter] for letter in "abcdefg"]
    assert _commands("FROM x\nRUN python$PY -c 'print(1)'\n")[0].tool == "python"


# ---------------------------------------------------------------------------------------------------------
# Shell conditionals: ShellCommand.conditions, as (id, line, branch, branches, complete, variables)


def _conditions(body: str) -> list[tuple[str, list[tuple]]]:
    return [
        (c.name, [(x.id, x.line, x.branch, x.branches, x.complete, x.variables) for x in c.conditions])
        for c in _commands(f"FROM x\nRUN {body}\n")
    ]


IF = (2, 5)  # where `if`/`case` starts: `RUN ` is 4 columns


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            'if [ -n "$TORCH_INDEX_URL" ]; then a; elif [ "$ARCH" = x ]; then b; else c; fi; d',
            [
                ("a", [(IF, 2, 0, 3, True, ("TORCH_INDEX_URL", "ARCH"))]),
                ("b", [(IF, 2, 1, 3, True, ("TORCH_INDEX_URL", "ARCH"))]),
                ("c", [(IF, 2, 2, 3, True, ("TORCH_INDEX_URL", "ARCH"))]),
                ("d", []),
            ],
            id="if-elif-else",
        ),
        pytest.param(
            "if command -v nvcc; then a; fi",  # the condition's own commands run outside the branches
            [("command", []), ("nvcc", []), ("a", [(IF, 2, 0, 1, False, ())])],
            id="if-without-else",
        ),
        pytest.param(
            'case "${ARCH}" in amd64) a;; arm64|aarch64) b;; *) c;; esac',
            [
                ("a", [(IF, 2, 0, 3, True, ("ARCH",))]),
                ("b", [(IF, 2, 1, 3, True, ("ARCH",))]),
                ("c", [(IF, 2, 2, 3, True, ("ARCH",))]),
            ],
            id="case",
        ),
        pytest.param(
            "case $X in a) a;; esac",
            [("a", [(IF, 2, 0, 1, False, ("X",))])],
            id="case-without-default",
        ),
        pytest.param(
            '[ -n "$X" ] && a && b',  # the test governs the rest of the list; id: the `&&` after it
            [("a", [((2, 17), 2, 0, 1, False, ("X",))]), ("b", [((2, 17), 2, 0, 1, False, ("X",))])],
            id="test-and",
        ),
        pytest.param(
            "test -f /x || a",
            [("test", []), ("a", [((2, 16), 2, 0, 1, False, ())])],
            id="test-or",
        ),
        pytest.param(
            "a || b && c",  # b is a fallback; c runs whenever the build goes on
            [("a", []), ("b", [((2, 7), 2, 0, 1, False, ())]), ("c", [])],
            id="fallback",
        ),
        pytest.param("apt-get update && apt-get install -y x", [("apt-get", []), ("apt-get", [])], id="plain-and"),
        pytest.param(
            "if a; then if b; then c; else d; fi; fi",
            [
                ("a", []),
                ("b", [(IF, 2, 0, 1, False, ())]),
                ("c", [(IF, 2, 0, 1, False, ()), ((2, 16), 2, 0, 2, True, ())]),
                ("d", [(IF, 2, 0, 1, False, ()), ((2, 16), 2, 1, 2, True, ())]),
            ],
            id="nested-if",
        ),
        pytest.param(
            """[ -d /x ] && sh -c 'if [ -z "$Y" ]; then pip install y; fi'""",
            [
                ("sh", [((2, 15), 2, 0, 1, False, ())]),
                ("pip", [((2, 15), 2, 0, 1, False, ()), ((2, 25), 2, 0, 1, False, ("Y",))]),
            ],
            id="if-inside-sh-c",
        ),
        pytest.param(
            "if a; then sudo pip install x; fi",  # a wrapped command keeps its wrapper's conditions
            [("a", []), ("sudo", [(IF, 2, 0, 1, False, ())]), ("pip", [(IF, 2, 0, 1, False, ())])],
            id="wrapper",
        ),
    ],
)
def test_conditions(body, expected):
    assert _conditions(body) == expected


def test_conditions_across_continuation_lines():
    commands = _commands('FROM x\nRUN apt-get update \\\n  && if [ "$A" = 1 ]; then \\\n    pip install a; \\\n  fi\n')
    (condition,) = commands[1].conditions
    assert commands[0].conditions == () and (condition.id, condition.line, condition.variables) == ((3, 6), 3, ("A",))


def test_heredoc_script_commands_have_conditions():
    commands = _commands('FROM x\nRUN <<EOF\nset -e\nif [ -n "$CUDA" ]; then\n  pip install torch\nfi\nEOF\n')
    pip = next(c for c in commands if c.name == "pip")
    assert [(x.id, x.variables) for x in pip.conditions] == [((4, 1), ("CUDA",))]


def test_long_and_chain_has_no_conditions():
    body = " && ".join(f"echo {i}" for i in range(20_000))
    commands = _commands(f"FROM x\nRUN {body}\n")
    assert len(commands) == 20_000 and all(c.conditions == () for c in commands)


def test_long_chain_of_tests_keeps_conditions_bounded():
    # every test governs the rest of the list: without a cap the conditions would grow with the chain
    from dockerlint_ml.shell import MAX_CONDITIONS

    commands = _commands("FROM x\nRUN " + " && ".join(["test -f x && echo"] * 5_000) + "\n")
    assert max(len(c.conditions) for c in commands) == MAX_CONDITIONS


# ---------------------------------------------------------------------------------------------------------
# `sh -c SCRIPT`: the shell records its script, the script's commands the shell they came from


def _run_commands(text: str):
    return [c for i in parse(text).instructions if i.keyword == "RUN" for c in i.commands]


def test_sh_c_records_its_script_and_the_nested_command_its_shell():
    commands = _run_commands("FROM x\nRUN echo hi && sudo sh -c 'pip install x' && echo done\n")
    assert [c.name for c in commands] == ["echo", "sudo", "sh", "pip", "echo"]
    sh, pip = commands[2], commands[3]
    assert sh.wrapper == "sudo" and sh.script is not None and sh.script.text == "pip install x"
    assert sh.script is sh.words[2]  # the word itself, so rules can compare by identity
    assert pip.nested_in == 2 and pip.script is None
    assert all(c.nested_in is None and c.script is None for c in (commands[0], commands[1], commands[4]))


def test_bash_lc_and_su_c():
    bash, update, install = _run_commands("FROM x\nRUN bash -lc 'apt-get update && apt-get install -y curl'\n")
    assert bash.script is not None and bash.script.text == "apt-get update && apt-get install -y curl"
    assert update.nested_in == install.nested_in == 0
    su, pip = _run_commands("FROM x\nRUN su app -c 'pip install --user numpy'\n")
    assert su.name == "su" and su.script is not None and su.script.text == "pip install --user numpy"
    assert pip.tool == "pip" and pip.nested_in == 0


def test_nested_twice_points_at_the_innermost_shell():
    commands = _run_commands("FROM x\nRUN apt-get update && sh -c \"bash -c 'pip install x'\" && echo ok\n")
    assert [c.name for c in commands] == ["apt-get", "sh", "bash", "pip", "echo"]
    sh, bash, pip = commands[1:4]
    assert sh.script is not None and sh.script.text == "bash -c 'pip install x'" and sh.nested_in is None
    assert bash.nested_in == 1 and bash.script is not None and bash.script.text == "pip install x"
    assert pip.nested_in == 2 and commands[4].nested_in is None


def test_sh_c_in_a_heredoc_script_indexes_the_whole_run():
    commands = _run_commands("FROM x\nRUN bash <<EOF\nset -e\nsh -c 'apt-get update && apt-get install -y curl'\nEOF\n")
    assert [c.name for c in commands] == ["bash", "set", "sh", "apt-get", "apt-get"]
    assert commands[0].script is None  # a heredoc is not a script word
    assert commands[2].script is not None and commands[3].nested_in == commands[4].nested_in == 2


def test_exec_form_sh_c():
    sh, pip = _run_commands('FROM x\nRUN ["sh", "-c", "pip install x"]\n')
    assert sh.script is not None and sh.script.text == "pip install x" and pip.nested_in == 0


def test_no_script_without_c():
    commands = _run_commands("FROM x\nRUN bash install.sh && sh -e -x ./build.sh && bash -c\n")
    assert [c.name for c in commands] == ["bash", "sh", "bash"]
    assert all(c.script is None and c.nested_in is None for c in commands)


def test_nesting_beyond_the_limit_points_at_the_deepest_walked_shell():
    from dockerlint_ml.shell import MAX_NESTING

    script = "pip install torch"
    for _ in range(MAX_NESTING + 3):  # `sh -c "$(sh -c "$(...)")"`: grows linearly (quoting would not)
        script = f'sh -c "$({script})"'
    commands = _run_commands(f"FROM x\nRUN {script}\n")
    shells = [index for index, c in enumerate(commands) if c.name == "sh"]
    assert len(shells) == MAX_NESTING + 3 and all(commands[i].script is not None for i in shells)
    assert all(c.nested_in is None or c.nested_in in shells[:MAX_NESTING] for c in commands)
    # scripts deeper than MAX_NESTING are not walked on their own: what the walk finds in them (through
    # their `$(...)`) belongs to the deepest script that was walked
    assert {c.nested_in for c in commands} == {None, *shells[:MAX_NESTING]}
    assert commands[-1].tool == "pip" and commands[-1].nested_in == shells[MAX_NESTING - 1]


# --- file-mode and credential options rules read through the grammar (ML309, ML304) ---------------------


def test_mkdir_and_install_mode_options():
    mkdir = _commands("FROM x\nRUN mkdir -pm 777 /data\n")[0]
    assert mkdir.tool == "mkdir" and mkdir.has_flag("-p") and mkdir.invocation.values("-m") == ["777"]
    assert [w.text for w in mkdir.invocation.positionals] == ["/data"]
    assert _commands("FROM x\nRUN mkdir --mode=0775 /d\n")[0].invocation.values("--mode") == ["0775"]
    install = _commands("FROM x\nRUN install -Dm755 -o root -g root tool /usr/local/bin/tool\n")[0]
    assert install.tool == "install" and install.has_flag("-D")
    assert install.invocation.values("-m") == ["755"] and install.invocation.values("-o", "-g") == ["root", "root"]
    assert [w.text for w in install.invocation.positionals] == ["tool", "/usr/local/bin/tool"]
    assert _commands("FROM x\nRUN install -d -m 1777 /tmp/x\n")[0].invocation.values("-m") == ["1777"]


def test_chmod_mode_is_the_first_positional():
    chmod = _commands("FROM x\nRUN chmod -R 777 /app\n")[0]
    assert chmod.has_flag("-R") and [w.text for w in chmod.invocation.positionals] == ["777", "/app"]
    dashed = _commands("FROM x\nRUN chmod -w /app\n")[0]  # a symbolic mode that starts with `-`: one option
    assert [o.name for o in dashed.invocation.options] == ["-w"]
    reference = _commands("FROM x\nRUN chmod --reference /etc/passwd /app\n")[0]
    assert reference.invocation.values("--reference") == ["/etc/passwd"]
    assert [w.text for w in reference.invocation.positionals] == ["/app"]


@pytest.mark.parametrize(
    ("body", "reported"),
    [
        ("chmod 777 /app", True),
        ("chmod -R o+w /app", True),
        ("chmod 1777 /tmp/x", False),
        ("chmod -w 777", False),  # `-w` is the mode, `777` a file
        ("mkdir -m 777 /d", True),
        ("mkdir -m777 /d", True),
        ("mkdir --mode=a+rwx /d", True),
        ("mkdir -pm 777 /d", True),
        ("install -m 0666 f /f", True),
        ("install -Dm777 f /f", True),
        ("install -Dm755 f /f", False),
        ("mkdir -m $MODE /d", False),
    ],
)
def test_ml309_reads_modes_from_the_grammar(body, reported, lint_text):
    findings = lint_text(f"FROM x\nRUN {body}\n", ["ML309"])
    assert bool([f for f in findings if f.rule == "ML309"]) is reported


def test_credential_tools_in_the_grammar():
    hf = _commands("FROM x\nRUN huggingface-cli login --token hf_abc --add-to-git-credential\n")[0]
    assert hf.subcommand == "login" and hf.invocation.values("--token") == ["hf_abc"]
    auth = _commands("FROM x\nRUN hf auth login --token=hf_abc\n")[0]
    assert auth.subcommand == "auth login" and auth.invocation.values("--token") == ["hf_abc"]
    wandb = _commands("FROM x\nRUN wandb login --host https://w.example --relogin KEY\n")[0]
    assert wandb.subcommand == "login" and wandb.invocation.values("--host") == ["https://w.example"]
    assert wandb.has_flag("--relogin") and [w.text for w in wandb.invocation.positionals] == ["KEY"]
    curl = _commands("FROM x\nRUN curl -fsSLu user:pw https://x.example/f\n")[0]
    assert curl.invocation.values("-u") == ["user:pw"] and curl.has_flag("-L")


@pytest.mark.parametrize(
    ("body", "reported"),
    [
        ("curl -u admin:Xk9pQ2vR7z https://x.example/f", True),
        ("curl --user=admin:Xk9pQ2vR7z https://x.example/f", True),
        ("curl -fsSLu admin:Xk9pQ2vR7z https://x.example/f", True),  # a cluster: the grammar splits it
        ("curl -u admin:$PW https://x.example/f", False),
        ("curl -u admin https://x.example/f", False),
    ],
)
def test_ml304_reads_curl_user_from_the_grammar(body, reported, lint_text):
    findings = lint_text(f"FROM x\nRUN {body}\n", ["ML304"])
    assert bool([f for f in findings if f.rule == "ML304"]) is reported


def test_an_expansion_followed_by_a_dash_after_a_slash_stays_one_word():
    """tree-sitter-bash splits `v$S/sccache-v$S-x86_64.tar.gz` after the second `$`; bash sees one word."""
    (curl, tar) = _commands("FROM x\nRUN curl -fsSL https://x/v$S/sccache-v$S-x86_64.tar.gz | tar -xz\n")
    assert [word.text for word in curl.words] == ["curl", "-fsSL", "https://x/v$S/sccache-v$S-x86_64.tar.gz"]
    assert curl.words[2].raw == curl.words[2].text and curl.words[2].span.end_column == 55
    assert [word.text for word in tar.words] == ["tar", "-xz"]
