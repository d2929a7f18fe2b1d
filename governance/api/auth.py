"""API token authentication: ``Authorization: Token <key>``.

Built on django-rest-knox: the database keeps only a digest of each token, so a leaked
database does not leak working tokens; tokens expire, and deleting the row revokes one.
This module is imported by DRF's settings, so it must not import DRF views.
"""

from knox import auth as knox_auth
from rest_framework import exceptions


class TokenAuthentication(knox_auth.TokenAuthentication):
    """Knox's token check; a key that is not even text is just an invalid token (401)."""

    def authenticate_credentials(self, token):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed("Invalid token.") from error
        return super().authenticate_credentials(token)
