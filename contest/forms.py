"""Forms of the contest core (Flask-WTF: every POST carries its CSRF token)."""

from __future__ import annotations

import math
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import TextInput

from contest.categories import SUBJECT_KINDS
from contest.form_messages import FORM_MESSAGES
from contest.lifecycles import ROLE_LABELS, Role, UnitKind
from contest.models import Contest
from contest.platform.passwords import RULE_TEXT, password_problem
from contest.platform.text import vietnamese_key, without_control_characters
from contest.platform.web import MAX_ID
from contest.services.accounts import normalise_phone


class Form(FlaskForm):
    """Every form of the app: Flask-WTF's CSRF, WTForms' own messages in Vietnamese, and no
    control character in any field's text."""

    class Meta:
        def get_translations(self, form):
            return FORM_MESSAGES

        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, FieldList | FormField):
                return unbound_field.bind(form=form, **options)  # their fields are filtered
            filters = [without_control_characters, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, filters=filters, **options)


REQUIRED = _l("Trường này là bắt buộc.")
# Beyond any real count of entries, judges or points: numbers past it are typing slips or
# probes, refused beside the field instead of reaching the database.
LARGEST_COUNT = 100_000


# Digits with one decimal comma or point: Python's float() also reads "2_5" as 25, "1e3",
# "nan" and "inf", none of which a person types as a mark.
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def finite_float(text: str) -> float:
    """A number as typed (a comma is a decimal point): digits only, at most one decimal mark."""
    if not PLAIN_NUMBER.fullmatch(text.strip()):
        raise ValueError(text)
    value = float(text.strip().replace(",", "."))
    if not math.isfinite(value) or abs(value) > LARGEST_COUNT:
        raise ValueError(text)
    return value


class Finite:
    """A FloatField's number must be an ordinary one: NaN passes NumberRange, this does not."""

    def __call__(self, form, field) -> None:
        if field.data is not None and not (
            math.isfinite(field.data) and abs(field.data) <= LARGEST_COUNT
        ):
            raise ValidationError(_l("Cần nhập một số thông thường."))


NOT_A_NUMBER = _l("Cần nhập một số (dấu phẩy hay dấu chấm thập phân đều được).")


class DecimalField(FloatField):
    """A number typed the Vietnamese way or the English one ("2,5" or "2.5") in a text box
    with the phone's decimal keyboard: a number box in Chromium turns "2,5" into 25."""

    widget = TextInput()

    def __init__(self, *args, render_kw: dict | None = None, **kwargs) -> None:
        super().__init__(*args, render_kw={"inputmode": "decimal", **(render_kw or {})}, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = finite_float(valuelist[0])
        except ValueError as error:
            self.data = None
            raise ValueError(
                _l("Cần nhập một số (dấu phẩy hay dấu chấm thập phân đều được).")
            ) from error


class LoginForm(Form):
    login = StringField(_l("Thư điện tử hoặc số điện thoại"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Đăng nhập"))


CHOSEN = NumberRange(min=1, message=_l("Hãy chọn một mục trong danh sách."))


class VietnamesePhone:
    """A Vietnamese number: 10 digits from 0 (mobile) or 11 (landline), +84 accepted."""

    def __call__(self, form, field) -> None:
        digits = normalise_phone(field.data or "")
        if not (digits.startswith("0") and len(digits) in (10, 11) and digits.isdigit()):
            raise ValidationError(
                _l(
                    "Số điện thoại không hợp lệ: cần 10 chữ số (di động) hoặc 11 (cố định), "
                    "như 0912 345 678."
                )
            )


class PasswordRule:
    """The password rule as a form error beside the field; `logins` name the form's own
    e-mail and phone fields (forms for an existing account leave the check of its logins to
    the service)."""

    def __init__(self, *logins: str) -> None:
        self.logins = logins

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        logins = [form[name].data or "" for name in self.logins]
        problem = password_problem(field.data, logins)
        if problem:
            raise ValidationError(problem)


def new_password_fields(*logins: str):
    """A new password, its rule said up front, and the same typed again."""
    password = PasswordField(
        _l("Mật khẩu"),
        description=RULE_TEXT,
        validators=[
            DataRequired(REQUIRED),
            PasswordRule(*logins),
        ],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu"),
        validators=[EqualTo("password", message=_l("Hai mật khẩu không khớp."))],
    )
    return password, confirm


class RegisterForm(Form):
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField(
        _l("Thư điện tử"),
        description=_l("Không bắt buộc; cần để nhận thư báo và lấy lại mật khẩu."),
        validators=[Optional(), Length(max=200), Email(message=_l("Thư điện tử không hợp lệ."))],
    )
    phone = StringField(
        _l("Số điện thoại"),
        validators=[DataRequired(REQUIRED), Length(max=20), VietnamesePhone()],
    )
    unit_id = SelectField(_l("Đơn vị (nơi công tác hoặc cư trú)"), coerce=int, validators=[CHOSEN])
    address = StringField(_l("Địa chỉ"), validators=[DataRequired(REQUIRED), Length(max=300)])
    password, confirm = new_password_fields("email", "phone")
    submit = SubmitField(_l("Đăng ký"))


class ChangeUnitForm(Form):
    unit_id = SelectField(_l("Đơn vị mới"), coerce=int, validators=[CHOSEN])
    submit = SubmitField(_l("Đổi đơn vị"))


class ForgotPasswordForm(Form):
    login = StringField(_l("Thư điện tử hoặc số điện thoại"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Gửi liên kết đặt lại mật khẩu"))


class SetPasswordForm(Form):
    """A new password from a reset or invitation link; the rule is checked again in the
    service against the account's own logins."""

    password, confirm = new_password_fields()
    submit = SubmitField(_l("Đặt mật khẩu"))


class ChangePasswordForm(Form):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(REQUIRED)])
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Đổi mật khẩu"))


# Where an entrant's unit is listed: districts with their communes and villages under the
# district's name, then the province's departments and organisations, then enterprises.
LOCAL_KINDS = (UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.VILLAGE)
UNIT_GROUPS = {
    UnitKind.PROVINCE: _l("Cấp tỉnh"),
    UnitKind.DEPARTMENT: _l("Sở, ban, ngành, đoàn thể"),
    UnitKind.OFFICE: _l("Sở, ban, ngành, đoàn thể"),
    UnitKind.ENTERPRISE: _l("Doanh nghiệp"),
}


def grouped_unit_choices(units) -> list[SelectChoice]:
    """The units as grouped options, none chosen until the entrant picks one (value 0)."""

    def group(unit) -> tuple[int, str]:
        if unit.kind in LOCAL_KINDS:
            district = next(
                (u for u in [unit, *unit.ancestors()] if u.kind == UnitKind.DISTRICT), unit
            )
            return 2, district.name
        order = {UnitKind.PROVINCE: 0, UnitKind.DEPARTMENT: 1, UnitKind.OFFICE: 1}.get(unit.kind, 3)
        return order, str(UNIT_GROUPS.get(unit.kind, UNIT_GROUPS[UnitKind.ENTERPRISE]))

    # The id parts two units of one name in a group (villages named alike across communes).
    ranked = sorted(
        (group(u), u.kind != UnitKind.DISTRICT, vietnamese_key(u.name), u.id, u) for u in units
    )
    return [SelectChoice(0, _l("— Chọn đơn vị —"))] + [
        SelectChoice(u.id, u.name, optgroup=label) for (_, label), _d, _k, _id, u in ranked
    ]


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 wants them."""
    return [SelectChoice(value, label) for value, label in pairs]


def kind_choices() -> list[SelectChoice]:
    """Left unchosen, the kind is the category's (a 2.x field is a person's): no silent
    default of "Tập thể"."""
    return choices([("", _l("— Theo lĩnh vực đã chọn —")), *SUBJECT_KINDS.items()])


def category_choices(contest: Contest) -> list[SelectChoice]:
    return choices((code, f"{code} – {name}") for code, name in contest.category_names.items())


# A typed essay longer than any contest allows; the request's form may be larger still
# (MAX_FORM_MEMORY_SIZE), so the text comes back in the form with this message, not lost.
MAX_TYPED_CHARACTERS = 200_000


class EntryForm(Form):
    # The entry's version when the form was opened (see Entry.version).
    version = HiddenField(validators=[Optional()])
    title = StringField(_l("Tên bài viết"), validators=[DataRequired(REQUIRED), Length(max=300)])
    subject_profile_id = SelectField(
        _l("Viết về gương điển hình đã có hồ sơ"), coerce=int, validators=[Optional()]
    )
    subject_name = StringField(
        _l("Hoặc: tên người / tập thể được viết về"), validators=[Length(max=200)]
    )
    subject_address = StringField(_l("Địa chỉ của người / tập thể"), validators=[Length(max=300)])
    subject_kind = SelectField(_l("Loại đối tượng"), choices=kind_choices)
    subject_category = SelectField(_l("Lĩnh vực"))
    body = TextAreaField(
        _l("Nội dung bài viết (gõ hoặc dán)"),
        validators=[
            Length(
                max=MAX_TYPED_CHARACTERS,
                message=_l(
                    "Bài gõ dài quá %(max)d ký tự: hãy rút gọn, hoặc tải bài lên dưới dạng tệp."
                ),
            )
        ],
    )
    file = FileField(_l("Hoặc tải tệp lên (.docx, .doc, .odt, .rtf, .pdf, .txt; tối đa 10 MB)"))
    declarations = BooleanField(_l("Tôi xin cam kết các điều trên"))
    save = SubmitField(_l("Lưu nháp"))
    submit_now = SubmitField(_l("Lưu và nộp bài"))

    def __init__(self, contest: Contest, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.subject_category.choices = category_choices(contest)


class PaperEntryForm(EntryForm):
    """An entry collected on paper or by e-mail, entered by the unit organiser."""

    author_name = StringField(_l("Họ và tên tác giả"), validators=[DataRequired(REQUIRED)])
    author_phone = StringField(_l("Số điện thoại tác giả"), validators=[Optional()])
    author_email = EmailField(_l("Thư điện tử tác giả"), validators=[Optional()])
    author_unit_id = SelectField(_l("Đơn vị của tác giả"), coerce=int)


class ReasonForm(Form):
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired(_l("Cần ghi rõ lý do."))])
    submit = SubmitField(_l("Xác nhận"))


class ConfirmForm(Form):
    """A bare POST with its CSRF token."""

    submit = SubmitField(_l("Xác nhận"))


class RowIdField(IntegerField):
    """An id a page posts: missing, not a number or beyond any row's id reads as 0 (no row),
    never a database error."""

    def process_formdata(self, valuelist) -> None:
        raw = (valuelist[0] if valuelist else "").strip()
        value = int(raw) if raw.isascii() and raw.isdigit() else 0
        self.data = value if value <= MAX_ID else 0


class WholeNumberField(StringField):
    """A count typed in a form: digits only ("1e20", "3.5" or nothing read as None, which
    the service refuses with its message)."""

    def process_formdata(self, valuelist) -> None:
        raw = (valuelist[0] if valuelist else "").strip()
        value = int(raw) if raw.isascii() and raw.isdigit() else None
        self.data = value if value is not None and value <= MAX_ID else None


class IdListField(Field):
    """The ids ticked on a page (several inputs of one name, drawn by the page itself, so
    never by `hidden_tag`): None when one is not an id."""

    def process_formdata(self, valuelist) -> None:
        ok = all(v.isascii() and v.isdigit() and int(v) <= MAX_ID for v in valuelist)
        self.data = [int(v) for v in valuelist] if ok else None


class PostedAction(Form):
    """Which of a page's several forms was posted (its hidden `action` field); only read,
    never validated: the chosen form validates itself, CSRF token included."""

    action = HiddenField()


class MarkForm(ConfirmForm):
    """Tick or untick one row for forwarding."""

    marked = HiddenField()
    page = WholeNumberField()  # the list's page to come back to


class MarkManyForm(MarkForm):
    """Tick or untick the rows whose boxes are ticked on a round page."""

    entry_id = IdListField()


class SwitchForm(ConfirmForm):
    """Switch something on ("1") or off."""

    active = HiddenField()


class SubmitEntryForm(ConfirmForm):
    declarations = BooleanField()


class LanguageForm(ConfirmForm):
    next = HiddenField()  # the page to go back to (local paths only, see auth._safe_next)


class QuotaForm(ConfirmForm):
    round_id = RowIdField()
    quota = WholeNumberField()
    profile_quota = WholeNumberField()


class ProfileForm(Form):
    name = StringField(_l("Tên tập thể / cá nhân"), validators=[DataRequired(REQUIRED)])
    kind = SelectField(_l("Loại"), choices=kind_choices)
    category = SelectField(_l("Lĩnh vực"))
    address = StringField(_l("Địa chỉ"))
    position = StringField(_l("Chức vụ hoặc nghề nghiệp"))
    achievements = TextAreaField(_l("Thành tích"), validators=[DataRequired(REQUIRED)])
    commendations = TextAreaField(_l("Khen thưởng đã nhận"))
    photo = FileField(_l("Ảnh (JPEG hoặc PNG)"))
    submit = SubmitField(_l("Lưu hồ sơ"))

    def __init__(self, contest: Contest, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = category_choices(contest)


STAFF_ROLES = {role: label for role, label in ROLE_LABELS.items() if role != Role.ENTRANT}


class AccountEditForm(Form):
    """An organiser corrects the account of a unit organiser, a judge or the board."""

    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField(
        _l("Thư điện tử"),
        validators=[Optional(), Length(max=200), Email(message=_l("Thư điện tử không hợp lệ."))],
    )
    phone = StringField(_l("Số điện thoại"), validators=[Optional(), Length(max=20)])
    role = SelectField(
        _l("Vai trò"), choices=lambda: choices((k.value, str(v)) for k, v in STAFF_ROLES.items())
    )
    unit_id = SelectField(_l("Đơn vị"), coerce=int)
    submit = SubmitField(_l("Lưu"))


class AccountForm(AccountEditForm):
    """An organiser creates the accounts of unit organisers, judges and the board."""

    password = PasswordField(
        _l("Mật khẩu ban đầu (để trống để gửi thư mời tự đặt mật khẩu)"),
        description=RULE_TEXT,
        validators=[Optional(), PasswordRule("email", "phone")],
    )
    submit = SubmitField(_l("Tạo tài khoản"))
