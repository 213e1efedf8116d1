"""Pagination that counts the filtered rows alone, for lists whose page reads joined values.

The page of the proposal list reads ``values()`` across a join (the sponsor's name); counted
the same way, PostgreSQL would join every visible row only to count them. The count here is
taken from the filtered queryset before the join; the envelope, links and 404 are DRF's.
"""

from __future__ import annotations

from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class CountFirstPagination(PageNumberPagination):
    def paginate_values(self, queryset: QuerySet, request, fields: tuple[str, ...]) -> list[dict]:
        """The requested page of ``queryset.values(*fields)``; the total from ``queryset``."""
        self.request = request
        paginator = self.django_paginator_class(
            queryset.values(*fields), self.get_page_size(request)
        )
        paginator.count = queryset.order_by().count()  # set before the cached property runs
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            message = self.invalid_page_message.format(page_number=page_number, message=str(exc))
            raise NotFound(message) from exc
        return list(self.page)
