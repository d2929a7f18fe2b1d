"""Shared building blocks: time zones, services offered, cadences, time stamps."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models


def validate_time_zone(value):
    """Accept only IANA time zone names (``Europe/Warsaw``), never offsets or abbreviations."""
    if value not in _available_time_zones():
        raise ValidationError("%(value)s is not an IANA time zone name.", params={"value": value})


def _available_time_zones():
    global _TIME_ZONES
    if _TIME_ZONES is None:
        _TIME_ZONES = frozenset(zoneinfo.available_timezones())
    return _TIME_ZONES


_TIME_ZONES = None


def time_zone_choices():
    return [(name, name) for name in sorted(_available_time_zones())]


def validate_services(value):
    """A vendor's services: a list (possibly empty) of distinct ``Service`` values."""
    if not isinstance(value, list):
        raise ValidationError("Give the services as a list.")
    unknown = [item for item in value if item not in Service.values]
    if unknown:
        raise ValidationError(
            "Unknown service(s): %(unknown)s.",
            params={"unknown": ", ".join(map(str, unknown))},
        )
    if len(set(value)) != len(value):
        raise ValidationError("A service is listed twice.")


country_validator = RegexValidator(r"^[A-Z]{2}$", "Use the two-letter ISO 3166 country code.")
currency_validator = RegexValidator(r"^[A-Z]{3}$", "Use the three-letter ISO 4217 currency code.")


class Service(models.TextChoices):
    NETWORK_MANAGEMENT = "network_management", "Network management"
    SECURITY = "security", "Security"
    SOFTWARE_DEVELOPMENT = "software_development", "Software development"
    TECHNICAL_SUPPORT = "technical_support", "Technical support"
    SYSTEM_MAINTENANCE = "system_maintenance", "System maintenance"
    HOSTING = "hosting", "Hosting"
    OTHER = "other", "Other"


class Cadence(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SEMIANNUAL = "semiannual", "Semiannual"
    ANNUAL = "annual", "Annual"


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
