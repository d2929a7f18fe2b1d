"""Shared building blocks: time zones, services offered, cadences, time stamps."""

import zoneinfo

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import RegexValidator
from django.db import models, router


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


# What a vendor's representative writes for the other side to read (a review's comment, an
# agenda item proposed): at most this many characters, whichever door it comes through.
VENDOR_TEXT_MAX = 4000


def vendor_text_errors(**texts):
    """``{field: message}`` for each of ``texts`` longer than ``VENDOR_TEXT_MAX``."""
    message = f"Use at most {VENDOR_TEXT_MAX} characters."
    return {name: message for name, text in texts.items() if len(text or "") > VENDOR_TEXT_MAX}


class ConstraintFields:
    """Model mixin: a failed constraint's message is reported on the field it is about.

    Django reports a ``CheckConstraint`` (and a ``UniqueConstraint`` over several fields) as
    an error of the whole record. ``constraint_fields`` maps a constraint's name to the field
    (or fields) its message belongs beside, so the web form, the API (400 per field) and the
    admin all show it there; the constraint stays the one statement of the rule.
    """

    constraint_fields = {}

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(type(self), instance=self)
        errors = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    for field in self._constraint_error_fields(constraint, error):
                        errors.setdefault(field, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)

    def _constraint_error_fields(self, constraint, error):
        fields = self.constraint_fields.get(constraint.name)
        if isinstance(fields, str):
            return [fields]
        if fields:
            return list(fields)
        # As Django does: a uniqueness of one field is that field's error.
        if error.code == "unique" and len(getattr(constraint, "fields", ())) == 1:
            return [constraint.fields[0]]
        return [NON_FIELD_ERRORS]


class TimeStamped(ConstraintFields, models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
