"""The API's role checks; the rules themselves live in ``governance.domain.access``."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from governance.domain import access


class RolePermission(BasePermission):
    """Internal users read; administrators and managers write, object by object.

    Vendor representatives are refused every operation (403): they use the vendor portal.
    Writes to an object are allowed when its vendor is editable by the user
    (``access.can_edit``); a new object's vendor is checked by the view once it is known.
    """

    message = "Your role does not allow this."

    def has_permission(self, request, view):
        user = request.user
        if not access.is_internal(user):
            if user and user.is_authenticated:
                self.message = "Vendor representatives use the vendor portal, not the API."
            return False
        if request.method in SAFE_METHODS:
            return True
        if not access.can_write(user):
            self.message = "Your role (read only) does not allow changes."
            return False
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        if not access.can_edit(request.user, obj):
            self.message = "You may read this vendor's records but not change them."
            return False
        return True


class IsInternalUser(BasePermission):
    """Any internal role, reading or writing its own things (e.g. revoking its own tokens)."""

    message = "Vendor representatives use the vendor portal, not the API."

    def has_permission(self, request, view):
        return access.is_internal(request.user)


class AdministratorsWrite(BasePermission):
    """Internal users read; only administrators change (site-wide settings such as the
    required clause set)."""

    message = "Only administrators change this."

    def has_permission(self, request, view):
        user = request.user
        if not access.is_internal(user):
            self.message = "Vendor representatives use the vendor portal, not the API."
            return False
        return request.method in SAFE_METHODS or access.is_administrator(user)


class HistoryPermission(BasePermission):
    """The change history: administrators, managers and auditors."""

    message = "Your role does not include the change history."

    def has_permission(self, request, view):
        return access.can_view_history(request.user)
