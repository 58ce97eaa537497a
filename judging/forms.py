"""Forms of judging (Flask-WTF; every POST carries its CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FloatField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from contest.forms import choices


class PanelMemberForm(FlaskForm):
    judge_id = SelectField(_l("Giám khảo"), coerce=int)
    min_load = IntegerField(
        _l("Số bài tối thiểu"), default=0, validators=[InputRequired(), NumberRange(min=0)]
    )
    max_load = IntegerField(
        _l("Số bài tối đa"), default=30, validators=[InputRequired(), NumberRange(min=0)]
    )
    submit = SubmitField(_l("Thêm vào hội đồng"))


class HeadJudgeForm(FlaskForm):
    judge_id = SelectField(_l("Trưởng ban giám khảo"), coerce=int)
    submit = SubmitField(_l("Chỉ định"))


class ConflictForm(FlaskForm):
    judge_id = SelectField(_l("Giám khảo"), coerce=int)
    code = StringField(_l("Mã phách của bài"), validators=[DataRequired()])
    reason = StringField(_l("Lý do"), validators=[DataRequired()])
    submit = SubmitField(_l("Ghi nhận xung đột"))


class RedactForm(FlaskForm):
    snippet = StringField(_l("Đoạn chữ cần che"), validators=[DataRequired()])
    submit = SubmitField(_l("Che trong bản chấm"))


class ClearForm(FlaskForm):
    reason = StringField(_l("Lý do giữ nguyên"), validators=[DataRequired()])
    submit = SubmitField(_l("Giữ nguyên"))


class HeadDecisionForm(FlaskForm):
    score = FloatField(_l("Điểm chính thức"), validators=[InputRequired()])
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired()])
    submit = SubmitField(_l("Quyết định"))


class TieForm(FlaskForm):
    decision = SelectField(
        _l("Quyết định"),
        choices=choices(
            [
                ("share", _l("Đồng giải: trao cho tất cả các bài đồng điểm")),
                ("choose", _l("Chọn bài được giải")),
            ]
        ),
    )
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired()])
    submit = SubmitField(_l("Ghi quyết định"))


class ReasonOnlyForm(FlaskForm):
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired()])
    submit = SubmitField(_l("Xác nhận"))


class ScoreCommentForm(FlaskForm):
    """The rubric's inputs are built from the stage's criteria; this holds the rest."""

    comment = TextAreaField(_l("Nhận xét (không bắt buộc)"), validators=[Optional()])
    save = SubmitField(_l("Lưu nháp"))
    submit_score = SubmitField(_l("Nộp điểm"))
