from django.contrib import admin

from .models import Application, Member, ShareRedemption, ShareSubscription


class SubscriptionInline(admin.TabularInline):
    model = ShareSubscription
    extra = 0


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("name", "member_class", "shares_held", "admitted_on", "ceased_on")
    list_filter = ("member_class", "ceased_on")
    search_fields = ("name", "email")
    inlines = [SubscriptionInline]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("name", "member_class", "shares", "status", "applied_at")
    list_filter = ("status",)


admin.site.register(ShareSubscription)
admin.site.register(ShareRedemption)
