"""The forms of a contest's set-up by the province: a new contest, its rules and levels, the
rounds and the units of the tree."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from contest.categories import SUBJECT_KINDS
from contest.contest_plan import MAX_TITLE
from contest.forms import REQUIRED, Form, choices
from contest.lifecycles import UNIT_KIND_LABELS


class ContestRulesForm(Form):
    title = StringField(_l("Tên cuộc thi"), validators=[DataRequired(REQUIRED)])
    opens_on = DateField(_l("Ngày bắt đầu nhận bài"), validators=[InputRequired(REQUIRED)])
    closes_on = DateField(
        _l("Ngày hết hạn (nhận hết ngày này)"), validators=[InputRequired(REQUIRED)]
    )
    min_words = IntegerField(_l("Số chữ tối thiểu"), validators=[NumberRange(min=0)])
    max_words = IntegerField(_l("Số chữ tối đa"), validators=[NumberRange(min=1)])
    max_entries_per_entrant = IntegerField(
        _l("Số bài tối đa mỗi tác giả"), validators=[NumberRange(min=1)]
    )
    declarations = TextAreaField(_l("Các cam kết (mỗi dòng một cam kết)"))
    submit = SubmitField(_l("Lưu thể lệ"))


class NewContestForm(Form):
    """ "Tạo cuộc thi": a draft from the starter, a copy of another contest, or a file."""

    title = StringField(
        _l("Tên cuộc thi"), validators=[DataRequired(REQUIRED), Length(max=MAX_TITLE)]
    )
    slug = StringField(
        _l("Địa chỉ ngắn (chữ thường không dấu, số, gạch nối; ví dụ son-la-2025)"),
        validators=[DataRequired(REQUIRED), Length(max=64)],
    )
    opens_on = DateField(_l("Ngày bắt đầu nhận bài"), validators=[InputRequired(REQUIRED)])
    closes_on = DateField(
        _l("Ngày hết hạn (nhận hết ngày này)"), validators=[InputRequired(REQUIRED)]
    )
    copy_from = SelectField(_l("Lấy thể lệ, lĩnh vực, các cấp và cơ cấu giải từ"), default="")
    file = FileField(_l("Hoặc tải lên tệp thể lệ cuộc thi (.toml, xem README)"))
    submit = SubmitField(_l("Tạo bản nháp"))


class LevelForm(Form):
    """One kind of unit that takes part: its quotas and the day its rounds forward by."""

    kind = SelectField(_l("Cấp đơn vị"))
    quota_min = IntegerField(_l("Gửi lên ít nhất"), default=0, validators=[NumberRange(min=0)])
    quota_max = IntegerField(_l("Gửi lên nhiều nhất"), default=5, validators=[NumberRange(min=0)])
    profile_quota = IntegerField(
        _l("Hồ sơ gửi lên nhiều nhất"), default=3, validators=[NumberRange(min=0)]
    )
    forward_by = DateField(_l("Hạn gửi lên (hết ngày)"), validators=[Optional()])
    submit = SubmitField(_l("Lưu cấp này"))


class RemoveLevelForm(Form):
    """A kind of unit taken out of a draft (one button per level)."""

    unit_kind = HiddenField(validators=[DataRequired()])


class DocumentForm(Form):
    """A launch document: the plan, the rules, a form to fill in (PDF or Word)."""

    title = StringField(
        _l("Tên tài liệu (ví dụ: Kế hoạch số 55/KH-UBND)"),
        validators=[DataRequired(REQUIRED), Length(max=200)],
    )
    file = FileField(_l("Tệp PDF, DOCX, DOC hoặc ODT (tối đa 10 MB)"))
    submit = SubmitField(_l("Đăng tài liệu"))


class CategoryRow(Form):
    """One category of a draft; an empty row is left out, a ticked one is removed."""

    class Meta:
        csrf = False  # a row of the form below, which carries the token

    code = StringField(_l("Mã"), validators=[Length(max=8)])
    group = SelectField(_l("Dành cho"), choices=lambda: choices(SUBJECT_KINDS.items()))
    name = StringField(_l("Tên lĩnh vực"), validators=[Length(max=200)])
    criteria = TextAreaField(_l("Tiêu chí"), validators=[Length(max=20_000)])
    remove = BooleanField(_l("Bỏ lĩnh vực này"))


class CategoriesForm(Form):
    rows = FieldList(FormField(CategoryRow), max_entries=100)
    submit = SubmitField(_l("Lưu các lĩnh vực"))


class RoundForm(Form):
    unit_id = SelectField(_l("Đơn vị tham gia"), coerce=int)
    quota = IntegerField(_l("Chỉ tiêu bài gửi lên"), default=3, validators=[NumberRange(min=0)])
    profile_quota = IntegerField(
        _l("Chỉ tiêu hồ sơ gửi lên"), default=3, validators=[NumberRange(min=0)]
    )
    submit = SubmitField(_l("Thêm vòng thi"))


class UnitForm(Form):
    code = StringField(_l("Mã đơn vị"), validators=[DataRequired(REQUIRED), Length(max=32)])
    name = StringField(_l("Tên đơn vị"), validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = SelectField(_l("Loại"), choices=lambda: choices(UNIT_KIND_LABELS.items()))
    parent_id = SelectField(_l("Thuộc đơn vị"), coerce=int)
    submit = SubmitField(_l("Thêm đơn vị"))


class UnitFileForm(Form):
    file = FileField(_l("Tệp danh sách đơn vị (.csv hoặc .xlsx)"))
    submit = SubmitField(_l("Tải lên và cập nhật"))


class UnitEditForm(Form):
    """A unit renamed (Huyện Mộc Châu became Thị xã Mộc Châu) or put under another parent."""

    name = StringField(_l("Tên đơn vị"), validators=[DataRequired(REQUIRED), Length(max=200)])
    parent_id = SelectField(_l("Thuộc đơn vị"), coerce=int)
    submit = SubmitField(_l("Lưu"))
