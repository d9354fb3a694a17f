"""REST API of the people's records: the people list (the page's filters, through
``servant_list`` and its field policy, so the same rows and the same redaction as the page) and
one person's record "as of" a date (the assignments and salary rows valid that day, the career
events up to it). The same unit scope as the pages: outside the caller's units a person does not
exist (404).
"""
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from core.access import MANAGE, VIEW, unit_scope
from core.models import AccessRecord
from core.services.access_log import access_record
from personnel.forms import ServantFilterForm
from personnel.models import Assignment, CareerEvent, CivilServant, SalaryRecord, Sex
from personnel.privacy import FieldPolicy, redacted
from personnel.selectors import AGE_BANDS, servant_list
from positions.models import Category

INT_MAX = 2**31 - 1
ORDERINGS = {"name": ("sort_key", "id"), "-name": ("-sort_key", "-id"), "code": ("code", "id"),
             "-code": ("-code", "-id")}
STATUSES = ["all", *CivilServant.Status.values]


class PeopleQuery(serializers.Serializer):
    """The people page's filters (ServantFilterForm), typed for the schema."""

    q = serializers.CharField(required=False, max_length=100,
                              help_text="Name, code (ID number for its managers)")
    unit = serializers.IntegerField(required=False, min_value=1, max_value=INT_MAX,
                                    help_text="A unit id: people of its subtree")
    category = serializers.ChoiceField(required=False, choices=Category.values)
    rank = serializers.CharField(required=False, max_length=32)
    age_band = serializers.ChoiceField(required=False, choices=list(AGE_BANDS))
    leadership = serializers.ChoiceField(required=False,
                                         choices=["leader", "head", "deputy", "staff"])
    sex = serializers.ChoiceField(required=False, choices=Sex.values)
    status = serializers.ChoiceField(required=False, choices=STATUSES, help_text="Default: active")
    on = serializers.DateField(required=False,
                               help_text="As of this date (who was in the units then)")
    ordering = serializers.ChoiceField(required=False, choices=list(ORDERINGS), default="name")


def _refuse_candidates(user) -> None:
    if getattr(user, "is_candidate", False):
        raise PermissionDenied


class PersonRowSerializer(serializers.Serializer):
    """One row of the list, as the field policy lets the caller read it (redacted instances)."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    full_name = serializers.CharField()
    sex = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    category = serializers.CharField()
    status = serializers.CharField()
    unit = serializers.SerializerMethodField()
    title = serializers.CharField()
    leadership = serializers.CharField()
    rank = serializers.SerializerMethodField()
    national_id = serializers.CharField(
        help_text="Masked unless the caller manages the person's unit")
    phone = serializers.CharField()
    email = serializers.CharField()
    on_date = serializers.SerializerMethodField()

    @extend_schema_field({"type": "object", "nullable": True, "properties": {
        "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"}}})
    def get_unit(self, servant):
        if not servant.unit_id:
            return None
        return {"id": servant.unit_id, "code": servant.unit.code, "name": servant.unit.name}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_rank(self, servant):
        return servant.rank.code if servant.rank_id else None

    @extend_schema_field({"type": "object", "nullable": True, "properties": {
        "unit": {"type": "string", "nullable": True},
        "unit_code": {"type": "string", "nullable": True},
        "title": {"type": "string", "nullable": True}}})
    def get_on_date(self, servant):
        if not hasattr(servant, "unit_on_date"):
            return None
        return {"unit": servant.unit_on_date, "unit_code": servant.unit_code_on_date or None,
                "title": servant.title_on_date or None}

    def to_representation(self, servant):
        data = super().to_representation(servant)
        for name in ("title", "leadership", "national_id", "phone", "email", "sex", "category",
                     "status"):
            data[name] = data[name] or ""
        return data


class AssignmentSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    job_position = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Assignment
        fields = ["id", "unit", "unit_name", "job_position", "title", "leadership", "kind",
                  "start_date", "end_date", "event"]


class SalarySerializer(serializers.ModelSerializer):
    rank = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = SalaryRecord
        fields = ["id", "rank", "step", "coefficient", "excess_seniority_percent", "start_date",
                  "end_date", "kind", "event"]


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareerEvent
        fields = ["id", "kind", "effective_date", "decision_number", "decision_date", "signer",
                  "summary", "corrects"]


class PersonSerializer(PersonRowSerializer):
    other_names = serializers.CharField()
    place_of_birth = serializers.CharField()
    home_town = serializers.CharField()
    ethnicity = serializers.CharField()
    recruitment_date = serializers.DateField(allow_null=True)
    salary_step = serializers.IntegerField(allow_null=True)
    salary_coefficient = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    qualification = serializers.CharField()
    permanent_address = serializers.CharField()
    current_address = serializers.CharField()
    social_insurance_number = serializers.CharField()
    sensitive_shown = serializers.BooleanField(
        help_text="Whether the sensitive fields are given in full")
    as_of = serializers.DateField()
    assignments = AssignmentSerializer(many=True, source="api_assignments",
                                       help_text="Valid on the date asked")
    salary = SalarySerializer(many=True, source="api_salary",
                              help_text="Salary rows valid on the date asked")
    events = EventSerializer(many=True, source="api_events",
                             help_text="Career events up to the date asked, newest first")


class OnQuery(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="As of this date; default today")


class PersonViewSet(viewsets.GenericViewSet):
    """People of the caller's units (``people:read``)."""

    token_scope = "people:read"
    lookup_value_regex = r"\d{1,10}"
    serializer_class = PersonRowSerializer
    queryset = CivilServant.objects.none()

    def _scope(self):
        _refuse_candidates(self.request.user)
        scope = unit_scope(self.request.user, VIEW)
        if not scope:
            raise PermissionDenied
        return scope

    @extend_schema(parameters=[PeopleQuery], responses=PersonRowSerializer(many=True))
    def list(self, request):
        scope = self._scope()
        query = PeopleQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = {k: (v.isoformat() if hasattr(v, "isoformat") else str(v))
                for k, v in query.validated_data.items() if k != "ordering"}
        form = ServantFilterForm(data, scope=scope)
        if not form.is_valid():
            raise ValidationError(form.errors)
        filters = form.filters()
        policy = FieldPolicy.of(request.user)
        people = servant_list(scope=scope, filters=filters, policy=policy)
        people = people.order_by(*ORDERINGS[query.validated_data["ordering"]])
        # The page's plan (core.paging), as the people page reads it: ids first, then the rows.
        self.capped_plan = True
        self.capped_ordered = (scope.everything and filters.unit is None
                               and query.validated_data["ordering"] == "name")  # the name index
        page = self.paginate_queryset(people)
        if filters.q or page:
            action = AccessRecord.Action.SEARCH if filters.q else AccessRecord.Action.LIST
            access_record(actor=request.user, action=action, subjects=page,
                          filters=filters.as_record(), count=self.paginator.count, request=request)
        return self.get_paginated_response(PersonRowSerializer(page, many=True).data)

    @extend_schema(parameters=[OnQuery], responses=PersonSerializer)
    def retrieve(self, request, pk=None):
        scope = self._scope()
        query = OnQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        on = query.validated_data.get("on") or timezone.localdate()
        try:
            servant = scope.filter(CivilServant.objects.select_related("unit", "rank"),
                                   "unit").get(pk=int(pk))
        except (CivilServant.DoesNotExist, ValueError, OverflowError):
            raise NotFound from None
        policy = FieldPolicy(scope, unit_scope(request.user, MANAGE))
        show_private = policy.shows_private(servant.unit)
        access_record(actor=request.user, action=AccessRecord.Action.API, subjects=[servant],
                      sensitive=show_private, request=request)
        shown = servant if show_private else redacted(servant)
        valid = {"start_date__lte": on}
        shown.sensitive_shown, shown.as_of = show_private, on
        shown.api_assignments = list(servant.assignments.filter(**valid).exclude(end_date__lt=on)
                                     .select_related("unit", "job_position")
                                     .order_by("start_date", "id"))
        shown.api_salary = list(servant.salary_records.filter(**valid).exclude(end_date__lt=on)
                            .select_related("rank").order_by("start_date", "id"))
        events = servant.events.filter(effective_date__lte=on)
        shown.api_events = list(events.order_by("-effective_date", "-id"))
        return Response(PersonSerializer(shown).data)


