"""`coopkit web`: the interview in a browser, served on 127.0.0.1 only.

One group of questions per page, each with why it is asked and what the law says beside it; every
answer is checked on submit by the same InterviewState and checks as the terminal; a review page;
then the co-op is written by `api.new`, with its stages shown, and offered as a zip and as PDFs.
Pages work without JavaScript. Every form carries the session's CSRF token.
"""
from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..catalog import Catalog
from ..errors import ProfileError
from ..interview import LANGUAGES, MISSING, InterviewState, Refused, Step, interview_language
from ..profile import get_path, resolve, validate
from . import jobs
from .sessions import Session, SessionStore

HERE = Path(__file__).parent
COOKIE = "coopkit_session"


def create_app(folder: str | Path, *, catalog: Catalog | None = None, language: str | None = None) -> Starlette:
    """The web interview for co-ops written into `folder` (sessions are kept in folder/.coopkit-web/)."""
    folder = Path(folder).resolve()
    catalog = catalog or Catalog()
    store = SessionStore(folder)
    default_language = interview_language(language)
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)

    def session_of(request: Request) -> tuple[Session, bool]:
        session = store.load(request.cookies.get(COOKIE))
        if session is None:
            return store.new(default_language), True
        return session, False

    def state_of(session: Session) -> InterviewState:
        return InterviewState(catalog, language=session.language, answers=session.answers, earlier=session.earlier,
                              history=session.history)

    def keep(session: Session, state: InterviewState) -> None:
        session.answers, session.earlier, session.history = state.answers, state.earlier, state.history
        store.save(session)

    def page(request: Request, session: Session, fresh: bool, template: str, status: int = 200,
             **values: Any) -> Response:
        state = values.pop("state", None) or state_of(session)
        words = state.words
        html = env.get_template(template).render(
            words=words, ui=words.ui, csrf=session.csrf, language=session.language, languages=LANGUAGES,
            language_names={code: _language_name(catalog, code) for code in LANGUAGES}, **values)
        response = HTMLResponse(html, status_code=status)
        if fresh:
            store.save(session)
        response.set_cookie(COOKIE, session.id, httponly=True, samesite="strict", path="/")
        response.headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self'; img-src 'self' data:; " \
                                                      "form-action 'self'; frame-ancestors 'none'"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    async def checked_form(request: Request, session: Session) -> dict[str, str] | None:
        form = await request.form()
        token = str(form.get("csrf", ""))
        if not token or not secrets.compare_digest(token, session.csrf):
            return None
        return {k: str(v) for k, v in form.items()}

    def groups_of(state: InterviewState) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for step in state.plan():
            seen.setdefault(step.group, step.group_title)
        return list(seen.items())

    def fields(state: InterviewState, steps: list[Step], typed: dict[str, str], errors: dict[str, list[str]]) -> list[dict]:
        out = []
        for step in steps:
            value = get_path(state.answers, step.key, MISSING)
            if step.key in typed:
                text = typed[step.key]
            elif value is not MISSING:
                text = _as_text(step, value, state)
            else:
                text = _as_text(step, step.default, state)
            founder = step.key.split(".")[1] if step.key.startswith("founders.") else None
            out.append({"step": step, "id": "q-" + step.key.replace(".", "-"), "text": text, "errors": errors.get(step.key, []),
                        "founder": int(founder) + 1 if founder is not None else None})
        return out

    async def home(request: Request) -> Response:
        session, fresh = session_of(request)
        state = state_of(session)
        pending = state.pending()
        target = f"/group/{pending.group}" if pending else "/review"
        response = RedirectResponse(target, status_code=303)
        if fresh:
            store.save(session)
        response.set_cookie(COOKIE, session.id, httponly=True, samesite="strict", path="/")
        return response

    def show_group(request: Request, session: Session, fresh: bool, state: InterviewState, group: str,
                   typed: dict[str, str] | None = None, errors: dict[str, list[str]] | None = None) -> Response:
        groups = groups_of(state)
        ids = [g for g, _ in groups]
        if group not in ids:
            return RedirectResponse("/", status_code=303)
        index = ids.index(group)
        steps = visible(state, group)
        return page(request, session, fresh, "group.html", status=422 if errors else 200, state=state,
                    group=group, title=groups[index][1], fields=fields(state, steps, typed or {}, errors or {}),
                    number=index + 1, total=len(groups) + 1, back=f"/group/{ids[index - 1]}" if index else None,
                    has_errors=bool(errors), general=(errors or {}).get("_", []))

    def visible(state: InterviewState, group: str) -> list[Step]:
        """The group's questions up to one whose choices wait for an answer on this page (the legal
        forms wait for the jurisdiction): the page comes back with them once it is answered."""
        steps = []
        for step in state.plan():
            if step.group != group:
                continue
            if step.kind == "choice" and not step.choices:
                break
            steps.append(step)
        return steps

    async def group_get(request: Request) -> Response:
        session, fresh = session_of(request)
        return show_group(request, session, fresh, state_of(session), request.path_params["group"])

    async def group_post(request: Request) -> Response:
        session, fresh = session_of(request)
        group = request.path_params["group"]
        form = await checked_form(request, session)
        state = state_of(session)
        if form is None:
            return show_group(request, session, fresh, state, group, errors={"_": [state.words.ui("web_session_expired")]})
        steps = visible(state, group)
        typed = {s.key: form.get(s.key, "") for s in steps}
        trial, errors, answered = dict(state.answers), {}, []
        shape = [(s.key, s.choices) for s in steps]
        for step in steps:
            if [(s.key, s.choices) for s in visible(_with(state, trial), group)] != shape:
                break  # an answer changed the questions after it (another jurisdiction): shown again
            if step.key.startswith("founders.") and int(step.key.split(".")[1]) >= len(trial.get("founders") or []):
                continue  # the number of founders went down on this page
            try:
                value = state.parse(step, typed[step.key])
            except Refused as refused:
                errors[step.key] = [str(refused)]
                continue
            trial = state.with_value(step, value, trial)
            answered.append(step)
        for step in answered:
            problems = state.problems(step, trial)
            if problems:
                errors.setdefault(step.key, []).extend(state.say(p) for p in problems)
        if errors:
            return show_group(request, session, fresh, state, group, typed, errors)
        state.answers = trial
        state.history.extend(s.key for s in answered)
        state.imply()
        keep(session, state)
        if any(not state.answered(s) for s in state.plan() if s.group == group):
            return RedirectResponse(f"/group/{group}", status_code=303)  # e.g. the founders just counted
        ids = [g for g, _ in groups_of(state)]
        following = ids[ids.index(group) + 1:] if group in ids else []
        pending = state.pending()
        if pending is not None and pending.group not in following[:1]:
            return RedirectResponse(f"/group/{pending.group}", status_code=303)
        return RedirectResponse(f"/group/{following[0]}" if following else "/review", status_code=303)

    async def review(request: Request) -> Response:
        session, fresh = session_of(request)
        state = state_of(session)
        pending = state.pending()
        if pending is not None:
            return RedirectResponse(f"/group/{pending.group}", status_code=303)
        total = len(groups_of(state)) + 1
        return page(request, session, fresh, "review.html", state=state, rows=state.review(), number=total, total=total,
                    problems=[], back=None)

    async def generate(request: Request) -> Response:
        session, fresh = session_of(request)
        form = await checked_form(request, session)
        state = state_of(session)
        if form is None:
            return RedirectResponse("/review", status_code=303)
        if state.pending() is not None:
            return RedirectResponse("/", status_code=303)
        try:
            profile = validate(resolve(dict(state.answers), catalog), catalog, source="the answers")
        except ProfileError as error:
            total = len(groups_of(state)) + 1
            return page(request, session, fresh, "review.html", status=422, state=state, rows=state.review(),
                        number=total, total=total, problems=[str(p) for p in error.problems], back=None)
        session.job = jobs.start(session.id, profile, store.folder, catalog)
        store.save(session)
        return RedirectResponse("/progress", status_code=303)

    async def progress(request: Request) -> Response:
        session, fresh = session_of(request)
        job = jobs.live(session.id) or session.job
        if not job:
            return RedirectResponse("/", status_code=303)
        if job.get("status") != "running" and session.job != job:
            session.job = dict(job)
            store.save(session)
        dest = store.folder / job["folder"]
        pdfs = [p.relative_to(dest).as_posix() for p in jobs.documents(dest)] if job["status"] == "done" else []
        response = page(request, session, fresh, "progress.html", job=job, pdfs=pdfs, number=1, total=1, back=None)
        if job["status"] == "running":
            response.headers["Refresh"] = "2"
        return response

    def owned(session: Session, name: str) -> Path | None:
        job = jobs.live(session.id) or session.job
        if not job or job.get("status") != "done" or job.get("folder") != name:
            return None
        return store.folder / name

    async def download(request: Request) -> Response:
        session, _ = session_of(request)
        name = request.path_params["name"]
        if owned(session, name) is None:
            return HTMLResponse("Not found", status_code=404)
        return FileResponse(store.folder / f"{name}.zip", media_type="application/zip", filename=f"{name}.zip")

    async def document(request: Request) -> Response:
        session, _ = session_of(request)
        dest = owned(session, request.path_params["name"])
        if dest is None:
            return HTMLResponse("Not found", status_code=404)
        path = (dest / request.path_params["path"]).resolve()
        allowed = {d.resolve() for d in jobs.documents(dest)}
        if path not in allowed:
            return HTMLResponse("Not found", status_code=404)
        return FileResponse(path, media_type="application/pdf")

    async def set_language(request: Request) -> Response:
        session, _ = session_of(request)
        form = await checked_form(request, session)
        if form is not None and form.get("language") in LANGUAGES:
            session.language = form["language"]
            store.save(session)
        return RedirectResponse(form.get("next", "/") if form and form.get("next", "/").startswith("/") else "/",
                                status_code=303)

    async def start_over(request: Request) -> Response:
        session, _ = session_of(request)
        form = await checked_form(request, session)
        if form is not None:
            session.answers, session.earlier, session.history, session.job = {}, {}, [], {}
            store.save(session)
        return RedirectResponse("/", status_code=303)

    routes = [
        Route("/", home),
        Route("/group/{group}", group_get, methods=["GET"]),
        Route("/group/{group}", group_post, methods=["POST"]),
        Route("/review", review),
        Route("/generate", generate, methods=["POST"]),
        Route("/progress", progress),
        Route("/download/{name}.zip", download),
        Route("/files/{name}/{path:path}", document),
        Route("/language", set_language, methods=["POST"]),
        Route("/start-over", start_over, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost"])]
    return Starlette(routes=routes, middleware=middleware)


def _with(state: InterviewState, answers: dict) -> InterviewState:
    """A state over other answers (to see which questions they lead to)."""
    other = InterviewState.__new__(InterviewState)
    other.__dict__.update(state.__dict__)
    other.answers = answers
    return other


def _as_text(step: Step, value: Any, state: InterviewState) -> str:
    """A value as the form shows it: choice ids as they are, yes/no in words, numbers plainly."""
    if value is MISSING or value is None:
        return ""
    if step.kind == "count":
        return str(len(value)) if isinstance(value, list) else str(value)
    if step.kind == "bool":
        return state.words.ui("yes_label") if value else state.words.ui("no_label")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _language_name(catalog: Catalog, code: str) -> str:
    from ..interview import Words

    return str(Words(catalog, code)._own.get("name") or code)


def serve(folder: str | Path, *, port: int = 8000, language: str | None = None, open_browser: bool = True) -> None:
    """Run the web interview on http://127.0.0.1:PORT until Ctrl-C (loopback only)."""
    import threading
    import webbrowser

    import uvicorn

    url = f"http://127.0.0.1:{port}/"
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(create_app(folder, language=language), host="127.0.0.1", port=port, log_level="warning")
