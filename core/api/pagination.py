"""Pagination that counts the filtered rows alone, for lists whose page reads joined values,
and keeps the rendered pages in the ``lists`` cache when the caller gives a key.

The page of the proposal list reads ``values()`` across a join (the sponsor's name); counted
the same way, PostgreSQL would join every visible row only to count them. The count here is
taken from the filtered queryset before the join; the envelope, links and 404 are DRF's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import caches
from django.core.paginator import InvalidPage, Page
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

CACHE = "lists"
# A page bigger than this (in characters of its values) is not kept: the cache is bounded by
# entries, and a few pages of long descriptions should not hold megabytes per process.
MAX_CACHED_CHARS = 256 * 1024


class CountFirstPagination(PageNumberPagination):
    def paginate_values(
        self,
        query: Callable[[], QuerySet],
        request,
        fields: tuple[str, ...],
        render: Callable[[list[dict]], list[dict]],
        cache_key: str | None = None,
    ) -> list[dict]:
        """The requested page of ``query().values(*fields)``, rendered by ``render``; the
        total from ``query()``.

        With ``cache_key`` (which must change whenever anything the rows depend on does),
        the count and the rendered page are kept in the ``lists`` cache under that key, the
        page size and the requested page, and on a hit the query is not even built. A page
        that does not exist, or a very large one, is never kept.
        """
        self.request = request
        size = self.get_page_size(request)
        requested = request.query_params.get(self.page_query_param) or "1"
        if requested.isascii() and requested.isdigit():
            requested = requested.lstrip("0") or "0"  # "01" is page 1: one entry, not two
        key = None
        if cache_key is not None:
            digest = hashlib.sha256(f"{size}:{requested}".encode()).hexdigest()[:32]
            key = f"{cache_key}:{digest}"
            hit = caches[CACHE].get(key)
            if hit is not None:
                count, number, rows = hit
                paginator = self.django_paginator_class((), size)
                paginator.count = count
                self.page = Page(rows, number, paginator)
                return rows
        queryset = query()
        paginator = self.django_paginator_class(queryset.values(*fields), size)
        paginator.count = queryset.order_by().count()  # set before the cached property runs
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            message = self.invalid_page_message.format(page_number=page_number, message=str(exc))
            raise NotFound(message) from exc
        rows = render(list(self.page))
        if key is not None and _size(rows) <= MAX_CACHED_CHARS:
            caches[CACHE].set(key, (paginator.count, self.page.number, rows))
        return rows


def _size(rows: list[dict]) -> int:
    return sum(len(str(value)) for row in rows for value in row.values())
