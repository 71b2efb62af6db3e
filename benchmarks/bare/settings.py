"""Settings of the bare endpoint: the service's database, secret key and JWT, nothing else."""


from backend.settings import DATABASES as SERVICE_DATABASES
from backend.settings import SECRET_KEY, SIMPLE_JWT  # noqa: F401  (the same tokens are accepted)

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "benchmarks.bare"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "benchmarks.bare.urls"
DATABASES = {"default": {**SERVICE_DATABASES["default"]}}
USE_TZ = True
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTStatelessUserAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
