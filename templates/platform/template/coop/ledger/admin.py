from django.contrib import admin

from .models import AllocationLine, PatronageRecord, SurplusAllocation, SweatEquityEntry


class AllocationLineInline(admin.TabularInline):
    model = AllocationLine
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "member", "patronage", "amount")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SurplusAllocation)
class SurplusAllocationAdmin(admin.ModelAdmin):
    list_display = ("year", "surplus", "basis")
    readonly_fields = ("year", "surplus", "basis", "created_by")
    inlines = [AllocationLineInline]


@admin.register(PatronageRecord)
class PatronageRecordAdmin(admin.ModelAdmin):
    list_display = ("member", "date", "hours", "revenue", "transactions")


@admin.register(SweatEquityEntry)
class SweatEquityEntryAdmin(admin.ModelAdmin):
    list_display = ("member", "date", "hours", "pre_revenue", "paid", "value")
