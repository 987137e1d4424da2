"""HTML + print CSS → PDF with WeasyPrint: bundled fonts, local files only, reproducible bytes."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

from .errors import RenderError


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """Fetches `file:` URLs under the allowed folders and `data:` URLs; refuses everything else,
        so rendering never touches the network and never reads outside coopkit's data."""

        def __init__(self, roots: list[Path]):
            super().__init__(allowed_protocols={"file", "data"})
            self._roots = [r.resolve() for r in roots]

        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(unquote(urlparse(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in self._roots):
                    raise ValueError(f"refusing to read {path}: outside coopkit's data")
            return super().fetch(url, headers)

    return LocalOnlyFetcher


@contextmanager
def _source_date(date: dt.date):
    """fontTools stamps subset fonts with SOURCE_DATE_EPOCH when it is set: fixed date, fixed bytes."""
    epoch = str(int(dt.datetime.combine(date, dt.time(12), tzinfo=dt.timezone.utc).timestamp()))
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def write_pdf(html: str, out: Path, *, base_url: Path, stylesheets: list[Path], date: dt.date,
              allowed_roots: list[Path], tagged: bool = True) -> Path:
    """Render `html` to `out`. Same input, same bytes."""
    try:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration
    except OSError as exc:  # Pango missing
        raise RenderError(
            f"WeasyPrint cannot load the system's Pango library ({exc}). Install it "
            "(Debian/Ubuntu: apt install libpango-1.0-0 libpangoft2-1.0-0) and try again."
        ) from None
    fetcher = _fetcher_class()([*allowed_roots, base_url])
    fonts = FontConfiguration()
    with _source_date(date):
        document = HTML(string=html, base_url=str(base_url) + "/", url_fetcher=fetcher)
        css = [CSS(filename=str(path), font_config=fonts, url_fetcher=fetcher) for path in stylesheets]
        identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
        document.write_pdf(str(out), stylesheets=css, font_config=fonts, pdf_identifier=identifier,
                           pdf_tags=tagged, pdf_variant="pdf/ua-1" if tagged else None,
                           uncompressed_pdf=False)
    return out
