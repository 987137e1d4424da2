import markdown
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.safestring import mark_safe
from markdown.treeprocessors import Treeprocessor

from coop import profile


def home(request):
    return render(request, "core/home.html", {"profile": profile.current()})


SAFE_SCHEMES = ("http:", "https:", "mailto:", "#", "/")


class _SafeLinks(Treeprocessor):
    """Drop link and image targets that could run code (javascript:, data:...)."""

    def run(self, root):
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not value.strip().lower().startswith(SAFE_SCHEMES):
                    element.set(attribute, "#")


def markdown_to_html(source):
    """Markdown as HTML; raw HTML in the source is shown as text, never interpreted."""
    md = markdown.Markdown(extensions=["sane_lists", "tables", "toc", "attr_list"])
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_SafeLinks(md), "safe_links", 0)
    return mark_safe(md.convert(source))  # noqa: S308 - raw HTML disabled, links filtered


def rules_html():
    return markdown_to_html((settings.GOVERNANCE_DIR / "rules.md").read_text(encoding="utf-8"))


def rules(request):
    return render(request, "core/rules.html", {"rules_html": rules_html(), "profile": profile.current()})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def unsubscribe(request, token):
    """One-click unsubscribe from the link in every notification email (no login needed)."""
    from coop.governance.notify import user_from_token

    user = user_from_token(token)
    if user is None:
        return render(request, "core/message.html", {"heading": _("This link is not valid."), "status": 400}, status=400)
    if request.method == "POST":
        user.notify_by_email = False
        user.save(update_fields=["notify_by_email"])
        return render(request, "core/message.html", {"heading": _("You will get no more emails from the platform."),
                                                     "text": _("Switch them back on from My membership.")})
    return render(request, "core/unsubscribe.html", {"email": user.email})
