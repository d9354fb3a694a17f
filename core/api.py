"""REST API of the core app: the unit tree, with the same unit scope as the pages."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from core.access import unit_scope
from core.models import OrgUnit


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "short_name", "kind", "sector", "parent", "depth",
                  "valid_from", "valid_to"]


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("on", OpenApiTypes.DATE, description="The tree as of this date")]))
class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units the caller may see; ``?on=YYYY-MM-DD`` gives the tree as of that date."""

    serializer_class = OrgUnitSerializer
    token_scope = "units:read"
    lookup_value_regex = r"\d{1,10}"
    queryset = OrgUnit.objects.none()  # for the schema; get_queryset scopes it

    def get_queryset(self):
        user = self.request.user
        if getattr(user, "is_candidate", False):
            raise PermissionDenied
        units = unit_scope(user).units().select_related("parent").order_by("path")
        on = self.request.query_params.get("on")
        if on:
            from core.dates import parse_date

            try:
                units = units.active_on(parse_date(on).value)
            except ValueError:
                raise serializers.ValidationError({"on": "YYYY-MM-DD"}) from None
        return units
