import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from core.checks import secret_key_problem  # noqa: E402 - needs the settings configured

if problem := secret_key_problem():
    raise ImproperlyConfigured(problem)
