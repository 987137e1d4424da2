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
            self.fields["username"] = forms.CharField(label=_("Username"), max_length=150)
            self.fields["password"] = forms.CharField(label=_("Password"), widget=forms.PasswordInput)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class SharesForm(forms.Form):
    shares = forms.IntegerField(label=_("Number of shares"), min_value=1)


class PaymentForm(forms.Form):
    reference = forms.CharField(label=_("Payment reference"), max_length=200, required=False)
