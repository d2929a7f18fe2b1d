"""FilterSets of the API lists, and the ordering every list shares.

Date filters refuse dates outside 1900-2199 with a 400 (see ``governance.domain.bounds``), and
vendor filters accept only vendors the user may see.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from django_filters.widgets import BooleanWidget
from rest_framework.filters import OrderingFilter, SearchFilter

from governance import models as domain
from governance.domain import credits
from governance.domain.bounds import RANGE_MESSAGE, in_window
from governance.domain.models.actions import overdue_condition

from .scoping import visible_vendors


class StableOrderingFilter(OrderingFilter):
    """``?ordering=`` that always ends with the primary key, so pages never overlap or skip
    (``?ordering=status`` over 300,000 incidents has ties the database may break differently
    from one page to the next). The key runs the way the last field does, so an index on
    (field DESC, id DESC) serves the whole order.

    A view whose list comes in its own order (``keeps_own_order``, e.g. overdue first, then
    by due date with undated last, then the key) keeps it unless the request asks for
    another."""

    def get_ordering(self, request, queryset, view):
        if getattr(view, "keeps_own_order", False) and not request.query_params.get(
            self.ordering_param
        ):
            return None
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not any(str(field).lstrip("-") in ("pk", "id") for field in ordering):
            last = str(ordering[-1]) if ordering else ""
            ordering.append("-pk" if last.startswith("-") else "pk")
        return ordering


class FilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, which steps aside when the request gives none of the filters.

    A FilterSet given no filter changes nothing, but building it and validating its form
    costs about a millisecond a request: more than the rest of an unfiltered list but the
    page. A parameter counts when it starts with a filter's name (widgets of two values
    read ``name_min`` and the like).
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        names = tuple(filterset_class.base_filters)
        if not any(parameter.startswith(names) for parameter in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


# Every list's backends, in the order the settings' default gives them.
BACKENDS = [FilterBackend, SearchFilter, StableOrderingFilter]


def _check_range(value):
    if value is not None and not in_window(value):
        raise forms.ValidationError(RANGE_MESSAGE, code="out_of_range")


class BoundedDateField(forms.DateField):
    def clean(self, value):
        day = super().clean(value)
        _check_range(day)
        return day


class BoundedIsoDateTimeField(IsoDateTimeField):
    def clean(self, value):
        moment = super().clean(value)
        _check_range(moment)
        return moment


class StrictBooleanWidget(BooleanWidget):
    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, str) and value.lower() not in ("", "true", "false", "1", "0"):
            return value  # left as typed, for the field to refuse
        return super().value_from_datadict(data, files, name)


class StrictBooleanField(forms.NullBooleanField):
    """``true`` / ``false`` (or ``1`` / ``0``); anything else is an error, not "no filter"."""

    widget = StrictBooleanWidget

    def to_python(self, value):
        if value in (True, False, None):
            return value
        raise forms.ValidationError("Use true or false.", code="invalid")


class BooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", StrictBooleanWidget)
        super().__init__(*args, **kwargs)


class DateFilter(filters.DateFilter):
    field_class = BoundedDateField


class DateTimeFilter(filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField


def _vendors(request):
    return visible_vendors(request) if request is not None else domain.Vendor.objects.none()


def _meetings(request):
    if request is None:
        return domain.Meeting.objects.none()
    return domain.Meeting.objects.filter(vendor__in=visible_vendors(request).values("pk"))


def _users(request):
    return get_user_model().objects.all()


class ChoiceInFilter(filters.BaseInFilter, filters.ChoiceFilter):
    """``?status__in=open,acknowledged``: each value must be one of the choices."""


class FilterSet(filters.FilterSet):
    """Lookups listed in ``Meta.fields`` get the strict, bounded filters above."""

    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.DateField: {"filter_class": DateFilter},
        models.DateTimeField: {"filter_class": DateTimeFilter},
        models.BooleanField: {"filter_class": BooleanFilter},
    }

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        if lookup_type == "in" and field.choices:
            return ChoiceInFilter, {"choices": field.choices}
        return super().filter_for_lookup(field, lookup_type)


class VendorScopedFilterSet(FilterSet):
    """A list of vendors' records: ``?vendor=`` takes a vendor the user may see."""

    vendor = filters.ModelChoiceFilter(queryset=_vendors, help_text="A vendor id.")


class VendorFilter(FilterSet):
    owner = filters.ModelChoiceFilter(queryset=_users, help_text="The owner's user id.")
    service = filters.ChoiceFilter(
        choices=domain.Service.choices,
        method="filter_service",
        help_text="Vendors that provide this service.",
    )

    class Meta:
        model = domain.Vendor
        fields = {
            "tier": ["exact"],
            "status": ["exact", "in"],
            "review_cadence": ["exact"],
            "country": ["exact"],
            "contract_end": ["gte", "lte"],
        }

    def filter_service(self, queryset, name, value):
        # ``services`` is a JSON list; its JSON text contains the quoted value exactly when the
        # list does (values are fixed identifiers). Portable across SQLite and PostgreSQL.
        return queryset.filter(services__icontains=f'"{value}"')


class ContactFilter(VendorScopedFilterSet):
    class Meta:
        model = domain.Contact
        fields = {"is_primary": ["exact"]}


class ActionItemFilter(VendorScopedFilterSet):
    owner = filters.ModelChoiceFilter(queryset=_users, help_text="The owner's user id.")
    overdue = BooleanFilter(
        method="filter_overdue", help_text="Open or in progress with the due date passed."
    )

    class Meta:
        model = domain.ActionItem
        fields = {
            "status": ["exact", "in"],
            "source": ["exact"],
            "vendor_contact": ["exact"],
            "due_date": ["gte", "lte"],
        }

    def filter_overdue(self, queryset, name, value):
        condition = overdue_condition(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)


class EscalationContactFilter(VendorScopedFilterSet):
    class Meta:
        model = domain.EscalationContact
        fields = {"level": ["exact"], "topic": ["exact"], "side": ["exact"]}


class GoalFilter(VendorScopedFilterSet):
    owner = filters.ModelChoiceFilter(queryset=_users, help_text="The internal owner's user id.")

    class Meta:
        model = domain.Goal
        fields = {
            "status": ["exact", "in"],
            "direction": ["exact"],
            "due_date": ["gte", "lte"],
            "start_date": ["gte", "lte"],
        }


class CheckInFilter(FilterSet):
    class Meta:
        model = domain.GoalCheckIn
        fields = {"date": ["gte", "lte"]}


class ReviewFilter(VendorScopedFilterSet):
    reviewer = filters.ModelChoiceFilter(queryset=_users, help_text="The reviewer's user id.")

    class Meta:
        model = domain.Review
        fields = {
            "status": ["exact", "in"],
            "scheduled_for": ["gte", "lte"],
            "period_start": ["gte", "lte"],
            "period_end": ["gte", "lte"],
        }


class MeetingFilter(VendorScopedFilterSet):
    attendee = filters.ModelChoiceFilter(
        queryset=_users, field_name="attendees", help_text="An attendee's user id."
    )

    class Meta:
        model = domain.Meeting
        fields = {
            "kind": ["exact"],
            "channel": ["exact"],
            "starts_at": ["gte", "lte"],
        }


class MeetingOccurrenceFilter(FilterSet):
    vendor = filters.ModelChoiceFilter(
        queryset=_vendors, field_name="meeting__vendor", help_text="A vendor id."
    )
    meeting = filters.ModelChoiceFilter(queryset=_meetings, help_text="A meeting id.")

    class Meta:
        model = domain.MeetingOccurrence
        fields = {
            "status": ["exact"],
            "minutes_status": ["exact"],
            "original_start": ["gte", "lte"],
        }


class DecisionFilter(FilterSet):
    vendor = filters.ModelChoiceFilter(
        queryset=_vendors, field_name="occurrence__meeting__vendor", help_text="A vendor id."
    )
    meeting = filters.ModelChoiceFilter(
        queryset=_meetings, field_name="occurrence__meeting", help_text="A meeting id."
    )

    class Meta:
        model = domain.Decision
        fields = {"occurrence": ["exact"]}


class SLATargetFilter(VendorScopedFilterSet):
    class Meta:
        model = domain.SLATarget
        fields = {"priority": ["exact"]}


class IncidentFilter(VendorScopedFilterSet):
    response_breached = BooleanFilter(
        help_text="The response target passed without an acknowledgement."
    )
    resolution_breached = BooleanFilter(
        help_text="The resolution target passed without a resolution."
    )

    class Meta:
        model = domain.Incident
        fields = {
            "external_id": ["exact"],
            "status": ["exact", "in"],
            "priority": ["exact", "in"],
            "service": ["exact"],
            "category": ["exact"],
            "personal_data_affected": ["exact"],
            "opened_at": ["gte", "lte"],
            "resolved_at": ["gte", "lte"],
            "detected_at": ["gte", "lte"],
        }


class ClauseFilter(VendorScopedFilterSet):
    class Meta:
        model = domain.SecurityClause
        fields = {
            "clause_type": ["exact"],
            "status": ["exact", "in"],
            "expires_on": ["gte", "lte"],
            "next_verification_due": ["gte", "lte"],
        }


class RequiredClauseFilter(FilterSet):
    """Declared once: a view's ``filterset_fields`` made django-filter build a FilterSet class
    on every request (half a millisecond, a tenth of this short list's time)."""

    class Meta:
        model = domain.RequiredClause
        fields = ["tier", "clause_type"]


class MonthFormField(forms.CharField):
    """A month as YYYY-MM, cleaned to its first day."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return credits.parse_month(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class MonthFilter(filters.Filter):
    field_class = MonthFormField


class CreditPolicyFilter(VendorScopedFilterSet):
    class Meta:
        model = domain.CreditPolicy
        fields = []


class CreditStatementFilter(VendorScopedFilterSet):
    month = MonthFilter(help_text="A month, YYYY-MM.")

    class Meta:
        model = domain.CreditStatement
        fields = {"status": ["exact", "in"]}


class ReminderFilter(VendorScopedFilterSet):
    recipient = filters.ModelChoiceFilter(queryset=_users, help_text="The recipient's user id.")

    class Meta:
        model = domain.Reminder
        fields = {
            "kind": ["exact"],
            "status": ["exact", "in"],
            "occurrence": ["gte", "lte"],
        }


class InboxFilter(FilterSet):
    unread = BooleanFilter(method="filter_unread", help_text="true: only what you have not read.")
    vendor = filters.ModelChoiceFilter(queryset=_vendors, help_text="A vendor id.")

    class Meta:
        model = domain.VendorActivity
        fields = {"kind": ["exact"]}

    def filter_unread(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(is_read=not value)


class AgendaProposalFilter(FilterSet):
    vendor = filters.ModelChoiceFilter(
        queryset=_vendors, field_name="meeting__vendor", help_text="A vendor id."
    )
    meeting = filters.ModelChoiceFilter(queryset=_meetings, help_text="A meeting id.")

    class Meta:
        model = domain.AgendaProposal
        fields = {"status": ["exact"]}
