"""Migration from other Dockerfile linters: hadolint's rule codes, pragmas and ``.hadolint.yaml``."""
