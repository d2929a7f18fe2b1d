"""What every form of the web UI and the portal shares: native date pickers, user and zone
pickers, and the domain's errors shown where a person looks for them.

Forms map fields and errors; they do not state rules. A ModelForm's ``is_valid()`` runs the
model's own validation (validators, ``clean()``, constraints), and ``save_with`` calls the
service that saves the record: whatever either refuses comes back as errors on the form.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models as db_models
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from governance.domain import access
from governance.domain.bounds import IdsChoiceField
from governance.models import time_zone_choices

DATE_FORMAT = "%Y-%m-%d"
DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATE_FORMAT)


class DateTimeLocalInput(forms.DateTimeInput):
    """``<input type=datetime-local>``: the value is in the user's time zone (see middleware)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_LOCAL_FORMAT)


class DomainErrors:
    """Form mixin: the domain's ValidationErrors shown on the form.

    They name model fields (or none, for a constraint of the whole record). Each message
    goes on the form field of the same name, or on the one ``error_fields`` names for it: a
    model field this form edits under another name, or a constraint of ``error_model`` (a
    ModelForm's own model by default) by its name. Any other message is a form error,
    prefixed with its field's name.
    """

    error_fields = {}
    error_model = None

    def save_with(self, save):
        """``save()`` (one service call) once the form is valid, and its result; None when
        the form is invalid or the service refused (the refusal is on the form, and the
        service's transaction rolled back: nothing changed)."""
        if not self.is_valid():
            return None
        try:
            return save()
        except ValidationError as error:
            self.add_error(None, error)
            return None

    def add_error(self, field, error):
        if field is not None or not isinstance(error, ValidationError):
            return super().add_error(field, error)
        by_field = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: [error]}
        placed = {}
        for name, messages in by_field.items():
            for message in messages:
                text = " ".join(message.messages)
                target = self._field_for(name, text)
                if target is None and name != NON_FIELD_ERRORS:
                    text = f"{self._label(name)}: {text}"
                target = target or NON_FIELD_ERRORS
                shown = [*(self._errors or {}).get(target, ()), *placed.get(target, ())]
                if text not in shown:
                    placed.setdefault(target, []).append(text)
        if placed:
            super().add_error(None, ValidationError(placed))

    def error_field(self, name):
        """The form field that shows the errors of model field (or constraint) ``name``."""
        return self.error_fields.get(name)

    def _field_for(self, name, text):
        if name in self.fields:
            return name
        if name != NON_FIELD_ERRORS:
            return self.error_field(name)
        model = self._model()
        for constraint in model._meta.constraints if model else ():
            target = self.error_field(constraint.name)
            if target and text == constraint.get_violation_error_message():
                return target
        return None

    def _model(self):
        meta = getattr(self, "_meta", None)
        return self.error_model or getattr(meta, "model", None)

    def _label(self, name):
        try:
            return capfirst(self._model()._meta.get_field(name).verbose_name)
        except (AttributeError, FieldDoesNotExist):
            return name.replace("_", " ").capitalize()


class UIForm(DomainErrors, forms.Form):
    """A form whose data a service saves (its errors shown by field)."""


def _ui_formfield(model_field, **kwargs):
    if isinstance(model_field, db_models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    field = model_field.formfield(**kwargs)
    if field is None:
        return None
    if isinstance(model_field, db_models.DateTimeField):
        field.widget = DateTimeLocalInput()
    elif isinstance(model_field, db_models.DateField):
        field.widget = DateInput()
    elif isinstance(model_field, db_models.TextField) and isinstance(field.widget, forms.Textarea):
        field.widget.attrs.update(rows=3)
    return field


class UIModelForm(DomainErrors, forms.ModelForm):
    """A ModelForm with native date pickers; never saved directly (views call services).

    ``vendor``: the vendor whose record this is (its contacts are the choices of some
    fields). ``also_validate``: fields of the record the view sets rather than the form,
    validated with the form's own so that a rule across both (one target per priority of a
    vendor) shows with every other error; the rest are left to the service, which may change
    them first (a new primary contact unmarks the old one). Subclasses declare
    ``class Meta(UIModelForm.Meta)``: Django reads the field callback from ``Meta`` only.
    """

    also_validate = ()

    class Meta:
        formfield_callback = staticmethod(_ui_formfield)

    def __init__(self, *args, vendor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.vendor = vendor

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() - set(self.also_validate)


def user_choices():
    return get_user_model().objects.order_by("username")


def internal_user_choices():
    """The organisation's users (not vendor representatives): owners, reviewers, attendees."""
    return access.internal_users().order_by("username")


def _person(user):
    return user.get_full_name() or user.username


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _person(obj)


class UsersChoiceField(IdsChoiceField):
    def label_from_instance(self, obj):
        return _person(obj)


class ContactsChoiceField(IdsChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.role})" if obj.role else obj.name


def typed_vendor_fields():
    """A list's vendor filter, as ``vendor_name, vendor = typed_vendor_fields()``: the name
    typed (a portfolio has thousands of vendors: no list of them all), or a vendor's id from
    a link (hidden; at most what a key column holds, a larger number being no vendor)."""
    name = forms.CharField(
        required=False,
        max_length=200,
        label="Vendor",
        widget=forms.TextInput(attrs={"placeholder": "Name contains"}),
    )
    key = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )
    return name, key


def by_typed_vendor(rows, filters):
    """``rows`` (with a ``vendor``) narrowed by the ``typed_vendor_fields`` in ``filters``."""
    if filters.get("vendor"):
        rows = rows.filter(vendor_id=filters["vendor"])
    if name := (filters.get("vendor_name") or "").strip():
        rows = rows.filter(vendor__name__icontains=name)
    return rows


class TimeZoneInput(forms.TextInput):
    """A box to type a time zone in, suggesting the names that match as one types (a
    ``<datalist>`` of every IANA name): searchable, unlike a select of 600 options."""

    list_id = "time-zone-names"

    def render(self, name, value, attrs=None, renderer=None):
        box = super().render(name, value, {**(attrs or {}), "list": self.list_id}, renderer)
        options = format_html_join(
            "", '<option value="{}"></option>', ((zone,) for zone, _ in time_zone_choices())
        )
        return box + format_html('<datalist id="{}">{}</datalist>', self.list_id, options)


class TimeZoneField(forms.CharField):
    """A time zone typed with suggestions; whether it is one is the model's rule to say."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "IANA name, e.g. Europe/Warsaw.")
        kwargs.setdefault(
            "widget", TimeZoneInput(attrs={"autocomplete": "off", "spellcheck": "false"})
        )
        super().__init__(**kwargs)
