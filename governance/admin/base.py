"""What every model admin shares: administrators only, every write through a service, and
forms that survive the ids a hostile request sends."""

import operator
from collections.abc import Callable
from typing import NamedTuple

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.text import capfirst

from governance.domain import access
from governance.domain.bounds import IdsChoiceField, key_in_range

EMPTY = "-"


class RecordErrorsShown:
    """ModelForm mixin: a rule of the record that names a field this form does not edit (a
    read-only one, say the instance an occurrence names) is shown as an error of the whole
    form, with that field's name, instead of failing the request."""

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            shown = {}
            for name, messages in error.error_dict.items():
                if name == NON_FIELD_ERRORS or name in self.fields:
                    shown[name] = messages
                else:
                    label = capfirst(name.replace("_", " "))
                    shown.setdefault(NON_FIELD_ERRORS, []).extend(
                        ValidationError(f"{label}: {message}") for message in _texts(messages)
                    )
            error = ValidationError(shown)
        return super().add_error(field, error)


def _texts(messages):
    return [text for message in messages for text in ValidationError(message).messages]


def refusal_message(error):
    """A ``ValidationError`` a service raised, as one line for an admin message."""
    return " ".join(error.messages)


# --- who may use the admin -----------------------------------------------------------------


def _administrators_only(request):
    """The admin is for administrators (governance.domain.access): staff status alone, as a
    manager might have, is not enough."""
    return access.can_use_admin(request.user)


admin.site.has_permission = _administrators_only


# --- ids as a hostile form sends them ------------------------------------------------------


class _SubmittedIdsTolerated:
    """An autocomplete widget that shows a form with an unusable id ("abc", 2**63) again.

    Django's widget looks the submitted values up as they are to show them selected, so a
    form sent back with its "Select a valid choice" error raised ValueError (SQLite:
    OverflowError) instead: a 500. Such a value is shown unselected; the form says why.
    """

    def optgroups(self, name, value, attr=None):
        try:
            return super().optgroups(name, value, attr)
        except (ValueError, TypeError, OverflowError):
            return super().optgroups(name, [], attr)


class _TolerantAutocompleteSelect(_SubmittedIdsTolerated, AutocompleteSelect):
    pass


class _TolerantAutocompleteSelectMultiple(_SubmittedIdsTolerated, AutocompleteSelectMultiple):
    pass


class TolerantAutocomplete:
    """Every autocomplete field of a model admin or inline with ``_SubmittedIdsTolerated``,
    and every many-to-many field an ``IdsChoiceField``."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = _TolerantAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", IdsChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = _TolerantAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class SelectedIdsChecked:
    """Actions run on the selected rows whose ids are ids of the model.

    Django filters the changelist by the selected ids as posted: an id that is no number
    ("abc", "1.5") or past what a key holds was a 500 instead of "no items selected".
    """

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        usable = [value for value in selected if _is_id(self.model, value)]
        if usable != selected:
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, usable)
        return super().response_action(request, queryset)


def _is_id(model, value):
    try:
        return key_in_range(model, int(value))
    except ValueError:
        return False


# --- the model admins' common ground -------------------------------------------------------


class Writes(NamedTuple):
    """The services that save and delete an admin's rows (functions of governance.services)."""

    save: Callable | None = None
    delete: Callable | None = None


class AdministratorsOnly(SelectedIdsChecked, TolerantAutocomplete):
    """Model admins and inlines follow the roles, and write through the services.

    Django's per-model permissions are not used: roles are the one source of what a user
    may do (governance.domain.access), and only administrators get this far.

    Each admin names the services that write its rows (``writes``). Its form only maps
    fields: the rules are the model's, which the form's validation runs (``full_clean``),
    and the services'. Without a delete service, nothing is deleted here.
    """

    writes = Writes()

    def has_module_permission(self, request):
        return access.can_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return access.can_use_admin(request.user)

    def has_add_permission(self, request, *args):
        return access.can_use_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return access.can_use_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return self.writes.delete is not None and access.can_use_admin(request.user)

    # Writes: every row through its service.

    def save_row(self, request, obj):
        """Save ``obj``, a row of this admin or inline, through its service."""
        self.writes.save(obj)

    def save_model(self, request, obj, form, change):
        self.save_row(request, obj)

    def delete_model(self, request, obj):
        self.writes.delete(obj)

    def delete_queryset(self, request, queryset):
        self.write_each(request, queryset, self.writes.delete)

    def save_related(self, request, form, formsets, change):
        # No form.save_m2m(): a model admin whose form has many-to-many fields saves them
        # through its service in save_model.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        inline = next(
            inline
            for inline in self.get_inline_instances(request, form.instance)
            if inline.model is formset.model
        )
        saved = formset.save(commit=False)
        # Deleted rows first: a row added in their place may take their unique values.
        for obj in formset.deleted_objects:
            inline.writes.delete(obj)
        for obj in saved:
            inline.save_row(request, obj)

    def write_each(self, request, rows, write):
        """Apply the service ``write`` to each row; a row it refuses is a warning naming the
        row and why. Returns how many rows it wrote."""
        written = 0
        for row in rows:
            try:
                write(row)
            except ValidationError as error:
                self.message_user(request, f"{row}: {refusal_message(error)}", messages.WARNING)
            else:
                written += 1
        return written

    # A write the services refuse: why, on a page, not a 500.

    def refuse(self, request, error, url):
        """Say why the services refused (``error``) and go to ``url``."""
        self.message_user(request, refusal_message(error), messages.ERROR)
        return HttpResponseRedirect(url)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form checked the fields; the services may still refuse the write (a rule
        # across records, a concurrent change). Django's transaction has rolled it back by
        # the time the error arrives here: say why on the same page instead of a 500.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            if request.method != "POST":
                raise
            return self.refuse(request, error, request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            if request.method != "POST":
                raise
            return self.refuse(request, error, self.change_url(object_id))

    def change_url(self, object_id):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])


class CompactInline(AdministratorsOnly, admin.TabularInline):
    """Inline rows that stay one line high (scores, action items, check-ins); the text box
    is resizable."""

    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 60})}
    }
    extra = 0


def vendor_column(path):
    """A list column showing the vendor a row belongs to through ``path`` (e.g.
    "meeting__vendor"), sorted by the vendor's name."""

    @admin.display(description="Vendor", ordering=f"{path}__name")
    def vendor(model_admin, obj):
        return operator.attrgetter(path.replace("__", "."))(obj)

    return vendor
