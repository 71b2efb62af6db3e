"""JWT sign-in for phones (simplejwt), with its error answers described in the schema."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from api.errors import ErrorSerializer

BAD_INPUT = OpenApiResponse(ErrorSerializer, description="A field is missing or not text.")


class TokenView(TokenObtainPairView):
    @extend_schema(responses={
        200: TokenObtainPairSerializer, 400: BAD_INPUT,
        401: OpenApiResponse(ErrorSerializer, description="Wrong username or password, or an inactive account."),
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
