"""Languages, dates and numbers, all through Babel (CLDR): no month names or formats kept by hand.

A language is a BCP 47 tag as coop.yml writes it (`en`, `pt-BR`, `es`, `ca`); each function falls
back along `fallbacks()` — `pt-BR` → `pt` → `en` — when Babel or coopkit's data has no exact match.
"""
from __future__ import annotations

import datetime as dt
from functools import cache

DEFAULT = "en"
# English without a region reads dates the British way (1 March 2026), as every coopkit document has;
# en-US documents ask for en_US (March 1, 2026).
_DATE_LOCALES = {"en": "en_GB"}


def fallbacks(language: str | None) -> list[str]:
    """`pt-BR` → [`pt-BR`, `pt`, `en`]: where to look for a language's words, most specific first."""
    tag = (language or DEFAULT).replace("_", "-")
    chain = [tag]
    if "-" in tag:
        chain.append(tag.split("-")[0])
    if DEFAULT not in chain:
        chain.append(DEFAULT)
    return chain


def pick(options: dict, language: str | None):
    """The value of `options` (keyed by language) for `language`, following `fallbacks()`; None if none."""
    for tag in fallbacks(language):
        if tag in options:
            return options[tag]
    return None


@cache
def babel_locale(language: str | None) -> str:
    """'pt-BR' → 'pt_BR'; a language Babel does not know falls back ('xx-YY' → 'xx' → 'en')."""
    from babel import Locale, UnknownLocaleError

    for tag in fallbacks(language):
        try:
            Locale.parse(tag.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            continue
        return tag.replace("-", "_")
    return DEFAULT


def _date_locale(language: str | None) -> str:
    locale = babel_locale(language)
    return _DATE_LOCALES.get(locale, locale)


def month_name(number: int, language: str | None = DEFAULT) -> str:
    """The month as it stands alone (a calendar's heading): March, März, março, març."""
    from babel.dates import get_month_names

    return str(get_month_names("wide", context="stand-alone", locale=_date_locale(language))[int(number)])


def long_date(value: dt.date | str, language: str | None = DEFAULT) -> str:
    """1 March 2026 (en), March 1, 2026 (en-US), 1. März 2026, 1 de março de 2026, 1 de març del 2026."""
    from babel.dates import format_date

    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return str(format_date(day, format="long", locale=_date_locale(language)))


def format_pct(value: float, language: str | None = DEFAULT) -> str:
    """66.67 → '66.67%' (en), '66,67 %' (fr); 50 → '50%'. Up to two decimals."""
    from babel.numbers import format_percent

    return str(format_percent(round(float(value) / 100, 4), locale=babel_locale(language), decimal_quantization=False))


def format_num(value: float, places: int = 2, language: str | None = DEFAULT) -> str:
    from babel.numbers import format_decimal

    pattern = "#,##0" if float(value).is_integer() else "#,##0." + "0" * places
    return str(format_decimal(float(value), format=pattern, locale=babel_locale(language)))


def format_factor(value: float, language: str | None = DEFAULT) -> str:
    """A multiplier without trailing zeros: 1.5 (en), 1,5 (de), 2."""
    from babel.numbers import format_decimal

    return str(format_decimal(float(value), format="#,##0.##", locale=babel_locale(language)))


def format_money(value: float, currency: str, language: str | None = DEFAULT) -> str:
    """An amount as a reader of that language writes it: £1,234.50, 1 234,50 €, R$ 10; whole
    amounts without cents."""
    from babel import Locale
    from babel.numbers import format_currency

    locale = babel_locale(language)
    amount = float(value)
    if amount.is_integer():
        pattern = Locale.parse(locale).currency_formats["standard"].pattern.split(";")[0].replace(".00", "")
        return str(format_currency(amount, currency, format=pattern, locale=locale, currency_digits=False))
    return str(format_currency(amount, currency, locale=locale))


__all__ = ["babel_locale", "fallbacks", "format_factor", "format_money", "format_num", "format_pct", "long_date",
           "month_name", "pick"]
