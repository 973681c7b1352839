"""ML311 unverified-download-executed: detection and near-misses."""

from __future__ import annotations

from ...conftest import lint, rule_lines


def test_ml311_runs_and_installs():
    findings = lint(
        """
        FROM ubuntu:22.04
        RUN curl -O https://bootstrap.pypa.io/get-pip.py && python3 get-pip.py
        RUN wget -q https://x.org/pkg.deb && dpkg -i pkg.deb
        WORKDIR /tmp
        RUN wget -q https://x.org/inst.run
        RUN chmod +x inst.run && ./inst.run --silent
        RUN curl -L -o cmake.tgz https://x.org/cmake.tgz && tar -xzf cmake.tgz -C /usr/local --strip-components=1
        RUN curl -fsSL https://go.dev/dl/go.tgz | tar -xz -C /usr/local
        ADD https://x.org/tini /tini
        RUN chmod +x /tini
        RUN curl -fsSL -o /tmp/i.sh https://x.org/i.sh && mv /tmp/i.sh /usr/local/bin/inst && inst --yes
        RUN wget https://x.org/a.deb && apt-get install -y ./a.deb
        RUN cd /opt && curl -fsSLO https://x.org/setup.sh && bash /opt/setup.sh
        RUN wget -O /usr/bin/yq https://x.org/yq && chmod +x /usr/bin/yq
        RUN wget https://x.org/o.rpm && alien -i o.rpm
        RUN curl -OL https://x.org/p.zip && unzip -o p.zip -d /usr/local bin/protoc
        """,
        ["ML311"],
    )
    assert rule_lines(findings, "ML311") == [2, 3, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16]
    first = findings[0].message
    assert "`python3 -m ensurepip`" in first and "is run by `python3`" in first  # get-pip.py is unversioned
    assert "--checksum=sha256:" in findings[5].message  # the ADD
    assert "download it to a file" in findings[4].message  # piped into tar


def test_ml311_near_misses():
    findings = lint(
        """
        FROM ubuntu:22.04
        RUN curl -fsSLO https://x.org/get-pip.py && echo "abc  get-pip.py" | sha256sum -c - && python3 get-pip.py
        RUN curl -fsSLo /tmp/Miniforge3.sh https://github.com/conda-forge/miniforge/releases/download/24.1/M.sh \\
            && echo "abc  /tmp/Miniforge3.sh" | sha256sum -c - && bash /tmp/Miniforge3.sh -b -p /opt/conda
        RUN wget https://x.org/k.deb && wget https://x.org/k.deb.asc && gpg --verify k.deb.asc k.deb && dpkg -i k.deb
        RUN curl -fsSL -o /tmp/a.tgz https://x.org/a.tgz && tar -xzf /tmp/a.tgz -C /opt
        RUN curl -fsSL https://x.org/a.tgz | tar -xz -C /opt
        COPY install.sh /tmp/install.sh
        RUN sh /tmp/install.sh
        ADD --checksum=sha256:abc https://x.org/tini /tini
        RUN chmod +x /tini
        RUN curl -fsSL -o /tmp/data.json https://x.org/data.json && python3 -c "import json"
        RUN curl -fsSLO https://x.org/s.sh && shasum -a 256 -c s.sh.sha256 && sh s.sh
        RUN curl -fsSL -o /tmp/x.sh https://x.org/x.sh && sh -c "echo hi"
        FROM ubuntu:22.04
        RUN sh /tmp/i.sh
        """,
        ["ML311"],
    )
    assert rule_lines(findings, "ML311") == []


def test_ml311_later_run_of_another_stage_is_not_followed():
    findings = lint(
        """
        FROM ubuntu:22.04 AS fetch
        RUN curl -fsSLO https://x.org/setup.sh
        FROM ubuntu:22.04
        RUN sh setup.sh
        """,
        ["ML311"],
    )
    assert findings == []


def test_ml311_repository_bootstrap_packages_are_not_reported():
    """A keyring/repo package only adds a signed repository: what comes from it is checked (like fetching a key)."""
    findings = lint(
        """
        FROM ubuntu:22.04
        RUN wget https://developer.download.nvidia.com/compute/cuda/repos/ubuntu2204/cuda-keyring_1.1-1_all.deb \\
            && dpkg -i cuda-keyring_1.1-1_all.deb
        RUN curl -fsSLO https://repo.radeon.com/amdgpu-install/6.1.1/ubuntu/jammy/amdgpu-install_6.1.60101-1_all.deb \\
            && apt-get install -y ./amdgpu-install_6.1.60101-1_all.deb
        RUN curl -fsSLO https://x.org/cuda-repo-ubuntu2204-12-4-local_12.4.1-1_amd64.deb \\
            && dpkg -i cuda-repo-ubuntu2204-12-4-local_12.4.1-1_amd64.deb
        """,
        ["ML311"],
    )
    assert rule_lines(findings, "ML311") == [7]  # a local-repo package carries the software itself (its dpkg line)


def test_ml311_says_when_the_download_is_plain_http():
    findings = lint("FROM ubuntu:22.04\nRUN wget http://x.org/tool.deb && dpkg -i tool.deb\n", ["ML311"])
    assert len(findings) == 1 and "downloaded over plain HTTP by `wget`" in findings[0].message


def test_ml311_stays_silent_in_ci_and_docs_images():
    text = "FROM ubuntu:22.04\nRUN curl -fsSLO https://x.org/install.sh && sh install.sh\n"
    assert rule_lines(lint(text, ["ML311"], path="ci/Dockerfile"), "ML311") == []
    assert rule_lines(lint(text, ["ML311"], path="docs/Dockerfile"), "ML311") == []
    assert rule_lines(lint(text, ["ML311"]), "ML311") == [2]


def test_ml311_one_finding_per_instruction_names_the_others():
    findings = lint(
        """
        FROM ubuntu:22.04
        RUN wget https://x.org/a.deb https://x.org/b.deb \\
            && dpkg -i a.deb \\
            && dpkg -i b.deb
        """,
        ["ML311"],
    )
    assert rule_lines(findings, "ML311") == [3]
    assert "`a.deb`" in findings[0].message and "also uses `b.deb` unverified" in findings[0].message
