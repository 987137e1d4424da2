from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PatronageRecord, SweatEquityEntry


class HoursForm(forms.ModelForm):
    class Meta:
        model = PatronageRecord
        fields = ["date", "hours", "description"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class SweatEquityForm(forms.ModelForm):
    class Meta:
        model = SweatEquityEntry
        fields = ["date", "hours", "description", "pre_revenue", "paid"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class AllocationForm(forms.Form):
    year = forms.IntegerField(label=_("Financial year"), min_value=1900, max_value=3000)
    surplus = forms.DecimalField(label=_("Surplus"), min_value=0, decimal_places=2, max_digits=14)
