"""ML6xx model artifacts (ML601, ML602, ML603) and ML103, which reuses ML602's download detector."""

from __future__ import annotations

from dockerlint_ml.model import Severity
from dockerlint_ml.rules.artifacts import model_downloads

from .conftest import lint, parse, rule_lines

SHA = "0123456789abcdef0123456789abcdef01234567"


def _findings(text: str, rule: str):
    return [f for f in lint(text, [rule]) if f.rule == rule]


def _downloads(text: str):
    return [d for i in parse(text).instructions for d in model_downloads(i)]


# ---------------------------------------------------------------------------------------------------------
# ML602 detector


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


# ---------------------------------------------------------------------------------------------------------
# ML602 rule


def test_ml602_reports_tradeoff_and_pin():
    text = f"""
        FROM python:3.11-slim
        RUN huggingface-cli download org/unpinned
        RUN huggingface-cli download org/pinned --revision {SHA}
        """
    findings = _findings(text, "ML602")
    assert rule_lines(findings, "ML602") == [2, 3]
    assert "image grows" in findings[0].message and "not pinned" in findings[0].message
    assert "--revision <commit sha>" in findings[0].message
    assert "pinned to a fixed revision" in findings[1].message
    assert all(f.severity is Severity.INFO for f in findings)


def test_ml602_build_stage_only_unpinned():
    text = f"""
        FROM python:3.11 AS fetch
        RUN huggingface-cli download org/a --revision {SHA} --local-dir /m/a
        RUN huggingface-cli download org/b --local-dir /m/b
        FROM python:3.11-slim
        COPY --from=fetch /m /m
        """
    findings = _findings(text, "ML602")
    assert rule_lines(findings, "ML602") == [3]
    assert "image grows" not in findings[0].message


def test_ml602_silent_without_downloads():
    text = """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir huggingface_hub==0.23.4 && \\
            curl -fsSL https://example.com/setup.sh -o /tmp/setup.sh
        RUN huggingface-cli login --token "$HF_TOKEN"
        COPY model.onnx /m/
        """
    assert _findings(text, "ML602") == []


# ---------------------------------------------------------------------------------------------------------
# ML103


def test_ml103_download_after_source_copy():
    text = f"""
        from python:3.11-slim
        workdir /app
        copy requirements.txt .
        run pip install --no-cache-dir -r requirements.txt
        run huggingface-cli download org/early --revision {SHA}
        copy . .
        run python -c "from transformers import pipeline, AutoModel; AutoModel.from_pretrained('org/late')"
        """
    findings = _findings(text, "ML103")
    assert rule_lines(findings, "ML103") == [7]
    assert "`copy . .` (line 6)" in findings[0].message


def test_ml103_per_stage_and_source_dirs():
    text = """
        FROM python:3.11 AS build
        COPY src/ /app/src/
        RUN --mount=type=cache,target=/root/.cache/huggingface \\
            huggingface-cli download org/m --local-dir /models
        FROM python:3.11-slim
        RUN huggingface-cli download org/m --local-dir /models
        COPY --from=build /app /app
        """
    assert rule_lines(_findings(text, "ML103"), "ML103") == [4]


def test_ml103_near_misses():
    text = """
        FROM python:3.11-slim
        COPY requirements.txt pyproject.toml ./
        COPY models/bert-v1/ /models/bert-v1/
        COPY --from=builder /wheels /wheels
        RUN huggingface-cli download org/m
        COPY . .
        RUN python serve.py --check
        """
    assert _findings(text, "ML103") == []


# ---------------------------------------------------------------------------------------------------------
# ML601


def test_ml601_unversioned_is_warning_versioned_info():
    text = """
        FROM python:3.11-slim
        COPY model.pkl /app/
        COPY latest.pt model-v3.pt resnet50_2024-05-01.onnx /app/
        COPY models/ /models/
        COPY models/bert-base-v1.2/ /models/bert/
        COPY ["weights/model.h5", "/app/"]
        COPY app/ /app/
        """
    findings = _findings(text, "ML601")
    assert [(f.span.line, f.severity) for f in findings] == [
        (2, Severity.WARNING),
        (3, Severity.WARNING),
        (3, Severity.INFO),
        (3, Severity.INFO),
        (4, Severity.WARNING),
        (5, Severity.INFO),
        (6, Severity.WARNING),
    ]
    assert findings[0].span.column == 6 and "no version" in findings[0].message


def test_ml601_only_shipped_stages_and_from_copies():
    text = """
        FROM python:3.11 AS convert
        COPY model.pt /work/
        RUN python convert.py /work/model.pt /out/model-v2.onnx
        FROM python:3.11-slim
        COPY --from=convert /out/model-v2.onnx /app/
        COPY --from=convert /root/.cache/huggingface /home/app/.cache/huggingface
        """
    findings = _findings(text, "ML601")
    assert [(f.span.line, f.severity) for f in findings] == [(5, Severity.INFO), (6, Severity.INFO)]


def test_ml601_near_misses():
    text = """
        ARG MODEL_VERSION=3
        FROM python:3.11-slim
        COPY models/${MODEL_VERSION}/ /models/
        COPY src/models/ /app/models/
        COPY app/models.py config.json bin/ /app/
        COPY <<EOF /app/model.pt
        not really
        EOF
        """
    rows = [(f.span.line, f.severity) for f in _findings(text, "ML601")]
    assert rows == [(3, Severity.INFO)]


# ---------------------------------------------------------------------------------------------------------
# ML603


def test_ml603_cache_under_root_for_non_root_user():
    text = """
        FROM python:3.11-slim AS base
        ENV HF_HOME=/root/.cache/huggingface \\
            TORCH_HOME=/opt/torch
        FROM base
        RUN useradd -m app
        USER app
        CMD ["python", "serve.py"]
        """
    findings = _findings(text, "ML603")
    assert rule_lines(findings, "ML603") == [2]
    assert "`HF_HOME=/root/.cache/huggingface`" in findings[0].message and "`app`" in findings[0].message


def test_ml603_root_or_unknown_user_or_opened_root():
    root = """
        FROM python:3.11-slim
        ENV HF_HOME=/root/.cache/huggingface
        USER app
        USER root
        """
    unknown = """
        FROM python:3.11-slim
        ARG RUNTIME_USER
        ENV XDG_CACHE_HOME=/root/.cache
        USER $RUNTIME_USER
        """
    opened = """
        FROM python:3.11-slim
        ENV TRANSFORMERS_CACHE=/root/.cache/hf
        RUN useradd -m app && mkdir -p /root/.cache/hf && chmod -R a+rwx /root
        USER app
        """
    overridden = """
        FROM python:3.11-slim
        ENV HF_HOME=/root/.cache/huggingface
        ENV HF_HOME=/home/app/.cache/huggingface
        USER 1000
        """
    for text in (root, unknown, opened, overridden):
        assert _findings(text, "ML603") == [], text


def test_ml603_runtime_download_without_home():
    text = """
        FROM vllm/vllm-openai:v0.5.0
        RUN useradd -r -s /bin/false vllm
        USER vllm
        ENTRYPOINT ["vllm", "serve", "meta-llama/Meta-Llama-3-8B-Instruct", "--port", "8000"]
        """
    findings = _findings(text, "ML603")
    assert rule_lines(findings, "ML603") == [4]
    assert "`meta-llama/Meta-Llama-3-8B-Instruct`" in findings[0].message and "useradd -r" in findings[0].message


def test_ml603_runtime_download_near_misses():
    with_home = """
        FROM vllm/vllm-openai:v0.5.0
        RUN useradd -m vllm
        USER vllm
        CMD vllm serve meta-llama/Meta-Llama-3-8B-Instruct
        """
    cache_set = """
        FROM ghcr.io/huggingface/text-generation-inference:2.0
        RUN useradd -r tgi
        ENV HF_HOME=/data
        USER tgi
        CMD ["text-generation-launcher", "--model-id", "org/model"]
        """
    local_model = """
        FROM vllm/vllm-openai:v0.5.0
        RUN useradd -r vllm
        USER vllm
        CMD ["vllm", "serve", "/models/llama"]
        """
    home_made_later = """
        FROM vllm/vllm-openai:v0.5.0
        RUN useradd -r vllm && mkdir -p /home/vllm && chown vllm /home/vllm
        USER vllm
        CMD ["vllm", "serve", "org/model"]
        """
    download_dir = """
        FROM vllm/vllm-openai:v0.5.0
        RUN useradd -M vllm
        USER vllm
        CMD ["vllm", "serve", "org/model", "--download-dir", "/tmp/models"]
        """
    for text in (with_home, cache_set, local_model, home_made_later, download_dir):
        assert _findings(text, "ML603") == [], text


def test_ml603_tgi_with_busybox_adduser():
    text = """
        FROM ghcr.io/huggingface/text-generation-inference:2.0
        RUN adduser -D -H tgi
        USER tgi:tgi
        CMD text-generation-launcher --model-id=org/model --port 8080
        """
    assert rule_lines(_findings(text, "ML603"), "ML603") == [4]


def test_ml602_message_redacts_url_credentials():
    text = "FROM python:3.11-slim\nRUN curl -fsSLo m.pt https://me:s3cretFAKE@models.example.com/m/model.pt\n"
    (finding,) = _findings(text, "ML602")
    assert "s3cretFAKE" not in finding.message and "https://***@models.example.com" in finding.message
