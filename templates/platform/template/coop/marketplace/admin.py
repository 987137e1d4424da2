from django.contrib import admin

from .models import Offer, Order, StatusChange


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ("from_status", "to_status", "by", "at")


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("title", "worker", "price", "active")
    list_filter = ("active",)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "offer", "customer_name", "status", "amount", "commission")
    list_filter = ("status",)
    readonly_fields = ("amount", "commission", "commission_percent")
    inlines = [StatusChangeInline]
