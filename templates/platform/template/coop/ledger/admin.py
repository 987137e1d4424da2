from django.contrib import admin

from coop.core.appendonly import ReadOnlyAdminMixin

from .models import AllocationLine, PatronageRecord, SurplusAllocation, SweatEquityEntry


class AllocationLineInline(admin.TabularInline):
    model = AllocationLine
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "member", "patronage", "amount")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SurplusAllocation)
class SurplusAllocationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("year", "surplus", "basis")
    readonly_fields = ("year", "surplus", "basis", "created_by")
    inlines = [AllocationLineInline]


@admin.register(PatronageRecord)
class PatronageRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: patronage is reported and approved on the platform, where every step is chained."""

    list_display = ("member", "date", "hours", "revenue", "transactions", "status")
    list_filter = ("status",)


@admin.register(SweatEquityEntry)
class SweatEquityEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("member", "date", "hours", "pre_revenue", "paid", "value", "status")
    list_filter = ("status",)
