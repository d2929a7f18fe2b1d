"""Forms of the web UI and the portal, one module per area: they map fields and errors; the
rules are the domain's (``forms.base``), and saving goes through the services."""

from governance.web.forms.account import PreferencesForm
from governance.web.forms.base import (
    DateInput,
    DateTimeLocalInput,
    DomainErrors,
    TimeZoneField,
    UIForm,
    UIModelForm,
)
from governance.web.forms.clauses import ClauseForm
from governance.web.forms.goals import CheckInForm, GoalForm
from governance.web.forms.incidents import IncidentForm, ResolveForm, SLATargetForm
from governance.web.forms.meetings import MeetingForm
from governance.web.forms.reviews import (
    ActionItemFormSet,
    DisputeAnswerForm,
    ReviewForm,
    action_items_from,
    action_items_initial,
)
from governance.web.forms.vendors import ContactForm, VendorFilterForm, VendorForm

__all__ = [
    "ActionItemFormSet",
    "CheckInForm",
    "ClauseForm",
    "ContactForm",
    "DateInput",
    "DateTimeLocalInput",
    "DisputeAnswerForm",
    "DomainErrors",
    "GoalForm",
    "IncidentForm",
    "MeetingForm",
    "PreferencesForm",
    "ResolveForm",
    "ReviewForm",
    "SLATargetForm",
    "TimeZoneField",
    "UIForm",
    "UIModelForm",
    "VendorFilterForm",
    "VendorForm",
    "action_items_from",
    "action_items_initial",
]
