"""Profit sharing and yen stress endpoints (docs/waterfall.md, docs/ledger.md)."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from core.api.base import PolicyAPIView, anyone_signed_in, error_responses
from core.api.schema import DATE_OR_EMPTY
from core.errors import Invalid
from financing import rules, selectors, services
from financing.api.ledger import parse_as_of
from financing.api.pending import PendingOut, pending_answer
from financing.models import Approval
from financing.permissions import can_read_exposure
from projects.api.base import ProposalAPIView

MONEY = {"max_digits": 20, "decimal_places": 2}
# Up to 10 shocks, each 0 <= s < 100 (rules.parse_shocks), as the schema states them.
SHOCKS_PATTERN = r"^\d{1,2}(?:\.\d{1,4})?(?:,\d{1,2}(?:\.\d{1,4})?){0,9}$"


class DistributionIn(serializers.Serializer):
    amount = serializers.DecimalField(
        **MONEY, min_value=Decimal("0.01"), help_text="Cash distributed, in `currency`."
    )
    currency = serializers.ChoiceField(choices=["USD", "JPY"])
    date = serializers.DateField(help_text="The day the cash was distributed.")


class DistributionOut(serializers.Serializer):
    """One distribution and its split (the recorded answer, plus what identifies it)."""

    id = serializers.IntegerField()
    date = serializers.DateField()
    amount = serializers.DecimalField(**MONEY)
    currency = serializers.CharField()
    usd_per_unit = serializers.DecimalField(max_digits=20, decimal_places=10, allow_null=True)
    amount_usd = serializers.DecimalField(**MONEY)
    japan = serializers.DecimalField(**MONEY)
    us = serializers.DecimalField(**MONEY)
    japan_investment = serializers.DecimalField(**MONEY, help_text="J at the date")
    japan_recovered = serializers.DecimalField(**MONEY, help_text="R before this one")
    phase = serializers.ChoiceField(choices=list(rules.PHASES))
    reverses = serializers.IntegerField(source="reverses_id", allow_null=True)


class InvestmentOut(serializers.Serializer):
    gross = serializers.DecimalField(**MONEY)
    returned = serializers.DecimalField(**MONEY)
    net = serializers.DecimalField(**MONEY)


class RecoveryOut(serializers.Serializer):
    """A project's recovery position today and its distributions in waterfall order."""

    as_of = serializers.DateField()
    complete = serializers.BooleanField(
        help_text="False when a JPY amount of Japan's investment has no rate to convert at."
    )
    japan_investment = serializers.DecimalField(**MONEY, help_text="J: net of what returned")
    investment = InvestmentOut(help_text="J as gross put in, returned to Japan, and net.")
    japan_recovered = serializers.DecimalField(**MONEY)
    us_received = serializers.DecimalField(**MONEY)
    remaining = serializers.DecimalField(**MONEY, help_text="What Japan lacks to recover J")
    phase = serializers.ChoiceField(choices=[rules.PRE_RECOVERY, rules.POST_RECOVERY])
    distributions = DistributionOut(many=True)


class DistributionListView(ProposalAPIView):
    """A project's recovery position and distributions; staff record a distribution."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = RecoveryOut

    @extend_schema(
        operation_id="distributions_list", responses={200: RecoveryOut, **error_responses(404)}
    )
    def get(self, request, pk):
        position = selectors.recovery_position(user=request.user, proposal=self.get_proposal())
        return Response(RecoveryOut(position).data)

    @extend_schema(
        request=DistributionIn,
        responses={201: DistributionOut, 202: PendingOut, **error_responses(400, 404, 409)},
    )
    def post(self, request, pk):
        distribution = services.distribution_record(
            user=request.user, proposal_id=pk, body=self.body(DistributionIn)
        )
        if isinstance(distribution, Approval):
            return pending_answer(distribution)
        return Response(DistributionOut(distribution).data, status=status.HTTP_201_CREATED)


class StressFiguresOut(serializers.Serializer):
    exposure_usd = serializers.DecimalField(**MONEY)
    committed_usd = serializers.DecimalField(**MONEY)
    undrawn_usd = serializers.DecimalField(
        **MONEY, help_text="The program's (JBIC and NEXI) undrawn USD-denominated commitments."
    )
    yen_cost = serializers.DecimalField(
        max_digits=30,
        decimal_places=0,
        allow_null=True,
        help_text="The yen needed to fund undrawn_usd at this rate, in whole yen (null: no rate).",
    )


@extend_schema_field(OpenApiTypes.NUMBER)
class ShockField(serializers.Field):
    """A shock as the contract writes it: ``10``, or ``12.5`` when it has a fraction."""

    def to_representation(self, value):
        return int(value) if value == value.to_integral_value() else float(value)


class ShockOut(StressFiguresOut):
    shock = ShockField()


class StressOut(serializers.Serializer):
    as_of = serializers.DateField()
    complete = serializers.BooleanField()
    base = StressFiguresOut()
    shocks = ShockOut(many=True)


def parse_shocks(text: str | None) -> list:
    try:
        return rules.parse_shocks(text if text is not None else "10,20,30")
    except ValueError as error:
        raise Invalid(str(error), detail={"shocks": [str(error)]}) from None


class ExposureStressView(PolicyAPIView):
    """The program's USD exposure and commitments with the yen weakened by each shock."""

    policy = staticmethod(can_read_exposure)
    serializer_class = StressOut

    @extend_schema(
        operation_id="exposure_stress",
        parameters=[
            OpenApiParameter("as_of", DATE_OR_EMPTY, description="Default (or empty): today"),
            OpenApiParameter(
                "shocks",
                {"type": "string", "pattern": SHOCKS_PATTERN},
                description="Yen depreciation shocks in percent, comma-separated, each "
                "0 ≤ s < 100, at most 10. Default: 10,20,30",
            ),
        ],
        responses={200: StressOut, **error_responses(400)},
    )
    def get(self, request):
        as_of = parse_as_of(request.query_params.get("as_of")) or selectors.today()
        shocks = parse_shocks(request.query_params.get("shocks"))
        return Response(
            StressOut(selectors.exposure_stress(user=request.user, as_of=as_of, shocks=shocks)).data
        )
