"""Time zones by name: the one place a stored zone name becomes a ``tzinfo``."""

import functools
import zoneinfo

UTC = zoneinfo.ZoneInfo("UTC")


@functools.lru_cache(maxsize=512)
def zone(name):
    """The zone called ``name``; raises ``zoneinfo.ZoneInfoNotFoundError`` for an unknown one
    (stored names are validated by ``validate_time_zone``), including the names that reach
    the file system as something else: a directory ("America") or a name too long for a file,
    which ``zoneinfo`` lets out as ``OSError``."""
    try:
        return zoneinfo.ZoneInfo(name)
    except OSError as error:
        raise zoneinfo.ZoneInfoNotFoundError(f"No time zone found with key {name!r:.80}") from error


def zone_or_utc(name):
    """The zone called ``name``, or UTC where the name is empty or unknown: for output that
    must render whatever an old row holds (a feed, an email, a page)."""
    try:
        return zone(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return UTC
