"""REST API of the appraisal module, for the systems in which some units keep their tasks: the
period scores they send (``POST appraisal/scores/``, checked exactly as ``import_appraisal_scores``
checks a file, all or nothing) and the year's results (``GET appraisal/results/``, the document of
``appraisal_results``). The same unit scope as the pages: a caller writes only for the people of the
units they manage, reads only those appraised in the units they see; candidates are refused.
"""
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound, ParseError, PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from appraisal.importers import COLUMNS, PERCENT_FIELDS, AppraisalScoreImporter
from appraisal.results import as_document
from appraisal.rules import rule_set_for
from appraisal.selectors import results_for
from core.access import MANAGE, VIEW, unit_scope
from core.audit import audit_context, current_context
from core.importing import Row, parse_row
from core.models import AccessRecord, AuditEntry
from core.services.access_log import access_record

ROWS_MAX = 10_000  # a year of twelve months for more than 800 people; send more in several requests
YEAR_MIN, YEAR_MAX = 2020, 2100
FIELDS = [column.field for column in COLUMNS]
FIELD_OF_HEADER = {column.header: column.field for column in COLUMNS}


class SafeJSONParser(JSONParser):
    """JSON bodies only, within Django's body limit (DRF does not apply it to a JSON stream), and a
    400 rather than a crash for JSON nested past the decoder's depth."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        if settings.DATA_UPLOAD_MAX_MEMORY_SIZE and length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise ParseError(
                _("The request body is larger than %(limit)s bytes: send fewer rows per request.")
                % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The request body is not valid JSON.")) from None


def _refuse_candidates(user) -> None:
    if getattr(user, "is_candidate", False):
        raise PermissionDenied


class ApiScoreImporter(AppraisalScoreImporter):
    """The checks of the file import on rows sent as JSON. A person outside the caller's units
    reads exactly like one with no appraisal that year, so the answer never tells whether a code
    exists elsewhere."""

    def prepare(self, rows: list[Row]) -> None:
        super().prepare(rows)
        self.appraisals = {code: a for code, a in self.appraisals.items()
                           if self.scope.contains(a.work_unit)}

    def check(self, rows: list[Row]) -> None:
        known = []
        for row in rows:
            code = row.values.get("code")
            if code and code not in self.appraisals:
                row.error("Mã cán bộ", _("No appraisal of %(year)s for %(code)s in your units.")
                          % {"year": self.year, "code": code})
            else:
                known.append(row)
        super().check(known)


def _error(row: int, field: str, message: str) -> dict:
    return {"row": row, "field": field, "message": message}


def _body_errors(data) -> tuple[int | None, list, list[dict]]:
    """The year and the rows of a request body, or the errors that stop before any row is read."""
    if not isinstance(data, Mapping):
        return None, [], [_error(0, "", _("The request body must be a JSON object."))]
    year, rows, errors = data.get("year"), data.get("rows"), []
    if not isinstance(year, int) or isinstance(year, bool) or not YEAR_MIN <= year <= YEAR_MAX:
        errors.append(_error(0, "year",
                             _("The appraisal year: a whole number from %(min)s to %(max)s.")
                             % {"min": YEAR_MIN, "max": YEAR_MAX}))
    if not isinstance(rows, list) or not 1 <= len(rows) <= ROWS_MAX:
        errors.append(_error(0, "rows",
                             _("The rows: a list of 1 to %(max)s objects.") % {"max": ROWS_MAX}))
    return year, rows, errors


def _read_row(number: int, record) -> Row:
    """One JSON row as a row of the import: the same parsers, the same errors. A JSON number in a
    percent field is a percent (0.85 is 0.85 %), never the fraction of a percent-formatted sheet."""
    row = Row(number=number, values={}, raw={})
    if not isinstance(record, Mapping):
        row.error("", _("Each row must be a JSON object."))
        return row
    for key in sorted(set(record) - set(FIELDS), key=str):
        row.error(str(key)[:50],
                  _("Unknown field; the fields are: %(fields)s.") % {"fields": ", ".join(FIELDS)})
    wrong = set()
    for field in FIELDS:
        value = record.get(field)
        # JSON true is an int to Python: refused here, or it would be read as a score of 1.
        if isinstance(value, bool) or not isinstance(value, str | int | float | None):
            row.error(field,
                      _("A number or a text, not %(value)s.") % {"value": type(value).__name__})
            wrong.add(field)
        elif isinstance(value, float) and field in PERCENT_FIELDS:
            # A float goes through the same parser as a typed cell, by its shortest text (0.85, not
            # 0.8499…).
            value = repr(value)
        row.raw[field] = value
    parse_row(row, [column for column in COLUMNS if column.field not in wrong])
    return row


def scores_save(*, actor, scope, year: int, records: list) -> tuple[int, list[dict]]:
    """Validate every row as the import does, then write them all in one transaction, or nothing:
    (rows written, errors as row/field/message)."""
    importer = ApiScoreImporter(actor=actor, scope=scope, year=year)
    rows = [_read_row(number, record) for number, record in enumerate(records, start=1)]
    # Every row, bad cells and all, as Importer.validate does: one answer names every problem.
    importer.prepare(rows)
    importer.check(rows)
    errors = [_error(e["row"], FIELD_OF_HEADER.get(e["column"], e["column"]), e["message"])
              for row in rows for e in row.errors]
    if errors:
        return 0, errors
    try:
        with audit_context(source=AuditEntry.Source.API, batch=importer.batch,
                           request_id=current_context().request_id), transaction.atomic():
            counts = importer.write(rows)
    except ValidationError as exc:  # a rule a service enforces that the checks did not foresee
        return 0, [_error(0, "", _("Nothing was written: %(reason)s") % {"reason": message})
                   for message in exc.messages]
    return counts["created"] + counts["updated"], []


ScoreRow = inline_serializer("AppraisalScoreRow", {
    "code": serializers.CharField(),
    "period": serializers.CharField(help_text="T3, 3, Tháng 3, Quý II, Q2"),
    "task_group": serializers.CharField(required=False),
    "general": serializers.DecimalField(max_digits=5, decimal_places=2),
    **{name: serializers.DecimalField(max_digits=5, decimal_places=2,
                                      required=name not in ("organisation", "solidarity"))
       for name in PERCENT_FIELDS}})
ScoreError = inline_serializer("AppraisalScoreError", {
    "row": serializers.IntegerField(), "field": serializers.CharField(),
    "message": serializers.CharField()})


class PeriodScoreViewSet(viewsets.ViewSet):
    """Period scores of a year (ND 335/2025), for the people of the units the caller manages."""

    parser_classes = [SafeJSONParser]
    token_scope = "appraisal:write"

    def handle_exception(self, exc):
        # A body that is not JSON is refused in the shape of every other refusal (its schema's 400).
        if isinstance(exc, ParseError):
            return Response({"errors": [_error(0, "", str(exc.detail))]},
                            status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)

    @extend_schema(
        request=inline_serializer("AppraisalScores",
                                  {"year": serializers.IntegerField(),
                                   "rows": serializers.ListField(child=ScoreRow)}),
        responses={200: inline_serializer("AppraisalScoresWritten",
                                          {"written": serializers.IntegerField()}),
                   400: inline_serializer(
                       "AppraisalScoresRefused",
                       {"errors": serializers.ListField(child=ScoreError)})})
    def create(self, request):
        _refuse_candidates(request.user)
        scope = unit_scope(request.user, MANAGE)
        if not scope:
            raise PermissionDenied
        year, records, errors = _body_errors(request.data)
        written = 0
        if not errors:
            written, errors = scores_save(actor=request.user, scope=scope, year=year,
                                          records=records)
        if errors:
            return Response({"errors": sorted(errors, key=lambda e: e["row"])},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response({"written": written})


class YearQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX)
    unit = serializers.CharField(required=False, max_length=32)


class DocumentSchema(AutoSchema):
    """The ``list`` of this viewset answers one document, not an array of them."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class AppraisalResultViewSet(viewsets.ViewSet):
    """The results of a year as ``appraisal_results`` prints them, for the people appraised in the
    caller's units (under ``unit`` when given); a closed year's as they were decided."""

    token_scope = "appraisal:read"
    schema = DocumentSchema()

    @extend_schema(parameters=[OpenApiParameter("year", int, required=True),
                               OpenApiParameter("unit", str)],
                   responses={200: inline_serializer("AppraisalResults", {
                       "year": serializers.IntegerField(), "rule_set": serializers.CharField(),
                       "people": serializers.ListField(child=serializers.DictField())})})
    def list(self, request):
        _refuse_candidates(request.user)
        query = YearQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        year, code = query.validated_data["year"], query.validated_data.get("unit", "")
        scope = unit_scope(request.user, VIEW)
        unit = None
        if code:
            # A unit outside the caller's units reads like one that does not exist.
            unit = scope.units().filter(code=code).order_by("-valid_from").first()
            if unit is None:
                raise NotFound(_("No unit %(code)s in your units.") % {"code": code})
        computed = results_for(year, unit=unit, scope=scope)
        document = as_document(year, rule_set_for(year, "civil_servant").code, computed.results)
        if document["people"]:
            access_record(actor=request.user, action=AccessRecord.Action.API,
                          count=len(document["people"]), filters={"year": year, "unit": code},
                          request=request)
        return Response(document)

