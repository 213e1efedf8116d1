"""Accord's URLs plus one trivial DRF endpoint, for the load benchmark's server only: its
requests/s are the ceiling the real endpoints are held to. Not in production URLs."""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler404  # noqa: F401 - the same JSON 404s under /api/
from config.urls import urlpatterns as accord_urlpatterns

ROWS = [{"id": n, "reference": f"P-2026-{n:04d}", "status": "in_review"} for n in range(20)]


class Trivial(APIView):
    """A DRF list of 20 fixed rows behind the same token authentication: no ORM, no policy."""

    def get(self, request):
        return Response(ROWS)


urlpatterns = [*accord_urlpatterns, path("bench/trivial/", Trivial.as_view())]
