"""Ledger endpoints (docs/ledger.md): instruments, transactions, FX rates and exposure."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from core.api.base import PolicyAPIView, anyone_signed_in, error_responses
from core.api.schema import DATE_OR_EMPTY
from core.errors import Invalid
from financing import permissions, selectors, services
from financing.api.pending import PendingOut, pending_answer
from financing.api.serializers_ledger import (
    ExposureOut,
    FxRateIn,
    FxRateOut,
    InstrumentIn,
    InstrumentOut,
    TransactionIn,
    TransactionOut,
)
from financing.models import Approval
from projects.api.base import ProposalAPIView


class InstrumentListView(ProposalAPIView):
    """A project's instruments with their figures; secretariat staff commit one."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = InstrumentOut
    pagination_class = None

    def _rows(self, proposal):
        return selectors.instruments_for(self.request.user, proposal).select_related(
            "proposal", "committed_by"
        )

    @extend_schema(responses={200: InstrumentOut(many=True), **error_responses(404)})
    def get(self, request, pk):
        return Response(InstrumentOut(self._rows(self.get_proposal()), many=True).data)

    @extend_schema(
        request=InstrumentIn, responses={201: InstrumentOut, **error_responses(400, 404, 409)}
    )
    def post(self, request, pk):
        instrument = services.instrument_commit(
            user=request.user, proposal_id=pk, body=self.body(InstrumentIn)
        )
        row = self._rows(instrument.proposal).get(pk=instrument.pk)
        return Response(InstrumentOut(row).data, status=status.HTTP_201_CREATED)


class TransactionListView(PolicyAPIView):
    """An instrument's transactions by value date; secretariat staff record one."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = TransactionOut
    pagination_class = None

    @extend_schema(responses={200: TransactionOut(many=True), **error_responses(404)})
    def get(self, request, instrument_id):
        rows = selectors.transactions_for(request.user, instrument_id).select_related("instrument")
        return Response(TransactionOut(rows, many=True).data)

    @extend_schema(
        request=TransactionIn,
        responses={201: TransactionOut, 202: PendingOut, **error_responses(400, 404, 409)},
    )
    def post(self, request, instrument_id):
        row = services.transaction_record(
            user=request.user, instrument_id=instrument_id, body=self.body(TransactionIn)
        )
        if isinstance(row, Approval):
            return pending_answer(row)
        return Response(TransactionOut(row).data, status=status.HTTP_201_CREATED)


class FxRateListView(PolicyAPIView):
    """JPY rates by date, latest first (staff and the committee); staff enter a rate."""

    policy = staticmethod(permissions.can_read_fx_rates)
    serializer_class = FxRateOut

    def get_queryset(self):
        return selectors.fx_rates_list()

    # 404: a page past the last one.
    @extend_schema(responses={200: FxRateOut(many=True), **error_responses(404)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(FxRateOut(page, many=True).data)

    @extend_schema(request=FxRateIn, responses={201: FxRateOut, **error_responses(400)})
    def post(self, request):
        row = services.fx_rate_set(user=request.user, body=self.body(FxRateIn))
        return Response(FxRateOut(row).data, status=status.HTTP_201_CREATED)


def parse_as_of(value: str | None) -> dt.date | None:
    """The ``as_of`` query parameter as a date (absent: None, i.e. today); 400 if malformed."""
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        message = _("Give as_of as a date, YYYY-MM-DD.")
        raise Invalid(message, detail={"as_of": [message]}) from None


class ExposureView(PolicyAPIView):
    """The program's exposure as of a day, in USD, with totals and the program limits."""

    policy = staticmethod(permissions.can_read_exposure)
    serializer_class = ExposureOut

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as_of",
                DATE_OR_EMPTY,
                description="The day (default, or empty: today in ACCORD_BUSINESS_TZ).",
            )
        ],
        responses={200: ExposureOut, **error_responses(400)},
    )
    def get(self, request):
        as_of = parse_as_of(request.query_params.get("as_of"))
        # Already plain JSON values (decimal strings): rendering 100,000 rows through a
        # serializer would cost more than computing them.
        return Response(selectors.exposure_report(request.user, as_of))
