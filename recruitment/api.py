"""REST API of recruitment rounds and their published results (``recruitment:read``), for those
who run recruitment: the rounds ``visible_rounds`` gives the recruitment pages (provincial HR, the
managers of the recruiting unit, the round's exam board). Results are given once published, as
``recruitment_results --json`` prints them (recruitment.selectors.results_document)."""
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from core.models import AccessRecord
from core.services.access_log import access_record
from recruitment import selectors
from recruitment.models import RecruitmentRound

ORDERINGS = {"-announced_on": ("-announced_on", "code"), "announced_on": ("announced_on", "code"),
             "code": ("code",)}


class RoundQuery(serializers.Serializer):
    status = serializers.ChoiceField(required=False, choices=RecruitmentRound.Status.values)
    ordering = serializers.ChoiceField(
        required=False, choices=list(ORDERINGS), default="-announced_on"
    )


class RoundSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = RecruitmentRound
        fields = [
            "id", "code", "name", "kind", "method", "agency", "announced_on",
            "applications_close_on", "round1_completed_on", "round2_form", "status",
            "results_published_on",
        ]


Candidate = inline_serializer(
    "RecruitmentResultCandidate",
    {
        "number": serializers.CharField(allow_null=True),
        "name": serializers.CharField(),
        "position": serializers.CharField(),
        "round1_passed": serializers.BooleanField(),
        "professional_score": serializers.FloatField(allow_null=True),
        "priority_points": serializers.FloatField(allow_null=True),
        "total": serializers.FloatField(allow_null=True),
        "rank": serializers.IntegerField(allow_null=True),
        "result": serializers.CharField(),
    },
)


class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    """Recruitment rounds the caller runs."""

    token_scope = "recruitment:read"
    lookup_value_regex = r"\d{1,10}"
    queryset = RecruitmentRound.objects.none()  # for the schema; get_queryset scopes it
    serializer_class = RoundSerializer

    def get_queryset(self):
        user = self.request.user
        if not selectors.may_run_recruitment(user):
            raise PermissionDenied
        rounds = selectors.visible_rounds(user).select_related("agency")
        if self.action != "list":
            return rounds
        query = RoundQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        if query.validated_data.get("status"):
            rounds = rounds.filter(status=query.validated_data["status"])
        return rounds.order_by(*ORDERINGS[query.validated_data["ordering"]])

    @extend_schema(parameters=[RoundQuery])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=inline_serializer("RecruitmentResults", {
        "round": serializers.CharField(), "rule_set": serializers.CharField(),
        "candidates": serializers.ListField(child=Candidate)}))
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        round_ = self.get_object()
        if round_.results_published_on is None:
            raise NotFound("The results of this round are not published yet.")
        document = selectors.results_document(
            selectors.round_results(round_, on=round_.results_published_on)
        )
        access_record(
            actor=request.user, action=AccessRecord.Action.API, count=len(document["candidates"]),
            filters={"round": round_.code}, request=request,
        )
        return Response(document)
