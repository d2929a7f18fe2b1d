"""The vendor's representatives."""

from governance import services
from governance.models import Contact
from governance.web.forms import ContactForm
from governance.web.views.base import section_view
from governance.web.views.editing import RecordFormView

CSV_HEADER = ["Name", "Role", "Email", "Phone", "Primary"]


def _csv_row(contact):
    return [contact.name, contact.role, contact.email, contact.phone, contact.is_primary]


contact_list = section_view(
    "contacts",
    "Contacts",
    lambda request, vendor: vendor.contacts.all(),
    csv=(CSV_HEADER, _csv_row),
)


class ContactFormView(RecordFormView):
    model = Contact
    form_class = ContactForm
    message = "{0.name} was saved."

    def save(self, form):
        return services.contact_save(form.instance)
