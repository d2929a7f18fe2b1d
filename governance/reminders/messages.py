"""The email of a reminder: its kind's three templates, rendered for the recipient.

``templates/emails/<template>-subject.txt``, ``-body.txt`` and ``-body.html`` are rendered in
the recipient's time zone (their profile's), with a link back to the object and one to their
reminder preferences. Each kind builds its context (``kinds/``); delivery sends the message.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from governance import services
from governance.domain import zones
from governance.domain.text import one_line
from governance.reminders import registry

# The reminder preferences page (muted kinds, lead times, digest on/off).
PREFERENCES_PATH = "/account/preferences/"


def email(reminder, context, *, url):
    """The unsent email of ``reminder``: its kind's templates rendered with ``context`` for
    its recipient, in their zone; ``url`` is the object's page."""
    template = registry.get(reminder.kind).template
    contact = reminder.recipient_contact
    if contact is not None:
        # A vendor's contact: no account, so no preferences page, and times in the vendor's
        # zone; the link to our page is of no use to them.
        zone = zones.zone_or_utc(contact.vendor.time_zone)
        person = {"recipient": contact, "recipient_name": contact.name}
        preferences_url = ""
        url = ""
    else:
        user = reminder.recipient
        zone = zone_of(user)
        person = {"recipient": user, "recipient_name": user.get_full_name() or user.username}
        preferences_url = settings.SITE_URL + PREFERENCES_PATH
    context = {
        **context,
        **person,
        "reminder": reminder,
        "time_zone": zone.key,
        "object_url": url,
        "site_url": settings.SITE_URL,
        "preferences_url": preferences_url,
        "to_vendor_contact": contact is not None,
    }
    with timezone.override(zone):
        subject = render_to_string(f"emails/{template}-subject.txt", context)
        text = render_to_string(f"emails/{template}-body.txt", context)
        html = render_to_string(f"emails/{template}-body.html", context)
    message = EmailMultiAlternatives(
        # A line break in a subject is refused by Django (BadHeaderError) and a stored title
        # may still hold one, as may other control characters: one line, always.
        subject=one_line(subject),
        body=text.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.address],
        headers={
            # Stable per reminder: a resend after a crash is recognisable as the same message.
            "Message-ID": reminder.message_id,
            **({"List-Unsubscribe": f"<{preferences_url}>"} if preferences_url else {}),
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def url_of(obj):
    """The absolute address of ``obj``'s page."""
    return settings.SITE_URL + obj.get_absolute_url()


def profile_of(user):
    """The user's profile: the one read with the user (``select_related("profile")``, as
    delivery reads a reminder's recipient) without another query, else ``profile_for``."""
    try:
        return user.profile
    except ObjectDoesNotExist:
        return services.profile_for(user)


def zone_of(user):
    return zones.zone_or_utc(profile_of(user).time_zone)
