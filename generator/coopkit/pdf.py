"""HTML + print CSS → PDF with WeasyPrint: bundled fonts, local files only, reproducible bytes.

`PdfPool` renders many PDFs at once in a process pool sized to the cores; each worker loads
WeasyPrint and the bundled fonts once (its initializer), then renders the jobs it is given. A PDF
rendered in the pool has the same bytes as one rendered alone (tests/test_pipeline.py).
"""
from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
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
    epoch = str(int(dt.datetime.combine(date, dt.time(12), tzinfo=dt.UTC).timestamp()))
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
    with _source_date(date), _collect_after():
        fonts, css = _fonts(tuple(stylesheets), FontConfiguration, CSS)
        document = HTML(string=html, base_url=str(base_url) + "/", url_fetcher=fetcher)
        pdf = document.write_pdf(stylesheets=css, font_config=fonts, pdf_tags=tagged,
                                 pdf_variant="pdf/ua-1" if tagged else None, uncompressed_pdf=False)
    identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
    Path(out).write_bytes(with_identifier(pdf, identifier))
    return out


def with_identifier(pdf: bytes, identifier: bytes) -> bytes:
    """`pdf` with the file identifier pair in its trailer: `identifier` (from the HTML) and the MD5 of
    the file's bytes, so the same input gives the same bytes.

    WeasyPrint can write the identifier itself (pdf_identifier), but pydyf then serializes and
    compresses every object of the file a second time to hash it: a tenth of the handbook's render.
    Here it goes into the dictionary of the cross-reference stream, the file's last object. Nothing
    points past that object's start (startxref points at it), so no offset in the file moves."""
    start = int(pdf.rpartition(b"startxref")[2].split()[0])
    end = pdf.find(b">>\nstream\n", start)
    dictionary = pdf[start:end]
    if end < 0 or b"/Type /XRef" not in dictionary or b"/ID" in dictionary:
        raise RenderError("the PDF writer's output has no cross-reference stream to put the file identifier in; "
                          "this WeasyPrint version is not supported (see pyproject.toml).")
    pair = b"/ID [(" + identifier + b") (" + hashlib.md5(pdf, usedforsecurity=False).hexdigest().encode() + b")]"
    return pdf[:end] + pair + pdf[end:]


@contextmanager
def _collect_after():
    """Python's cyclic garbage collector paused while WeasyPrint builds and paints a document, then run once.

    A render builds a large graph of boxes; left on, the collector walks it again and again as it grows (four
    full collections and about 600 young ones for the handbook: an eighth of its render). Paused, one full
    collection afterwards frees what the render left, so memory comes back before the next document
    (a worker's peak grows by about 40 MB for the handbook)."""
    enabled = gc.isenabled()
    gc.freeze()  # what lived before the render (modules, fonts, the caller's data) is not walked
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect()
        gc.unfreeze()


_FONTS: dict[tuple[Path, ...], tuple[Any, list[Any]]] = {}


def _fonts(stylesheets: tuple[Path, ...], font_configuration: Any, css_class: Any) -> tuple[Any, list[Any]]:
    """The font configuration and parsed stylesheets (the bundled @font-face rules), loaded once per
    process: the fonts' files are read and registered with fontconfig only the first time."""
    if stylesheets not in _FONTS:
        fonts = font_configuration()
        fetcher = _fetcher_class()([p.parent for p in stylesheets])
        _FONTS[stylesheets] = (fonts, [css_class(filename=str(p), font_config=fonts, url_fetcher=fetcher)
                                       for p in stylesheets])
    return _FONTS[stylesheets]


@dataclass(frozen=True)
class PdfJob:
    """Everything `write_pdf` needs, picklable for a worker process."""

    html: str
    out: Path
    base_url: Path
    stylesheets: tuple[Path, ...]
    date: dt.date
    allowed_roots: tuple[Path, ...]
    tagged: bool = True

    def run(self) -> Path:
        return write_pdf(self.html, self.out, base_url=self.base_url, stylesheets=list(self.stylesheets),
                         date=self.date, allowed_roots=list(self.allowed_roots), tagged=self.tagged)


def _worker_start(stylesheets: tuple[tuple[Path, ...], ...]) -> None:
    """Pool initializer: import WeasyPrint and load the fonts once for this worker."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    for sheets in stylesheets:
        _fonts(sheets, FontConfiguration, CSS)


def _run_job(job: PdfJob) -> Path:
    return job.run()


def _ready() -> None:
    """The no-op job `PdfPool.start` sends: the executor forks its workers on the first job."""


def workers_for(jobs: int) -> int:
    """Worker processes for `jobs` PDFs: one per core, never more than the jobs."""
    return max(1, min(jobs, os.cpu_count() or 1))


@dataclass
class PdfPool:
    """Collects PDF jobs; with more than one worker they render in processes while the caller goes
    on with other work (`wait()` returns when all are written). `workers=1` renders each job at once."""

    workers: int = field(default_factory=lambda: workers_for(os.cpu_count() or 1))
    stylesheets: tuple[tuple[Path, ...], ...] = ()
    _executor: ProcessPoolExecutor | None = None
    _futures: list[tuple[PdfJob, Future[Path]]] = field(default_factory=list)

    def start(self) -> None:
        """Start the workers now (they import WeasyPrint and load the fonts while the caller renders
        the first HTML) instead of at the first job. Nothing happens with one worker."""
        if self.workers > 1:
            self._pool().submit(_ready)

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            import multiprocessing

            self._executor = ProcessPoolExecutor(max_workers=self.workers, initializer=_worker_start,
                                                 initargs=(self.stylesheets,),
                                                 mp_context=multiprocessing.get_context("fork"))
        return self._executor

    def submit(self, job: PdfJob) -> None:
        if self.workers <= 1:
            job.run()
            return
        self._futures.append((job, self._pool().submit(_run_job, job)))

    def wait(self) -> None:
        """Wait for every job; the first failure is raised (as RenderError, naming the file)."""
        try:
            for job, future in self._futures:
                try:
                    future.result()
                except RenderError:
                    raise
                except Exception as exc:  # a worker's error arrives re-raised here
                    raise RenderError(f"WeasyPrint could not write {job.out.name}: {exc}") from exc
        finally:
            self._futures.clear()

    def close(self, abort: bool = False) -> None:
        """Wait for the workers to finish, or with `abort` (Ctrl-C, an error: the run is being thrown
        away) stop them at once instead of letting them finish PDFs nobody will keep."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if abort:
            self._futures.clear()
            # ProcessPoolExecutor has no public way to stop a running job before Python 3.14
            # (terminate_workers); its worker processes are signalled here instead.
            processes = list((getattr(executor, "_processes", None) or {}).values())
            executor.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                if process.is_alive():
                    process.terminate()
            for process in processes:
                process.join(timeout=5)
        else:
            executor.shutdown(wait=True, cancel_futures=True)


@contextmanager
def pdf_pool(workers: int | None = None, stylesheets: tuple[tuple[Path, ...], ...] = ()) -> Iterator[PdfPool]:
    pool = PdfPool(workers=workers if workers is not None else workers_for(os.cpu_count() or 1), stylesheets=stylesheets)
    try:
        yield pool
    except BaseException:
        pool.close(abort=True)
        raise
    pool.close()
