from django.contrib import admin

from coop.core.appendonly import ReadOnlyAdminMixin

from .models import FROZEN_FIELDS, BoardDecision, Comment, GeneralMeeting, Proposal, ProposalResult, Thread, Vote


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """Proposals are made on the platform (so they are chained); here they can only be looked at."""

    list_display = ("title", "kind", "decision_tool", "opens_at", "closes_at")
    list_filter = ("kind", "decision_tool")
    readonly_fields = FROZEN_FIELDS

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Proposal._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GeneralMeeting)
class GeneralMeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "scheduled_for", "notice_given_at")


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("proposal", "member", "cast_at")


@admin.register(ProposalResult)
class ProposalResultAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("proposal", "passed", "quorum_met", "votes_for", "votes_against", "abstentions", "eligible")


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("author", "proposal", "thread", "created_at")


admin.site.register(Thread)


@admin.register(BoardDecision)
class BoardDecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "decided_on", "votes_for", "votes_against")
