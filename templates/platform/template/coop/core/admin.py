from django.contrib import admin

from .appendonly import ReadOnlyAdminMixin
from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("seq", "created_at", "actor", "action")
    list_filter = ("action",)
    search_fields = ("actor", "action")
