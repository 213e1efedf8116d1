"""Settings of the load benchmark's server only (``bench/load.py``): Accord's own, with
``bench/_load_urls.py`` as the URLconf. Never used in production: the benchmark starts gunicorn
with ``DJANGO_SETTINGS_MODULE=bench._load_settings``."""

from config.settings import *  # noqa: F403 - the benchmark serves Accord as configured

ROOT_URLCONF = "bench._load_urls"
