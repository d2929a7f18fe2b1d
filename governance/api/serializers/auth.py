"""Tokens and users."""

from django.contrib.auth import authenticate, get_user_model
from rest_framework import serializers


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)

    def validate(self, attrs):
        request = self.context.get("request")
        # The Django request, not DRF's wrapper: django-axes flags a locked-out attempt on it.
        http_request = getattr(request, "_request", request)
        user = authenticate(
            request=http_request,
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:
            raise serializers.ValidationError(
                "Unable to log in with the provided credentials.", code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(
        allow_null=True, help_text="When the token stops working (null: never)."
    )


class TokensRevokedSerializer(serializers.Serializer):
    revoked = serializers.IntegerField(min_value=0, help_text="How many tokens stopped working.")


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["id", "username", "first_name", "last_name", "email"]
        read_only_fields = fields
