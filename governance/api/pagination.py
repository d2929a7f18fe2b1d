"""Pagination of every list: ``count``, ``next``, ``previous``, ``results``."""

import functools
import re

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from governance import selectors
from governance.models import Reminder
from governance.services import figures

from .scoping import is_every_vendor, visible_vendors

# Query parameters that neither filter nor search: a list given only these holds every row
# of the visible vendors, so its total is the sum of their stored row counts.
UNFILTERING_PARAMETERS = {"page", "page_size", "ordering", "format"}


class _KnownCountPaginator(Paginator):
    """Django's paginator with the total given instead of counted."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N``; up to ``max_page_size`` rows per page with ``?page_size=N``.

    Every list passes through here, so this is also where a query parameter given twice is
    refused: which of the two values would win is not something a client should guess.
    """

    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        repeated = sorted(name for name, values in request.query_params.lists() if len(values) > 1)
        if repeated:
            raise ValidationError({name: ["Give this parameter once."] for name in repeated})
        count = self._stored_count(queryset, request)
        if count is None:
            self.django_paginator_class = Paginator
        else:
            self.django_paginator_class = functools.partial(_KnownCountPaginator, count=count)
        return super().paginate_queryset(queryset, request, view)

    def _stored_count(self, queryset, request):
        """The total of an unfiltered list of a counted model (``figures.COUNTED``) that the
        user sees whole, from the stored row count; None to count the rows.

        A COUNT(*) over the 300,000 incidents of 10,000 vendors costs more than the page
        itself; the stored counts are kept exact by database triggers.
        """
        model = getattr(queryset, "model", None)
        if model not in figures.COUNTED or set(request.query_params) - UNFILTERING_PARAMETERS:
            return None
        if not is_every_vendor(visible_vendors(request)):
            return None  # a part of the portfolio: count what it holds
        plus = None
        if model is Reminder:
            # The user's own digests belong to no vendor.
            plus = Reminder.objects.filter(vendor__isnull=True, recipient=request.user)
        return selectors.counted_rows(model, plus=plus)

    def get_page_number(self, request, paginator):
        """``?page=N``: 400 unless a whole number from 1; a page past the last is still a 404.

        DRF would answer 404 to ``page=-1`` or ``page=x`` as if it were a page that does not
        exist, and accept ``page=last``, which the schema does not promise.
        """
        raw = request.query_params.get(self.page_query_param, "")
        if raw == "":
            return 1
        if not re.fullmatch(r"0*[1-9][0-9]*", raw):
            raise ValidationError({self.page_query_param: ["Use a whole number from 1."]})
        digits = raw.lstrip("0")
        # Past any real page either way, and Python refuses int() of thousands of digits.
        return int(digits) if len(digits) <= 18 else 10**18

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,9}", raw) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Use a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            elif parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
