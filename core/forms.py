from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from core.access import UnitScope
from core.importing import ALLOWED_EXTENSIONS
from core.models import AccessRecord, Notification, OrgUnit, UnitChange, User
from core.roles import ROLES
from core.text import clean, unaccent


class DateField(forms.DateField):
    """A date typed the Vietnamese way (dd/mm/yyyy); ISO is accepted too."""

    widget = forms.DateInput(format="%d/%m/%Y",
                             attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"])
        super().__init__(**kwargs)


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices read once per form: Django's iterator runs the query again for each use
    (rendering, the ``required`` check) and, on PostgreSQL, through a server-side cursor (three
    round trips), which cost a page of the people list more than its own rows (issue 17)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.listed():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.listed()) + (self.field.empty_label is not None)


class UnitChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("— choose a unit —"))
        super().__init__(*args, **kwargs)

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self._listed = None  # a new queryset (each form sets the user's units) is read afresh

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def listed(self) -> list[OrgUnit]:
        if getattr(self, "_listed", None) is None:
            self._listed = list(self.queryset)
        return self._listed

    def label_from_instance(self, unit: OrgUnit) -> str:
        return f"{'— ' * unit.depth}{unit.name} ({unit.code})"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit: OrgUnit) -> str:
        return f"{'— ' * unit.depth}{unit.name} ({unit.code})"


def unit_choices(scope: UnitScope):
    """Open units inside ``scope``, in tree order: foreign-key dropdowns never offer more."""
    return scope.units().open().order_by("path")


class UnitForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    parent = UnitChoiceField(label=_("Parent unit"), queryset=OrgUnit.objects.none(),
                             required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgUnit.Kind.choices)
    sector = forms.ChoiceField(label=_("Sector"), choices=OrgUnit.Sector.choices)
    province_class = forms.ChoiceField(label=_("Province class"), required=False,
                                       choices=[("", "—"), *OrgUnit.ProvinceClass.choices])
    valid_from = DateField(label=_("Established on"), required=False)
    decision = forms.CharField(label=_("Establishing decision"), max_length=100, required=False)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, initial=0, required=False)

    def __init__(self, *args, scope: UnitScope, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        if editing:
            del self.fields["parent"]
        else:
            self.fields["parent"].queryset = unit_choices(scope)
            self.fields["parent"].required = not scope.everything

    def clean_code(self):
        return clean(self.cleaned_data["code"])

    def clean_name(self):
        return clean(self.cleaned_data["name"])

    def clean_sort_order(self):
        return self.cleaned_data.get("sort_order") or 0


class ReorganizeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of reorganisation"), widget=forms.RadioSelect, choices=[
        (UnitChange.Kind.MERGE, _("Merge several units into a new one")),
        (UnitChange.Kind.SPLIT, _("Split one unit into several")),
        (UnitChange.Kind.TRANSFER, _("Move a unit to another parent")),
    ])
    predecessors = UnitMultipleChoiceField(label=_("Units before"), queryset=OrgUnit.objects.none(),
                                           widget=forms.SelectMultiple(attrs={"size": 10}))
    parent = UnitChoiceField(label=_("Parent of the new units"), queryset=OrgUnit.objects.none(),
                             required=False)
    successors = forms.CharField(
        label=_("New units"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One unit per line: code | name. For a move, repeat the unit's code and name."),
    )
    effective_date = DateField(label=_("Effective date"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    decision_date = DateField(label=_("Decision date"), required=False)
    signer = forms.CharField(label=_("Signed by"), max_length=150, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}),
                           required=False)

    def __init__(self, *args, scope: UnitScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["predecessors"].queryset = unit_choices(scope)
        self.fields["parent"].queryset = unit_choices(scope)

    def clean_successors(self):
        lines = []
        for number, line in enumerate(self.cleaned_data["successors"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [clean(p) for p in line.split("|")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise forms.ValidationError(_("Line %(n)s must read: code | name.") % {"n": number})
            lines.append((parts[0], parts[1]))
        if not lines:
            raise forms.ValidationError(_("Enter at least one new unit."))
        return lines


class DissolveForm(forms.Form):
    effective_date = DateField(label=_("Effective date"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    decision_date = DateField(label=_("Decision date"), required=False)
    signer = forms.CharField(label=_("Signed by"), max_length=150, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}),
                           required=False)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet file (.xlsx)"))
    skip_invalid = forms.BooleanField(label=_("Import the good rows even if some rows are bad"),
                                      required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(ALLOWED_EXTENSIONS):
            raise forms.ValidationError(
                _("Upload an Excel file (.xlsx, .xls, .ods) or a .csv file."))
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)s MB.")
                                        % {"mb": settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)})
        return upload


class GrantForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    level = forms.ChoiceField(label=_("Access"),
                              choices=[("view", _("View")), ("manage", _("Manage"))])

    def __init__(self, *args, scope: UnitScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(scope)


class AccountActiveForm(forms.Form):
    """Enable ("1") or disable ("0") an account: the button of the access page."""

    active = forms.BooleanField(required=False)


class AccountForm(forms.Form):
    username = forms.CharField(label=_("Login name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[(r.code, r.label) for r in ROLES])
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=False))
    unit = UnitChoiceField(label=_("Unit (for unit roles)"), queryset=OrgUnit.objects.none(),
                           required=False)

    def __init__(self, *args, scope: UnitScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(scope)

    def clean_username(self):
        username = unaccent(self.cleaned_data["username"]).replace(" ", "")
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This login name is taken."))
        return username

    def clean(self):
        data = super().clean()
        if data.get("password"):
            user = User(username=data.get("username", ""), full_name=data.get("full_name", ""),
                        email=data.get("email", ""))
            try:
                password_validation.validate_password(data["password"], user)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data

    def group(self) -> Group:
        return Group.objects.get(name=self.cleaned_data["role"])


class NotificationReadForm(forms.Form):
    """Mark one of one's notifications read (``id``; none: all of them), ``open`` to go to it."""

    id = forms.ModelChoiceField(queryset=Notification.objects.none(), required=False)
    open = forms.BooleanField(required=False)

    def __init__(self, *args, recipient: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id"].queryset = Notification.objects.filter(recipient=recipient)


class LockoutClearForm(forms.Form):
    """The unlock button of the locked-logins page: the login name it clears."""

    username = forms.CharField(max_length=150)

    def clean_username(self):
        return self.cleaned_data["username"].strip()


class FilterForm(forms.Form):
    """Filters of a log page, every one optional: ``date_from`` ≤ ``date_to`` when both are
    declared and given, and :meth:`filters` as the selector's keyword arguments."""

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> dict:
        """The valid filters; a field in error is left out (and shown with its message)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class AccessRecordFilterForm(FilterForm):
    """The filters of the access records page (keyword arguments of
    ``core.selectors.access_records``)."""

    user = forms.CharField(label=_("Account"), required=False, max_length=150,
                           help_text=_("Login name or part of the full name"))
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("All")), *AccessRecord.Action.choices])
    date_from = DateField(label=_("From"), required=False)
    date_to = DateField(label=_("To"), required=False)
    person = forms.CharField(label=_("Person"), required=False, max_length=32,
                             help_text=_("Employee code, or the number in the address of the "
                                         "person's page"))
