"""JWT sign-in for phones (simplejwt), with its error answers described in the schema, throttled
by account and by address, and a logout that kills the refresh token."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework_simplejwt.serializers import (
    TokenBlacklistSerializer,
    TokenObtainPairSerializer,
    TokenRefreshSerializer,
)
from rest_framework_simplejwt.views import TokenBlacklistView, TokenObtainPairView, TokenRefreshView

from api import throttles
from api.errors import ErrorSerializer, ValidationErrorSerializer

BAD_INPUT = OpenApiResponse(ValidationErrorSerializer, description="A field is missing or not text.")
# The same words whether or not the account exists, so the answer tells a guesser nothing.
TOO_MANY = _("Too many sign-in attempts for this account or from this address.")


class TokenView(TokenObtainPairView):
    throttle_classes = throttles.SIGN_IN

    def throttled(self, request, wait):
        raise exceptions.Throttled(wait, detail=str(TOO_MANY))  # DRF joins it to its own words: text, not lazy

    @extend_schema(responses={
        200: TokenObtainPairSerializer, 400: BAD_INPUT,
        401: OpenApiResponse(ErrorSerializer, description="Wrong username or password, or an inactive account."),
        429: OpenApiResponse(ErrorSerializer, description=(
            "Too many attempts for this account or from this address; `Retry-After` gives the seconds to wait.")),
    })
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class TokenRefreshingView(TokenRefreshView):
    @extend_schema(responses={
        200: TokenRefreshSerializer, 400: BAD_INPUT,
        401: OpenApiResponse(ErrorSerializer, description="The refresh token is invalid, expired or already used."),
    })
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class LogoutView(TokenBlacklistView):
    """Sign a phone or browser out: its refresh token can never be used again. The access token
    it holds runs out on its own within minutes. Needs no access token, since it may have expired."""

    @extend_schema(request=TokenBlacklistSerializer, responses={
        204: OpenApiResponse(description="Signed out: the refresh token is dead."), 400: BAD_INPUT,
        401: OpenApiResponse(ErrorSerializer, description="The refresh token is invalid, expired or already dead."),
    })
    def post(self, request, *args, **kwargs):
        super().post(request, *args, **kwargs)
        return Response(status=status.HTTP_204_NO_CONTENT)
