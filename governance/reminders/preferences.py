"""Lead times and people's reminder preferences, as a sweep reads them.

A kind's lead times are the site's (``GOVERNANCE_REMINDER_LEAD_TIMES``, else the kind's own
defaults), or a person's own from their profile; a person may also mute kinds, and has a time
zone that decides when a date-based reminder reaches them.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured

from governance.domain import scheduling, zones
from governance.models import UserProfile
from governance.reminders import registry

log = logging.getLogger(__name__)


def site_lead_time_values(kind):
    """The site's lead times of ``kind`` as written (``14``, ``"24h"``):
    ``GOVERNANCE_REMINDER_LEAD_TIMES``'s for it, else the kind's defaults; none for a kind
    without lead times."""
    configured = settings.GOVERNANCE_REMINDER_LEAD_TIMES
    if kind in configured:
        return configured[kind]
    return registry.get(kind).default_lead_times or ()


def site_lead_times(kind):
    """The site's lead times of ``kind``, parsed, shortest first."""
    try:
        return scheduling.parse_lead_times(site_lead_time_values(kind))
    except ValueError as error:
        raise ImproperlyConfigured(f"GOVERNANCE_REMINDER_LEAD_TIMES[{kind!r}]: {error}") from error


@dataclass(frozen=True)
class LeadTimes:
    """The lead times of one sweep, per kind with lead times: the site's, and every one that
    the site or anybody has, shortest first (how far ahead to look, and which reminder of an
    object is the current one)."""

    site: dict
    every: dict

    @classmethod
    def load(cls):
        site = {kind.code: site_lead_times(kind.code) for kind in registry.lead_time_kinds()}
        every = {code: set(values) for code, values in site.items()}
        profiles = UserProfile.objects.exclude(lead_times={}).values_list("lead_times", flat=True)
        for overrides in profiles:
            for code, values in _lead_time_overrides(overrides):
                every[code].update(values)
        return cls(site=site, every={code: tuple(sorted(values)) for code, values in every.items()})

    def longest(self, kind):
        return max(self.every[kind], default=dt.timedelta(0))


@dataclass(frozen=True)
class Recipient:
    """A user's reminder preferences."""

    user_id: int
    zone: dt.tzinfo
    site: dict  # the site's lead times per kind (LeadTimes.site)
    muted: frozenset = frozenset()
    overrides: dict = field(default_factory=dict)

    def wants(self, kind):
        return kind not in self.muted

    def lead_times(self, kind):
        """The user's own lead times of ``kind`` (an empty list means none), else the site's."""
        if kind in self.overrides:
            return self.overrides[kind]
        return self.site[kind]

    def send_date(self, now):
        """The recipient's local date, or None before their send hour: date-based reminders
        wait for the morning, and are then chosen by that day's date (one email, the
        nearest lead time, not yesterday's and today's)."""
        local = now.astimezone(self.zone)
        if local.hour < settings.GOVERNANCE_REMINDER_SEND_HOUR:
            return None
        return local.date()


class Recipients:
    """Active users with an email address, loaded in batches as a sweep needs them."""

    def __init__(self, lead_times):
        self._site = lead_times.site
        self._known = {}

    def load(self, user_ids):
        wanted = sorted({pk for pk in user_ids if pk is not None} - self._known.keys())
        size = settings.GOVERNANCE_REMINDER_BATCH_SIZE
        for start in range(0, len(wanted), size):
            batch = wanted[start : start + size]
            self._known.update(dict.fromkeys(batch))
            rows = (
                get_user_model()
                .objects.filter(pk__in=batch, is_active=True)
                .exclude(email="")
                .values_list(
                    "pk", "profile__time_zone", "profile__muted_kinds", "profile__lead_times"
                )
            )
            for pk, zone, muted, overrides in rows:
                self._known[pk] = self._recipient(pk, zone, muted, overrides)
        return self

    def each(self, user_ids, kind):
        """The recipients among ``user_ids`` who get ``kind``, each once, in order."""
        for pk in dict.fromkeys(user_ids):
            recipient = self._known.get(pk)
            if recipient is not None and recipient.wants(kind):
                yield recipient

    def _recipient(self, pk, zone_name, muted, overrides):
        return Recipient(
            user_id=pk,
            zone=zones.zone_or_utc(zone_name or settings.GOVERNANCE_DEFAULT_USER_TIME_ZONE),
            site=self._site,
            muted=frozenset(m for m in muted if isinstance(m, str))
            if isinstance(muted, list)
            else frozenset(),
            overrides=dict(_lead_time_overrides(overrides, user_id=pk)),
        )


def _lead_time_overrides(overrides, *, user_id=None):
    """(kind, parsed lead times) of a profile's ``lead_times``, skipping what is unusable (the
    model refuses it, but a stored value may predate that)."""
    if not isinstance(overrides, dict):
        return
    codes = {kind.code for kind in registry.lead_time_kinds()}
    for code, values in overrides.items():
        if code not in codes:
            continue
        try:
            yield code, scheduling.parse_lead_times(values)
        except ValueError as error:
            if user_id is not None:
                log.warning("Ignoring user %s's lead times for %s: %s", user_id, code, error)
