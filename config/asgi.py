import os

from django.core.asgi import get_asgi_application
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

from core.checks import secret_key_problem  # noqa: E402 - needs the settings configured

if problem := secret_key_problem():
    raise ImproperlyConfigured(problem)
