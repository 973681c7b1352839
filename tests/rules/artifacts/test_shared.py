"""Tests of several artifacts rules, or of the helpers they share."""

from __future__ import annotations

from .helpers import SHA, _downloads


def test_detector_cli_downloads_and_pins():
    found = _downloads(
        f"""
        FROM python:3.11-slim
        RUN pip install --no-cache-dir huggingface_hub==0.23.4 && \\
            # the embedding model
            huggingface-cli download BAAI/bge-small-en-v1.5 --local-dir /m && \\
            hf download org/pinned --revision {SHA} && \\
            hf download org/branch --revision main
        """
    )
    assert [(d.span.line, d.pinned) for d in found] == [(4, False), (5, True), (6, False)]
    assert found[0].description == "`huggingface-cli download BAAI/bge-small-en-v1.5`"


def test_detector_revision_from_arg():
    found = _downloads(
        f"""
        FROM python:3.11-slim
        ARG REV={SHA}
        ARG OTHER
        RUN huggingface-cli download org/a --revision $REV && huggingface-cli download org/b --revision "$OTHER"
        """
    )
    assert [d.pinned for d in found] == [True, None]


def test_detector_python_c():
    found = _downloads(
        f"""
        FROM python:3.11-slim
        RUN python -c "from transformers import AutoModel; AutoModel.from_pretrained('bert-base-uncased')"
        RUN python3 -c "from huggingface_hub import snapshot_download; snapshot_download('org/m', revision='{SHA}')"
        RUN python -c "from transformers import AutoModel; AutoModel.from_pretrained('/models/bert')"
        RUN python -c "import m; m.AutoModel.from_pretrained('org/x', local_files_only=True)"
        RUN python -c "print('from_pretrained is a word here')"
        """
    )
    assert [(d.span.line, d.pinned) for d in found] == [(2, False), (3, True)]


def test_detector_python_heredoc_points_at_the_call():
    found = _downloads(
        """
        FROM python:3.11-slim
        RUN python3 <<EOF
        from transformers import AutoModel, AutoTokenizer
        AutoTokenizer.from_pretrained("org/m", revision="v1")
        AutoModel.from_pretrained("org/m")
        EOF
        RUN <<EOF
        #!/usr/bin/env python3
        from huggingface_hub import hf_hub_download
        hf_hub_download("org/m", "model.safetensors")
        EOF
        RUN cat <<EOF > /app/notes.txt
        AutoModel.from_pretrained("org/m")
        EOF
        """
    )
    assert [(d.span.line, d.span.column, d.pinned) for d in found] == [(4, 1, False), (5, 1, False), (10, 1, False)]


def test_detector_git_and_urls():
    found = _downloads(
        f"""
        FROM python:3.11-slim
        RUN git lfs install && git clone https://huggingface.co/org/model /m && cd /m && git checkout {SHA}
        RUN GIT_LFS_SKIP_SMUDGE=1 git clone https://huggingface.co/org/model /m && cd /m && git lfs pull
        RUN git clone https://huggingface.co/datasets/org/data /d
        RUN curl -fsSL -o /m/model.onnx https://example.com/models/resnet50.onnx?download=1 && \\
            wget -q https://huggingface.co/org/m/resolve/main/config.json && \\
            wget -q https://huggingface.co/org/m/resolve/{SHA}/model.safetensors && \\
            curl -fsSLO https://github.com/org/repo/releases/download/v1.0/model.gguf && \\
            curl -fsSL https://example.com/install.sh -o /tmp/install.sh
        """
    )
    assert [(d.span.line, d.pinned) for d in found] == [
        (2, True),
        (3, False),
        (5, None),
        (6, False),
        (7, True),
        (8, True),
    ]
