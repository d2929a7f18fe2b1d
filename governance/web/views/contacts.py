"""The vendor's representatives."""

from copy import copy

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from governance import services
from governance.models import Contact
from governance.web.forms import ContactForm
from governance.web.views.base import (
    editable_vendor_for,
    internal_view,
    save_valid,
    section_page,
    vendor_for,
)

CSV_HEADER = ["Name", "Role", "Email", "Phone", "Primary"]


def _csv_row(contact):
    return [contact.name, contact.role, contact.email, contact.phone, contact.is_primary]


@internal_view
def contact_list(request, pk):
    vendor = vendor_for(request, pk)
    return section_page(
        request,
        vendor,
        section="contacts",
        title="Contacts",
        items=vendor.contacts.all(),
        template="governance/vendors/_contacts_table.html",
        csv=(CSV_HEADER, _csv_row),
    )


def _form_view(request, vendor, instance, shown):
    form = ContactForm(request.POST or None, instance=instance)
    contact = save_valid(request, form, lambda: services.contact_save(form.instance))
    if contact:
        messages.success(request, f"{contact.name} was saved.")
        return redirect(vendor.get_absolute_url() + "#contacts")
    return render(
        request, "governance/contacts/form.html", {"vendor": vendor, "form": form, "contact": shown}
    )


@internal_view
def contact_create(request, pk):
    vendor = editable_vendor_for(request, pk)
    return _form_view(request, vendor, Contact(vendor=vendor), None)


@internal_view
def contact_edit(request, pk, contact_pk):
    vendor = editable_vendor_for(request, pk)
    contact = get_object_or_404(vendor.contacts, pk=contact_pk)
    return _form_view(request, vendor, copy(contact), contact)
