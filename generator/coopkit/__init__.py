"""coopkit: start a platform co-operative — its platform, legal documents and handbook from one profile."""

__version__ = "0.1.0"  # the one place the version is written (pyproject.toml reads it: [tool.hatch.version])

from .errors import CoopkitError

__all__ = ["CoopkitError", "__version__"]
