"""API token authentication: ``Authorization: Token <key>``.

Built on django-rest-knox: the database keeps only a digest of each token, so a leaked
database does not leak working tokens; tokens expire, and deleting the row revokes one.
This module is imported by DRF's settings, so it must not import DRF views.
"""

import binascii
from hmac import compare_digest

from knox import auth as knox_auth
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions


class TokenAuthentication(knox_auth.TokenAuthentication):
    """Knox's token check; a key that is not even text is just an invalid token (401).

    The token's user comes with their profile in the same query: every API request checks
    the user's role (``governance.domain.access``), which then costs nothing more.
    """

    def authenticate_credentials(self, token):
        try:
            text = token.decode("utf-8")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed("Invalid token.") from error
        candidates = (
            get_token_model()
            .objects.filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user", "user__profile")
        )
        for auth_token in candidates:
            # Knox's own steps, in its order: drop expired tokens, compare digests in
            # constant time, refresh when configured, refuse inactive users.
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(text)
            except (TypeError, binascii.Error) as error:
                raise exceptions.AuthenticationFailed("Invalid token.") from error
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed("Invalid token.")
