from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.core.models import AuditEntry, verify_chain
from coop.core.roles import BOARD, MEMBER, SECRETARY, member_of, require_role, role_required

from . import services
from .forms import BoardDecisionForm, MeetingForm, MinutesForm, ProposalForm, VoteForm
from .models import BoardDecision, GeneralMeeting, Proposal


@role_required(MEMBER)
def proposals(request):
    services.close_due()
    return render(request, "governance/index.html", {
        "proposals": Proposal.objects.select_related("result"),
        "meetings": GeneralMeeting.objects.all(),
        "decisions": BoardDecision.objects.all()[:20],
    })


@role_required(MEMBER)
def proposal(request, pk):
    item = get_object_or_404(Proposal, pk=pk)
    if not item.is_open() and item.closes_at <= timezone.now():
        services.close(item)
    member = member_of(request.user)
    has_voted = item.votes.filter(member=member).exists()
    form = VoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cast_vote(request.user, item, form.cleaned_data["choice"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your vote was recorded."))
        return redirect("governance:proposal", pk=pk)
    return render(request, "governance/proposal.html", {
        "proposal": item, "form": form, "has_voted": has_voted,
        "can_vote": member.can_vote and item.is_open() and not has_voted,
        "result": getattr(item, "result", None),
    })


def _create(request, form_class, create, heading, redirect_to):
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obj = create(request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(redirect_to(obj))
    return render(request, "core/form.html", {"form": form, "heading": heading})


@role_required(BOARD, SECRETARY)
def new_proposal(request):
    return _create(request, ProposalForm, services.create_proposal, _("New proposal"),
                   lambda p: reverse("governance:proposal", args=[p.pk]))


@role_required(BOARD, SECRETARY)
def new_meeting(request):
    return _create(request, MeetingForm, services.call_meeting, _("Call a general meeting"),
                   lambda m: reverse("governance:meeting", args=[m.pk]))


@role_required(BOARD)
def new_board_decision(request):
    return _create(request, BoardDecisionForm, services.record_board_decision, _("Record a board decision"),
                   lambda d: reverse("governance:proposals"))


@role_required(MEMBER)
def meeting(request, pk):
    item = get_object_or_404(GeneralMeeting, pk=pk)
    form = MinutesForm(request.POST or None, initial={"minutes": item.minutes})
    if request.method == "POST":
        require_role(request.user, BOARD, SECRETARY)
        if form.is_valid():
            try:
                services.record_minutes(item, request.user, form.cleaned_data["minutes"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Minutes saved."))
            return redirect("governance:meeting", pk=pk)
    return render(request, "governance/meeting.html", {"meeting": item, "form": form})


@role_required(MEMBER)
def audit_trail(request):
    return render(request, "governance/audit.html", {"entries": AuditEntry.objects.order_by("-seq")[:200], "intact": verify_chain()})
