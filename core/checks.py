"""Deployment checks of Accord's own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Error, Tags, register

MISSING_SECRET_KEY = (
    "SECRET_KEY is not set in the environment. Set it, or set DEBUG=1 for local use."
)


def secret_key_problem() -> str | None:
    """Why this process must not serve, or None."""
    if settings.DEBUG or settings.SECRET_KEY_FROM_ENVIRONMENT:
        return None
    return MISSING_SECRET_KEY


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    problem = secret_key_problem()
    return [Error(problem, id="accord.E001")] if problem else []
