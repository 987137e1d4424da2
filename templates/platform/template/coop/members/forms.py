from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from coop import profile


def class_choices():
    return [(c.id, c.label) for c in profile.current().member_classes]


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=300)
    email = forms.EmailField(label=_("Email"))
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 3}))
    member_class = forms.ChoiceField(label=_("Member class"), choices=class_choices)
    shares = forms.IntegerField(label=_("Shares to subscribe"), min_value=1, initial=1)
    statement = forms.CharField(label=_("Why do you want to join?"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not (user and user.is_authenticated):
            self.fields["email"].help_text = _("You will log in with this address.")
            self.fields["password"] = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
        else:
            self.fields["email"].initial = user.email

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if not (self.user and self.user.is_authenticated) and get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email already exists: log in first, then apply."))
        return email

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class SharesForm(forms.Form):
    shares = forms.IntegerField(label=_("Number of shares"), min_value=1)


class PaymentForm(forms.Form):
    reference = forms.CharField(label=_("Payment reference"), max_length=200, required=False)
