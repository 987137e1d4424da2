from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("", include("coop.core.urls")),
    path("members/", include("coop.members.urls")),
    path("governance/", include("coop.governance.urls")),
    path("ledger/", include("coop.ledger.urls")),
    path("market/", include("coop.marketplace.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
