from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.index, name="index"),
    path("hours/", views.log_hours, name="hours"),
    path("sweat-equity/", views.log_sweat, name="sweat"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<str:kind>/<int:pk>/<str:decision>/", views.review, name="review"),
    path("surplus/new/", views.new_allocation, name="new_allocation"),
    path("surplus/<int:pk>/", views.allocation, name="allocation"),
    path("surplus/<int:pk>/propose/", views.propose, name="propose"),
]
