"""coopkit: start a platform co-operative — its platform, legal documents and handbook from one profile."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("coopkit")
except PackageNotFoundError:  # running from a source checkout without installing
    __version__ = "0.1.0"

from .errors import CoopkitError  # noqa: E402

__all__ = ["CoopkitError", "__version__"]
