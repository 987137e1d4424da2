from django.contrib import admin

from coop.core.appendonly import ReadOnlyAdminMixin

from .models import BoardDecision, GeneralMeeting, Proposal, ProposalResult, Vote


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "opens_at", "closes_at")
    list_filter = ("kind",)

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


@admin.register(BoardDecision)
class BoardDecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "decided_on", "votes_for", "votes_against")
