"""Test data builders: realistic defaults, override only what a test is about."""

import datetime as dt

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from governance import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        """Most tests are about IT managers: a new test user is one unless ``role`` says.

        (A real account starts with the site's role for new users, a viewer by default;
        tests/access covers that.)
        """
        if not create:
            return
        role = extracted or models.Role.MANAGER
        if extracted or user.profile.role == settings.GOVERNANCE_NEW_USER_ROLE:
            models.UserProfile.objects.filter(user=user).update(role=role)
            user.profile.role = role


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Vendor

    name = factory.Sequence(lambda n: f"Vendor {n}")
    services = factory.LazyFunction(lambda: ["hosting"])
    tier = models.Vendor.Tier.HIGH
    status = models.Vendor.Status.ACTIVE
    owner = factory.SubFactory(UserFactory)
    time_zone = "Europe/Warsaw"
    country = "PL"
    contract_start = dt.date(2025, 1, 1)
    contract_end = dt.date(2027, 12, 31)
    review_cadence = models.Cadence.QUARTERLY


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Contact

    vendor = factory.SubFactory(VendorFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.LazyAttribute(lambda c: f"{c.name.replace(' ', '.').lower()}@vendor.test")
    role = "Account manager"


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Goal

    vendor = factory.SubFactory(VendorFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")
    metric = "First-call resolution"
    unit = "%"
    baseline = 60
    target_value = 80
    start_date = dt.date(2026, 1, 1)
    due_date = dt.date(2026, 12, 31)
    status = models.Goal.Status.ON_TRACK


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Review

    vendor = factory.SubFactory(VendorFactory)
    period_start = dt.date(2026, 1, 1)
    period_end = dt.date(2026, 3, 31)
    scheduled_for = dt.date(2026, 4, 15)
    status = models.Review.Status.SCHEDULED


def scored(review, score=4, criterion="quality"):
    """``review`` with ``criterion`` scored: a review is completed only with a score (and
    once its period has ended)."""
    models.ReviewScore.objects.create(review=review, criterion=criterion, score=score)
    return review


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Meeting

    vendor = factory.SubFactory(VendorFactory)
    title = "Weekly operations sync"
    kind = models.Meeting.Kind.OPERATIONAL
    starts_at = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    duration_minutes = 60
    time_zone = "Europe/Warsaw"
    recurrence = "FREQ=WEEKLY;BYDAY=MO"


class SLATargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SLATarget

    vendor = factory.SubFactory(VendorFactory)
    priority = "P1"
    response_minutes = 30
    resolution_minutes = 240


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Incident

    vendor = factory.SubFactory(VendorFactory)
    external_id = factory.Sequence(lambda n: f"INC-{n:05d}")
    title = "Service outage"
    priority = "P1"
    opened_at = factory.LazyFunction(timezone.now)


class ClauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SecurityClause

    vendor = factory.SubFactory(VendorFactory)
    clause_type = models.ClauseType.CONFIDENTIALITY
    requirement = "Both parties keep shared information confidential."
    status = models.SecurityClause.Status.AGREED
