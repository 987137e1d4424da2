from django.contrib import admin

from coop.core.appendonly import ReadOnlyAdminMixin

from .models import Application, BoardTerm, Member, ShareRedemption, ShareSubscription


class SubscriptionInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Share movements happen on the platform (each one is in the audit chain); shown read-only here."""

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


@admin.register(ShareSubscription, ShareRedemption)
class ShareMovementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


admin.site.register(BoardTerm)
