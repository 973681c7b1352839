"""dockerlint-ml: ``mllint``, a static linter and policy checker for Dockerfiles that package ML models."""

__version__ = "0.1.0"
