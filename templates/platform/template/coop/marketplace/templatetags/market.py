from django import template

register = template.Library()


@register.filter
def detail(details, name):
    """details|detail:"field" — one sector field of an offer or order."""
    return (details or {}).get(name, "")
