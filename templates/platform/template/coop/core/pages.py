"""Whole pages kept in each worker's memory, keyed by everything they show.

The busiest pages (the proposals list) are the same for everyone who sees the same state: the rows (keyed by
state read from the database on every request, as the {% cache %} fragments are), the header (the
visitor's roles and language), the address (page number). The one part that differs per request is the CSRF
token of the page's forms (the header's "Log out" among them): a kept page holds a placeholder there and each
response gets the request's own token, from Django's get_token as {% csrf_token %} would (the cookie too).
A page with a message to show (after a form) is rendered for that request alone.

A database change is seen at once by every worker (the key changes); an entry no longer used ages out of the
cache (CACHES in config/settings/base.py: bounded, in each worker's memory).
"""
import hashlib
import secrets

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language

from .context_processors import header_key

#: What a kept page holds where the request's CSRF token goes: random per process, so no content can contain it.
TOKEN_PLACEHOLDER = "csrf" + secrets.token_hex(30)
TIMEOUT = 3600


def render_kept(request, template_name, state, context):
    """render(request, template_name, context()) for a page that depends on `state` (what the view read from the
    database on this request: strings and numbers) and on who asks only through the header (header_key).
    `context` is a callable: it runs when the page has to be rendered."""
    if len(get_messages(request)):  # shown once, to this request
        return render(request, template_name, context())
    parts = (template_name, get_language(), header_key(getattr(request, "user", None)), request.get_full_path(), *state)
    key = "page:" + hashlib.md5(repr(parts).encode("utf-8"), usedforsecurity=False).hexdigest()
    page = cache.get(key)
    if page is None:
        page = render_to_string(template_name, {**context(), "csrf_token": TOKEN_PLACEHOLDER}, request)
        cache.set(key, page, TIMEOUT)
    return HttpResponse(page.replace(TOKEN_PLACEHOLDER, get_token(request)))
