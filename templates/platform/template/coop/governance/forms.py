from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CONSENT, DOT, POLL, RANKED, BoardDecision, GeneralMeeting, Proposal, Vote

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ProposalForm(forms.ModelForm):
    options = forms.CharField(label=_("Options (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("For a poll, dot vote or ranked choice."))

    class Meta:
        model = Proposal
        fields = ["title", "text", "kind", "decision_tool", "options", "secret", "opens_at", "closes_at", "meeting"]
        widgets = {"opens_at": DATETIME, "closes_at": DATETIME}

    def __init__(self, *args, board=False, default_tool=None, **kwargs):
        super().__init__(*args, **kwargs)
        if default_tool:
            self.fields["decision_tool"].initial = default_tool
        if not board:  # a member's proposal opens when it is seconded, for the rules' voting period
            for name in ("opens_at", "closes_at", "meeting"):
                del self.fields[name]

    def clean_options(self):
        return [line.strip() for line in self.cleaned_data.get("options", "").splitlines() if line.strip()]

    def _post_clean(self):
        pass  # the service validates (with the voting window) before saving


class MeetingForm(forms.ModelForm):
    class Meta:
        model = GeneralMeeting
        fields = ["kind", "title", "scheduled_for", "location", "agenda"]
        widgets = {"scheduled_for": DATETIME}


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 12}))


CONSENT_CHOICES = [("for", _("Consent")), ("block", _("Object (block)")), ("abstain", _("Stand aside"))]


class VoteForm(forms.Form):
    """The ballot for the proposal's decision tool."""

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        tool = proposal.decision_tool
        if tool == POLL:
            self.fields["choice"] = forms.ChoiceField(label=_("Your choice"), widget=forms.RadioSelect,
                                                      choices=[(str(i), o) for i, o in proposal.option_list()])
        elif tool in (DOT, RANKED):
            for i, option in proposal.option_list():
                label = (_("Dots for: %(o)s") if tool == DOT else _("Rank of: %(o)s (1 = first; blank = not ranked)")) % {"o": option}
                self.fields[f"option_{i}"] = forms.IntegerField(label=label, min_value=0 if tool == DOT else 1,
                                                                required=False)
        else:
            choices = CONSENT_CHOICES if tool == CONSENT else Vote.CHOICES
            self.fields["choice"] = forms.ChoiceField(label=_("Your vote"), choices=choices, widget=forms.RadioSelect)

    def clean(self):
        cleaned = super().clean()
        if self.proposal.decision_tool == RANKED:
            ranks = [v for k, v in cleaned.items() if k.startswith("option_") and v]
            if len(set(ranks)) != len(ranks):
                raise forms.ValidationError(_("Give each option a different rank."))
        return cleaned

    def ballot(self):
        """(choice, ranking) for services.cast_vote."""
        tool = self.proposal.decision_tool
        if tool == DOT:
            return None, [self.cleaned_data.get(f"option_{i}") or 0 for i, _o in self.proposal.option_list()]
        if tool == RANKED:
            ranks = [(self.cleaned_data.get(f"option_{i}"), i) for i, _o in self.proposal.option_list()]
            return None, [i for rank, i in sorted(r for r in ranks if r[0])]
        return self.cleaned_data["choice"], None


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}))


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(label=_("What to discuss"), widget=forms.Textarea(attrs={"rows": 5}))


class BoardDecisionForm(forms.ModelForm):
    class Meta:
        model = BoardDecision
        fields = ["title", "text", "decided_on", "votes_for", "votes_against"]
        widgets = {"decided_on": forms.DateInput(attrs={"type": "date"})}
