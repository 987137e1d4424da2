from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop import profile
from coop.core.pagination import paginate
from coop.core.roles import BOARD, MEMBER, member_of, role_required

from . import services
from .forms import AllocationForm, HoursForm, SweatEquityForm
from .models import PatronageRecord, SurplusAllocation, SweatEquityEntry


@role_required(MEMBER)
def index(request):
    member = member_of(request.user)
    return render(request, "ledger/index.html", {
        "member": member,
        "patronage": paginate(request, member.patronage.all(), "ppage"),
        "sweat": paginate(request, member.sweat_equity.all(), "spage"),
        "allocations": paginate(request, SurplusAllocation.objects.all(), "apage"),
        "basis": profile.current().rules["surplus"]["patronage_basis"],
        "sweat_enabled": profile.current().rules["sweat_equity"].get("enabled", False),
    })


def _member_entry(request, form_class, report, heading):
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report(request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error) if not hasattr(error, "error_dict") else _add_errors(form, error)
        else:
            messages.success(request, _("Saved. It counts once the board or another member approves it."))
            return redirect("ledger:index")
    return render(request, "core/form.html", {"form": form, "heading": heading})


def _add_errors(form, error):
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@role_required(MEMBER)
def log_hours(request):
    return _member_entry(request, HoursForm, services.report_hours, _("Log hours worked"))


@role_required(MEMBER)
def log_sweat(request):
    return _member_entry(request, SweatEquityForm, services.report_sweat, _("Record sweat equity"))


@role_required(MEMBER, BOARD)
def approvals(request):
    records, sweat = services.pending_for(request.user)
    return render(request, "ledger/approvals.html", {
        "records": paginate(request, records, "rpage"), "sweat": paginate(request, sweat, "spage"),
    })


@role_required(MEMBER, BOARD)
@require_POST
def review(request, kind, pk, decision):
    model = {"hours": PatronageRecord, "sweat": SweatEquityEntry}.get(kind)
    if model is None or decision not in ("approve", "reject"):
        raise Http404
    entry = get_object_or_404(model, pk=pk)
    try:
        services.review(entry, request.user, approve=decision == "approve")
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error) or _("Not allowed.")])))
    else:
        messages.success(request, _("Approved.") if decision == "approve" else _("Rejected."))
    return redirect("ledger:approvals")


@role_required(BOARD)
def new_allocation(request):
    form = AllocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            allocation = services.prepare_allocation(request.user, form.cleaned_data["year"], form.cleaned_data["surplus"])
        except (ValidationError, ValueError) as error:
            form.add_error(None, str(getattr(error, "message", error)))
        else:
            return redirect("ledger:allocation", pk=allocation.pk)
    return render(request, "core/form.html", {"form": form, "heading": _("Allocate a year's surplus")})


@role_required(MEMBER)
def allocation(request, pk):
    item = get_object_or_404(SurplusAllocation, pk=pk)
    return render(request, "ledger/allocation.html", {"allocation": item, "lines": item.lines.select_related("member")})


@role_required(BOARD)
@require_POST
def propose(request, pk):
    item = get_object_or_404(SurplusAllocation, pk=pk)
    proposal = services.propose_allocation(item, request.user)
    return redirect("governance:proposal", pk=proposal.pk)
