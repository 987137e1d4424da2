from django.urls import path

from . import exports, views

urlpatterns = [
    path("", views.home, name="home"),
    path("rules/", views.rules, name="rules"),
    path("healthz", views.healthz, name="healthz"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("export/<str:dataset>.<str:fmt>", exports.export, name="export"),
]
