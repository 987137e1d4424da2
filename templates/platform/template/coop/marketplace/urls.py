from django.urls import path

from . import views

app_name = "marketplace"
urlpatterns = [
    path("", views.offers, name="offers"),
    path("new/", views.new_offer, name="new_offer"),
    path("mine/", views.mine, name="mine"),
    path("orders/", views.my_orders, name="my_orders"),
    path("<int:pk>/", views.offer, name="offer"),
    path("<int:pk>/availability/", views.block_days, name="block_days"),
    path("orders/<int:pk>/dispatch/", views.dispatch, name="dispatch"),
    path("orders/<int:pk>/<str:to_status>/", views.move, name="move"),
    path("track/<str:code>/", views.track, name="track"),
]
