"""Forms of the anthology (Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, NumberRange

from anthology.models import PAGE_SIZES
from contest.forms import Form, choices


class SettingsForm(Form):
    title = StringField(_l("Tên sách"), validators=[DataRequired()])
    subtitle = StringField(_l("Tên phụ"))
    publisher = StringField(_l("Đơn vị xuất bản"), validators=[DataRequired()])
    year = IntegerField(_l("Năm"), validators=[NumberRange(min=2000, max=2100)])
    rights = TextAreaField(_l("Bản quyền"))
    foreword = TextAreaField(_l("Lời giới thiệu"))
    page_size = SelectField(_l("Khổ giấy"), choices=choices((s, s) for s in PAGE_SIZES))
    margin_mm = IntegerField(_l("Lề (mm)"), validators=[NumberRange(min=5, max=50)])
    submit = SubmitField(_l("Lưu thông tin sách"))


class UploadForm(Form):
    file = FileField(_l("Tệp"))
    submit = SubmitField(_l("Tải lên"))


class CopyForm(Form):
    title = StringField(_l("Tên bài trong sách"), validators=[DataRequired()])
    markdown = TextAreaField(_l("Nội dung trong sách (Markdown)"), validators=[DataRequired()])
    submit = SubmitField(_l("Lưu bản in"))
