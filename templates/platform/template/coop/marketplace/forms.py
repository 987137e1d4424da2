from django import forms
from django.utils.translation import gettext_lazy as _

FIELD_TYPES = {
    "text": lambda f: forms.CharField(max_length=500),
    "longtext": lambda f: forms.CharField(widget=forms.Textarea(attrs={"rows": 3})),
    "date": lambda f: forms.DateField(widget=forms.DateInput(attrs={"type": "date"})),
    "datetime": lambda f: forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"})),
    "int": lambda f: forms.IntegerField(min_value=0),
    "decimal": lambda f: forms.DecimalField(min_value=0, decimal_places=2),
    "choice": lambda f: forms.ChoiceField(choices=f.choices),
}


class SectorDetailsMixin:
    """Adds the sector's fields to a form and collects them as JSON-ready `details`."""

    def add_sector_fields(self, fields):
        self.sector_fields = fields
        for spec in fields:
            form_field = FIELD_TYPES[spec.kind](spec)
            form_field.label = spec.label
            form_field.required = spec.required
            self.fields[spec.name] = form_field

    def details(self):
        values = {}
        for spec in self.sector_fields:
            value = self.cleaned_data.get(spec.name)
            values[spec.name] = value.isoformat() if hasattr(value, "isoformat") else (str(value) if value is not None and spec.kind == "decimal" else value)
        return values


class OfferForm(SectorDetailsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    price = forms.DecimalField(label=_("Price per unit"), min_value=0, decimal_places=2)

    def __init__(self, *args, sector, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_sector_fields(sector.offer_fields)


class OrderForm(SectorDetailsMixin, forms.Form):
    customer_name = forms.CharField(label=_("Your name"), max_length=300)
    customer_email = forms.EmailField(label=_("Your email"))

    def __init__(self, *args, sector, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_sector_fields(sector.order_fields)

    def clean(self):
        cleaned = super().clean()
        if "check_in" in cleaned and "check_out" in cleaned and cleaned["check_in"] and cleaned["check_out"]:
            if cleaned["check_out"] <= cleaned["check_in"]:
                self.add_error("check_out", _("Check-out must be after check-in."))
        return cleaned
