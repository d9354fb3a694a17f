"""REST API of job positions and their competency frameworks, scoped by the position's unit like
the positions pages (``positions:read``). The framework of a position is that of its approved job
description, or of the latest draft when none is approved yet (as the position's page shows it)."""
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from core.access import VIEW, unit_scope
from positions import services
from positions.models import JobDescription, JobPosition, RequiredCompetency

INT_MAX = 2**31 - 1
ORDERINGS = {"code": ("unit__path", "code", "id"), "-code": ("-code", "-id"),
             "title": ("title", "id"), "-title": ("-title", "-id")}


class PositionQuery(serializers.Serializer):
    unit = serializers.IntegerField(required=False, min_value=1, max_value=INT_MAX,
                                    help_text="A unit id: positions of its subtree")
    group = serializers.ChoiceField(required=False, choices=JobPosition.Group.values)
    closed = serializers.BooleanField(required=False, default=False,
                                      help_text="Include closed positions")
    ordering = serializers.ChoiceField(required=False, choices=list(ORDERINGS), default="code")


class RequirementSerializer(serializers.ModelSerializer):
    competency = serializers.CharField(source="competency.code")
    name = serializers.CharField(source="competency.name")
    group = serializers.CharField(source="competency.group")

    class Meta:
        model = RequiredCompetency
        fields = ["competency", "name", "group", "level"]


class FrameworkSerializer(serializers.ModelSerializer):
    requirements = RequirementSerializer(many=True)

    class Meta:
        model = JobDescription
        fields = ["version", "status", "approved_on", "objectives", "tasks", "outputs",
                  "qualifications", "requirements"]


class PositionSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    rank = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = JobPosition
        fields = ["id", "unit", "unit_name", "code", "title", "group", "rank", "posts",
                  "valid_from", "valid_to"]


class PositionDetailSerializer(PositionSerializer):
    framework = serializers.SerializerMethodField()

    class Meta(PositionSerializer.Meta):
        fields = [*PositionSerializer.Meta.fields, "framework"]

    @extend_schema_field(FrameworkSerializer(allow_null=True))
    def get_framework(self, position):
        description = (services.approved_description(position)
                       or services.latest_description(position))
        if description is None:
            return None
        description = JobDescription.objects.prefetch_related(Prefetch(
            "requirements",
            RequiredCompetency.objects.select_related("competency"))).get(pk=description.pk)
        return FrameworkSerializer(description).data


class PositionViewSet(viewsets.ReadOnlyModelViewSet):
    """Job positions of the caller's units, open ones unless ``closed=true``."""

    token_scope = "positions:read"
    lookup_value_regex = r"\d{1,10}"
    queryset = JobPosition.objects.none()  # for the schema; get_queryset scopes it
    serializer_class = PositionSerializer

    def get_serializer_class(self):
        return PositionDetailSerializer if self.action == "retrieve" else PositionSerializer

    def get_queryset(self):
        user = self.request.user
        if getattr(user, "is_candidate", False):
            raise PermissionDenied
        scope = unit_scope(user, VIEW)
        if not scope:
            raise PermissionDenied
        positions = scope.filter(JobPosition.objects.select_related("unit", "rank"), "unit")
        if self.action != "list":
            return positions
        query = PositionQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        if not data["closed"]:
            positions = positions.filter(valid_to__isnull=True)
        if "unit" in data:
            # A unit outside the caller's units lists nothing, like an unknown one.
            unit = scope.units().filter(pk=data["unit"]).first()
            positions = positions.filter(
                unit_id__in=scope.unit_ids(unit)) if unit else positions.none()
        if data.get("group"):
            positions = positions.filter(group=data["group"])
        return positions.order_by(*ORDERINGS[data["ordering"]])

    @extend_schema(parameters=[PositionQuery])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
