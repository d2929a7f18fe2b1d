"""Time zones by name: the one place a stored zone name becomes a ``tzinfo``."""

import functools
import zoneinfo

UTC = zoneinfo.ZoneInfo("UTC")


@functools.lru_cache(maxsize=512)
def zone(name):
    """The zone called ``name``; raises ``zoneinfo.ZoneInfoNotFoundError`` for an unknown one
    (stored names are validated by ``validate_time_zone``)."""
    return zoneinfo.ZoneInfo(name)


def zone_or_utc(name):
    """The zone called ``name``, or UTC where the name is empty or unknown: for output that
    must render whatever an old row holds (a feed, an email, a page)."""
    try:
        return zone(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return UTC
