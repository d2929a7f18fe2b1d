"""Adding and editing a record through its form: one view for every kind of record."""

from copy import copy

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django.views.decorators.http import require_POST

from governance.web.pages import act
from governance.web.views.base import internal_view, vendor_record


class RecordFormView(View):
    """Add a record of a vendor (the URL names none) or edit the one it names.

    GET shows the form; a valid POST saves it with ``save(form)``, one service call, and
    redirects with a message. Whatever the form or the service refuses is shown on the form,
    and nothing is saved. The form edits a copy, so the page keeps showing the record as
    stored. By its ``kind`` (the model's name unless given), a record is the vendor's
    ``<kind>s``, its id the URL's ``<kind>_pk`` (``routes.record_paths``), its form page
    ``governance/<kind>s/form.html``, where it is ``<kind>`` (None when adding).
    """

    model = None
    kind = None
    form_class = None
    section = None  # the section of the vendor's page it is listed in (default: <kind>s)
    detail_view = None  # the record's page to go to once saved (default: that section)
    message = "{0} was {1}."  # formatted with the record saved and what was done: a verb
    verbs = ("added", "saved")
    http_method_names = ["get", "post"]

    @classmethod
    def as_view(cls, **initkwargs):
        return internal_view(super().as_view(**initkwargs))

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.kind = self.kind or self.model._meta.model_name
        self.section = self.section or f"{self.kind}s"

    def get(self, request, *args, **kwargs):
        refusal = self.prepare()
        if refusal is not None:
            return refusal
        form = self.get_form()
        if request.method == "POST" and self.forms_valid(form):
            saved = form.save_with(lambda: self.save(form))
            if saved is not None:
                messages.success(request, self.success_message(saved))
                return redirect(self.success_url(saved))
        return render(request, f"governance/{self.kind}s/form.html", self.context(form))

    post = get

    def prepare(self):
        """Find the vendor and the record; a response to give instead of the form, or None."""
        record_pk = self.kwargs.get(f"{self.kind}_pk")
        self.vendor, self.record = vendor_record(
            self.request, self.kwargs["pk"], f"{self.kind}s", record_pk, edit=True
        )
        return None

    @property
    def adding(self):
        return self.record is None

    def new_record(self):
        return self.model(vendor=self.vendor)

    def form_kwargs(self):
        return {
            "instance": self.new_record() if self.adding else copy(self.record),
            "vendor": self.vendor,
        }

    def get_form(self):
        return self.form_class(
            self.request.POST or None, self.request.FILES or None, **self.form_kwargs()
        )

    def forms_valid(self, form):
        return form.is_valid()

    def save(self, form):
        """Save ``form``'s record with its service (one call); returns the saved record."""
        raise NotImplementedError

    def success_message(self, saved):
        return self.message.format(saved, self.verbs[0] if self.adding else self.verbs[1])

    def success_url(self, saved):
        if self.detail_view:
            return reverse(self.detail_view, args=[self.vendor.pk, saved.pk])
        return f"{self.vendor.get_absolute_url()}#{self.section}"

    def context(self, form):
        return {"vendor": self.vendor, "form": form, self.kind: self.record, **self.extra_context()}

    def extra_context(self):
        return {}


def record_action(kind, use_case, success, next_page):
    """The view of a button on one record of a vendor (POST, for those who may change it):
    runs ``use_case(record)`` (``pages.act``: ``success(record, result)`` is the message)
    and returns to ``next_page(vendor, record)``. The URL names the record ``<kind>_pk``."""

    @require_POST
    @internal_view
    def view(request, pk, **kwargs):
        vendor, record = vendor_record(request, pk, f"{kind}s", kwargs[f"{kind}_pk"], edit=True)
        act(request, lambda: use_case(record), lambda result: success(record, result))
        return redirect(next_page(vendor, record))

    return view
