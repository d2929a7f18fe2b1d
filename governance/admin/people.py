"""Users, with their profile inline: role, the vendor of a representative, preferences."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from governance import services
from governance.admin.base import AdministratorsOnly, Writes
from governance.models import Role, UserProfile, time_zone_choices


class UserProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="UTC")

    class Meta:
        model = UserProfile
        fields = [
            "role",
            "vendor",
            "time_zone",
            "digest_enabled",
            "digest_weekday",
            "digest_hour",
            "security_contact",
            "muted_kinds",
            "lead_times",
        ]
        help_texts = {
            "role": "Administrators manage everything and use this admin (with staff status); "
            "managers edit the vendors they own or are assigned to and read the rest; viewers "
            "read; auditors read, with the change history; vendor representatives use only "
            "the vendor portal of their vendor.",
            "vendor": "For a vendor representative only: the vendor they represent.",
        }


class UserProfileInline(AdministratorsOnly, admin.StackedInline):
    model = UserProfile
    form = UserProfileForm
    autocomplete_fields = ["vendor"]
    can_delete = False
    max_num = 1
    verbose_name_plural = "profile"

    def save_row(self, request, profile):
        # The role through its service: a user who owns vendors keeps a role that may own
        # them, and one that cannot manage vendors leaves their assignments; the other
        # preferences are saved with it.
        services.profile_role_set(profile, role=profile.role, vendor=profile.vendor)


User = get_user_model()
admin.site.unregister(User)

# Roles decide what a user may do (governance.domain.access): Django's groups and per-model
# permissions mean nothing here, so the user form does not offer them.
_NOT_OFFERED = {"groups", "user_permissions"}


@admin.register(User)
class UserAdmin(AdministratorsOnly, DjangoUserAdmin):
    inlines = [UserProfileInline]
    fieldsets = [
        (name, {**options, "fields": [f for f in options["fields"] if f not in _NOT_OFFERED]})
        for name, options in DjangoUserAdmin.fieldsets
    ]
    list_display = [*DjangoUserAdmin.list_display, "role"]
    list_select_related = ["profile"]
    list_filter = ["is_staff", "is_superuser", "is_active", "profile__role"]
    # A new account gets its profile as it is created (services.profile_create).
    writes = Writes(services.validated_save, services.record_delete)

    @admin.display(description="Role", ordering="profile__role")
    def role(self, user):
        if user.is_superuser:
            return Role.ADMINISTRATOR.label
        profile = getattr(user, "profile", None)
        return profile.get_role_display() if profile else Role.NONE.label

    def get_inlines(self, request, obj):
        # The role is changed on the second page, as Django's two-step user form has it.
        return self.inlines if obj is not None else []
