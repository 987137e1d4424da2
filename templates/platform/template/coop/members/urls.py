from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("me/", views.me, name="me"),
    path("me/data.json", views.my_data, name="my_data"),
    path("me/api-token/", views.api_token, name="api_token"),
    path("me/notifications/", views.notifications, name="notifications"),
    path("<int:pk>/erase/", views.erase, name="erase"),
    path("me/withdraw/", views.request_withdrawal, name="withdraw"),
    path("register/", views.register, name="register"),
    path("register.csv", views.register_csv, name="register_csv"),
    path("applications/<int:pk>/<str:action>/", views.decide, name="decide"),
    path("subscriptions/<int:pk>/pay/", views.record_payment, name="pay"),
    path("<int:pk>/withdraw/", views.process_withdrawal, name="process_withdrawal"),
]
