from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BoardDecision, GeneralMeeting, Proposal, Vote

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["title", "text", "kind", "opens_at", "closes_at", "meeting"]
        widgets = {"opens_at": DATETIME, "closes_at": DATETIME}


class MeetingForm(forms.ModelForm):
    class Meta:
        model = GeneralMeeting
        fields = ["kind", "title", "scheduled_for", "location", "agenda"]
        widgets = {"scheduled_for": DATETIME}


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 12}))


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), choices=Vote.CHOICES, widget=forms.RadioSelect)


class BoardDecisionForm(forms.ModelForm):
    class Meta:
        model = BoardDecision
        fields = ["title", "text", "decided_on", "votes_for", "votes_against"]
        widgets = {"decided_on": forms.DateInput(attrs={"type": "date"})}
