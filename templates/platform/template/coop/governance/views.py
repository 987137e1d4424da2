from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.core import integrity, rows
from coop.core.models import AuditEntry, verify_incrementally
from coop.core.pages import render_kept
from coop.core.pagination import paginate
from coop.core.roles import BOARD, MEMBER, SECRETARY, has_role, member_of, require_role, role_required

from . import services
from .forms import BoardDecisionForm, CommentForm, MeetingForm, MinutesForm, ProposalForm, ThreadForm, VoteForm
from .models import DOT, OPTION_TOOLS, RANKED, BoardDecision, GeneralMeeting, Proposal, ProposalResult, Thread


def list_state(now):
    """What the proposals page's cached parts depend on, in one query: how many proposals, the newest, how many
    opened, how many decided, how many are due to close; how many general meetings and when one was last
    saved; how many board decisions (append-only) and the newest. Plain SQL: it runs on every view of the
    page, and the ORM's aggregate compiles several times slower than the database answers. No join of every
    proposal with its result: the due ones are found through closes_at's index."""
    quote = connection.ops.quote_name
    proposals, results = quote(Proposal._meta.db_table), quote(ProposalResult._meta.db_table)
    meetings, decisions = quote(GeneralMeeting._meta.db_table), quote(BoardDecision._meta.db_table)
    due = (f"(SELECT COUNT(*) FROM {proposals} p WHERE p.closes_at <= %s "
           f"AND NOT EXISTS (SELECT 1 FROM {results} r WHERE r.proposal_id = p.id))")
    if connection.vendor == "postgresql":  # one pass over each table plans and runs faster there
        sql = (f"SELECT p.n, p.last, p.opened, (SELECT COUNT(*) FROM {results}), {due}, m.n, m.last, d.n, d.last "
               f"FROM (SELECT COUNT(*) n, MAX(id) last, COUNT(opens_at) opened FROM {proposals}) p, "
               f"(SELECT COUNT(*) n, MAX(updated_at) last FROM {meetings}) m, "
               f"(SELECT COUNT(*) n, MAX(id) last FROM {decisions}) d")
    else:  # SQLite answers each figure from its own index fastest
        sql = (f"SELECT (SELECT COUNT(*) FROM {proposals}), (SELECT MAX(id) FROM {proposals}), "
               f"(SELECT COUNT(opens_at) FROM {proposals}), (SELECT COUNT(*) FROM {results}), {due}, "
               f"(SELECT COUNT(*) FROM {meetings}), (SELECT MAX(updated_at) FROM {meetings}), "
               f"(SELECT COUNT(*) FROM {decisions}), (SELECT MAX(id) FROM {decisions})")
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now)])
        n, last, opened, decided, due, *others = cursor.fetchone()
    return {"n": n, "last": last or 0, "opened": opened, "decided": decided, "due": due or 0,
            "others": "-".join(str(x or 0) for x in others)}


@role_required(MEMBER)
def proposals(request):
    now = timezone.now()
    state = list_state(now)
    if state["due"]:  # declare the results of proposals whose voting has closed, then read the state again
        services.close_due(now)
        state = list_state(now)
    # the list's rows are cached per page and language until a proposal is added, opened or decided
    list_version = "-".join(str(state[k]) for k in ("n", "last", "opened", "decided"))
    can_propose = member_of(request.user).can_vote

    def context():
        return {
            "list_version": list_version,
            "proposals": paginate(request, Proposal.objects.select_related("result"), count=state["n"]),
            # cached with their version (meetings' last save, board decisions' count and newest); read on a miss only
            "others_version": state["others"],
            "meetings": GeneralMeeting.objects.all()[:20],
            "decisions": BoardDecision.objects.all()[:20],
            "can_propose": can_propose,
        }

    # the whole page is kept while that state, the page number, the language and the header stay the same
    return render_kept(request, "governance/index.html", (list_version, state["others"], can_propose), context)


def _errors(error):
    return " ".join(getattr(error, "messages", None) or [str(error) or _("Not allowed.")])


@role_required(MEMBER)
def proposal(request, pk):
    item, _none = rows.with_reverse_one(Proposal, "result", pk)  # select_related("result").get(pk=pk), in plain SQL
    if item is None:
        raise Http404
    if item.closes_at and item.closes_at <= timezone.now() and not hasattr(item, "result"):
        services.close(item)
    member = member_of(request.user)
    form = VoteForm(request.POST or None, proposal=item)
    if request.method == "POST" and form.is_valid():  # a second vote is refused by the database (AlreadyVoted)
        choice, ranking = form.ballot()
        try:
            services.cast_vote(request.user, item, choice, ranking=ranking)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, _("Your vote was recorded."))
        return HttpResponseRedirect(request.path)  # this proposal's page (the URL that was posted to)
    has_voted = item.votes.filter(member=member).exists()
    result = getattr(item, "result", None)
    outcome_rows = []
    if result and item.decision_tool in OPTION_TOOLS:
        totals = result.outcome.get("totals") or (result.outcome.get("rounds") or [{}])[0]
        if isinstance(totals, dict):
            totals = [totals.get(str(i), 0) for i in range(len(item.options))]
        outcome_rows = [(o, totals[i] if i < len(totals) else 0, result.outcome.get("winner") == i)
                        for i, o in item.option_list()]
    return render(request, "governance/proposal.html", {
        "proposal": item, "form": form, "has_voted": has_voted,
        "can_vote": member.can_vote and item.is_open() and not has_voted,
        "can_second": item.awaiting_seconder and member.can_vote and item.proposer_id != member.pk,
        "result": result, "outcome_rows": outcome_rows, "options_tool": item.decision_tool in OPTION_TOOLS,
        "is_dot": item.decision_tool == DOT, "is_ranked": item.decision_tool == RANKED,
        "show_votes": not item.secret and result is not None,
        "votes": item.votes.select_related("member") if not item.secret and result is not None else [],
        "comments": paginate(request, item.comments.select_related("author"), "cpage"),
        "comment_form": CommentForm(),
    })


@role_required(MEMBER)
@require_POST
def second(request, pk):
    item = get_object_or_404(Proposal, pk=pk)
    try:
        services.second(item, request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Seconded: voting is open."))
    return redirect("governance:proposal", pk=pk)


@role_required(MEMBER)
@require_POST
def comment(request, pk):
    item = get_object_or_404(Proposal, pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment(request.user, form.cleaned_data["body"], proposal=item)
    return redirect(reverse("governance:proposal", args=[pk]) + "#discussion")


def _create(request, form_class, create, heading, redirect_to, **form_kwargs):
    form = form_class(request.POST or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            obj = create(request.user, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        except PermissionDenied as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, _("Saved."))
            return redirect(redirect_to(obj))
    return render(request, "core/form.html", {"form": form, "heading": heading})


@role_required(MEMBER, BOARD, SECRETARY)
def new_proposal(request):
    board = has_role(request.user, BOARD) or has_role(request.user, SECRETARY)
    if not board and not member_of(request.user).can_vote:
        raise PermissionDenied
    return _create(request, ProposalForm, services.create_proposal, _("New proposal"),
                   lambda p: reverse("governance:proposal", args=[p.pk]), board=board,
                   default_tool=services.default_tool())


@role_required(BOARD, SECRETARY)
def new_meeting(request):
    return _create(request, MeetingForm, services.call_meeting, _("Call a general meeting"),
                   lambda m: reverse("governance:meeting", args=[m.pk]))


@role_required(BOARD)
def new_board_decision(request):
    return _create(request, BoardDecisionForm, services.record_board_decision, _("Record a board decision"),
                   lambda d: reverse("governance:proposals"))


@role_required(MEMBER)
def threads(request):
    return render(request, "governance/threads.html", {"threads": paginate(request, Thread.objects.all())})


@role_required(MEMBER)
def new_thread(request):
    return _create(request, ThreadForm, services.start_thread, _("Start a discussion"),
                   lambda t: reverse("governance:thread", args=[t.pk]))


@role_required(MEMBER)
def thread(request, pk):
    item = get_object_or_404(Thread, pk=pk)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.comment(request.user, form.cleaned_data["body"], thread=item)
        return redirect("governance:thread", pk=pk)
    return render(request, "governance/thread.html", {
        "thread": item, "comments": paginate(request, item.comments.select_related("author")), "form": form})


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
    return render(request, "governance/meeting.html", {
        "meeting": item, "form": form, "checkpoint": integrity.latest_checkpoint(),
        "head": AuditEntry.objects.order_by("-seq").only("seq", "hash").first(),
    })


@role_required(MEMBER)
def audit_trail(request):
    intact, verified_up_to = verify_incrementally()
    with connection.cursor() as cursor:  # the table's cache key and the pager's count (plain SQL: every view)
        cursor.execute(f"SELECT COUNT(*), MAX(seq) FROM {connection.ops.quote_name(AuditEntry._meta.db_table)}")
        count, head = cursor.fetchone()
    return render(request, "governance/audit.html", {
        "head_seq": head or 0,
        "entries": paginate(request, AuditEntry.objects.order_by("-seq").only("seq", "created_at", "actor", "action", "hash"),
                            count=count),
        "intact": intact, "verified_up_to": verified_up_to, "checkpoint": integrity.latest_checkpoint(),
    })
