import csv

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop import profile
from coop.core.pagination import paginate
from coop.core.roles import BOARD, MEMBER, SECRETARY, member_of, role_required

from . import services
from .forms import ApplicationForm, PaymentForm, SharesForm
from .models import Application, Member, ShareSubscription


def apply(request):
    form = ApplicationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = request.user
        try:
            with transaction.atomic():
                if not user.is_authenticated:
                    user = get_user_model().objects.create_user(data["email"], data["password"])
                services.apply(
                    user, name=data["name"], email=data["email"], address=data["address"],
                    member_class=data["member_class"], shares=data["shares"], statement=data["statement"],
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not request.user.is_authenticated:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Thank you. Your application will be considered."))
            return redirect("members:me")
    return render(request, "core/form.html", {
        "form": form, "heading": _("Apply for membership"), "submit": _("Apply"),
        "intro": profile.current().coop.get("purpose"),
    })


@login_required
def me(request):
    member = member_of(request.user)
    applications = request.user.applications.all()
    form = SharesForm(request.POST or None)
    if member and request.method == "POST" and form.is_valid():
        try:
            services.subscribe(member, form.cleaned_data["shares"])
        except ValidationError as error:
            form.add_error("shares", error)
        else:
            messages.success(request, _("Shares subscribed. Please pay them to the co-op."))
            return redirect("members:me")
    return render(request, "members/me.html", {"member": member, "applications": applications, "form": form})


@role_required(MEMBER)
@require_POST
def request_withdrawal(request):
    services.request_withdrawal(member_of(request.user))
    messages.success(request, _("Your request to withdraw was sent to the board."))
    return redirect("members:me")


@role_required(BOARD, SECRETARY)
def register(request):
    return render(request, "members/register.html", {
        "members": paginate(request, Member.objects.all()),
        "applications": Application.objects.filter(status=Application.PENDING),
        "unpaid": ShareSubscription.objects.filter(paid_on__isnull=True).select_related("member"),
        "admission_by": profile.current().admission_by,
    })


@role_required(BOARD, SECRETARY)
def register_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="register-of-members.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Number"), _("Name"), _("Address"), _("Class"), _("Shares held"), _("Date admitted"), _("Date ceased")])
    for member in Member.objects.all():
        writer.writerow([
            member.pk, _csv_safe(member.name), _csv_safe(member.address), member.class_label,
            member.shares_held, member.admitted_on.isoformat(),
            member.ceased_on.isoformat() if member.ceased_on else "",
        ])
    return response


def _csv_safe(text):
    """Stop spreadsheets from running a cell that starts like a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@role_required(BOARD, SECRETARY)
@require_POST
def decide(request, pk, action):
    application = get_object_or_404(Application, pk=pk)
    try:
        if action == "admit":
            services.admit(application, request.user)
            messages.success(request, _("Member admitted."))
        elif action == "reject":
            services.reject(application, request.user)
            messages.success(request, _("Application rejected."))
        elif action == "propose":
            proposal = services.propose_to_general_meeting(application, request.user)
            return redirect("governance:proposal", pk=proposal.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("members:register")


@role_required(BOARD, SECRETARY)
def record_payment(request, pk):
    subscription = get_object_or_404(ShareSubscription, pk=pk, paid_on__isnull=True)
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_payment(subscription, request.user, form.cleaned_data["reference"])
        messages.success(request, _("Payment recorded."))
        return redirect("members:register")
    return render(request, "core/form.html", {"form": form, "heading": _("Record a share payment"), "intro": str(subscription)})


@role_required(BOARD, SECRETARY)
@require_POST
def process_withdrawal(request, pk):
    return _act_on_member(request, pk, services.process_withdrawal, _("Membership ended and shares redeemed."))


def _act_on_member(request, pk, action, done):
    """The board's POST actions on one member: run `action(member, by)`, report `done` or the
    rule that refused it, and go back to the register."""
    member = get_object_or_404(Member, pk=pk)
    try:
        action(member, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("members:register")


@login_required
def my_data(request):
    """Everything the platform holds about me, as JSON (a personal-data access request)."""
    member = member_of(request.user) or Member.objects.filter(user=request.user).first()
    data = services.export_personal_data(member) if member else {"user": {"email": request.user.email}}
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@login_required
@require_POST
def notifications(request):
    request.user.notify_by_email = request.POST.get("notify") == "on"
    request.user.save(update_fields=["notify_by_email"])
    messages.success(request, _("Email notifications are on.") if request.user.notify_by_email
                     else _("Email notifications are off."))
    return redirect("members:me")


@role_required(BOARD, SECRETARY)
@require_POST
def erase(request, pk):
    return _act_on_member(request, pk, services.erase_personal_data, _("Personal data erased."))


@role_required(MEMBER)
@require_POST
def api_token(request):
    """A new token for the JSON API, shown once (only its hash is kept)."""
    from coop.core.models import ApiToken

    key = ApiToken.issue(request.user)
    return render(request, "core/message.html", {
        "heading": _("Your API token"),
        "text": _("Copy it now: it is shown only once. Send it as `Authorization: Bearer %(key)s`. API docs: /api/docs")
        % {"key": key},
    })
