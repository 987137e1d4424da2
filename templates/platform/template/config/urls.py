from django.contrib import admin
from django.urls import include, path

from coop.api import api

urlpatterns = [
    path("members/", include("coop.members.urls")),
    path("governance/", include("coop.governance.urls")),
    path("ledger/", include("coop.ledger.urls")),
    path("market/", include("coop.marketplace.urls")),
    # login, logout, password change and reset (the reset link also sets a founder's first password)
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # the language switcher posts to i18n/setlang/
    path("api/", api.urls),  # JSON API with token auth; OpenAPI docs at /api/docs
    path("admin/", admin.site.urls),
    # last: its patterns (home, rules, health check, exports) are tried only after the sections' prefixes, so
    # the busiest pages (governance, market) are matched without trying each of them first
    path("", include("coop.core.urls")),
]
