from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop import profile
from coop.core.roles import BOARD, MEMBER, member_of, role_required

from . import services
from .forms import AllocationForm, HoursForm, SweatEquityForm
from .models import SurplusAllocation


@role_required(MEMBER)
def index(request):
    member = member_of(request.user)
    return render(request, "ledger/index.html", {
        "member": member,
        "patronage": member.patronage.all()[:50],
        "sweat": member.sweat_equity.all(),
        "allocations": SurplusAllocation.objects.all(),
        "basis": profile.current().rules["surplus"]["patronage_basis"],
        "sweat_enabled": profile.current().rules["sweat_equity"].get("enabled", False),
    })


def _member_entry(request, form_class, heading):
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = form.save(commit=False)
        entry.member = member_of(request.user)
        entry.save()
        messages.success(request, _("Saved."))
        return redirect("ledger:index")
    return render(request, "core/form.html", {"form": form, "heading": heading})


@role_required(MEMBER)
def log_hours(request):
    return _member_entry(request, HoursForm, _("Log hours worked"))


@role_required(MEMBER)
def log_sweat(request):
    return _member_entry(request, SweatEquityForm, _("Record sweat equity"))


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
