"""Forms of judging (Flask-WTF; every POST carries its CSRF token)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from contest.forms import (
    LARGEST_COUNT,
    ConfirmForm,
    DecimalField,
    Finite,
    Form,
    IdListField,
    RowIdField,
    choices,
    finite_float,
)
from judging.states import TieChoice


class PanelMemberForm(Form):
    judge_id = SelectField(_l("Giám khảo"), coerce=int)
    min_load = IntegerField(
        _l("Số bài tối thiểu"),
        default=0,
        validators=[InputRequired(), NumberRange(min=0, max=LARGEST_COUNT)],
    )
    max_load = IntegerField(
        _l("Số bài tối đa"),
        default=30,
        validators=[InputRequired(), NumberRange(min=0, max=LARGEST_COUNT)],
    )
    submit = SubmitField(_l("Thêm vào hội đồng"))


class HeadJudgeForm(Form):
    judge_id = SelectField(_l("Trưởng ban giám khảo"), coerce=int)
    submit = SubmitField(_l("Chỉ định"))


class ConflictForm(Form):
    judge_id = SelectField(_l("Giám khảo"), coerce=int)
    code = StringField(_l("Mã phách của bài"), validators=[DataRequired()])
    reason = StringField(_l("Lý do"), validators=[DataRequired()])
    submit = SubmitField(_l("Ghi nhận xung đột"))


class ReopenForm(Form):
    """A judge's submitted score unlocked so they can mark it again, with the reason on record."""

    judge_id = SelectField(_l("Giám khảo"), coerce=int)
    code = StringField(_l("Mã phách của bài"), validators=[DataRequired()])
    reason = StringField(_l("Lý do mở lại"), validators=[DataRequired()])
    submit = SubmitField(_l("Mở lại điểm"))


class RedactForm(Form):
    snippet = StringField(_l("Đoạn chữ cần che"), validators=[DataRequired()])
    submit = SubmitField(_l("Che trong bản chấm"))


class ClearForm(Form):
    reason = StringField(_l("Lý do giữ nguyên"), validators=[DataRequired()])
    submit = SubmitField(_l("Giữ nguyên"))


class HeadDecisionForm(Form):
    score = DecimalField(_l("Điểm chính thức"), validators=[InputRequired(), Finite()])
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired()])
    submit = SubmitField(_l("Quyết định"))


class WithdrawForm(ConfirmForm):
    judge_id = RowIdField()


class ForwardByResultsForm(ConfirmForm):
    """The unit's entries ticked to go up (by their results), and the reason for any
    departure from the ranking."""

    entry_id = IdListField()
    reason = TextAreaField(validators=[Optional()])


class TieForm(Form):
    decision = SelectField(
        _l("Quyết định"),
        choices=choices(
            [
                (TieChoice.SHARE, _l("Đồng giải: trao cho tất cả các bài đồng điểm")),
                (TieChoice.CHOOSE, _l("Chọn bài được giải")),
            ]
        ),
    )
    chosen = IdListField()  # the tied entries chosen, when the decision is to choose
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired()])
    submit = SubmitField(_l("Ghi quyết định"))


class ReasonOnlyForm(Form):
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired()])
    submit = SubmitField(_l("Xác nhận"))


class ScoreCommentForm(Form):
    """The comment and the two buttons; `score_form` adds the stage's criteria."""

    comment = TextAreaField(_l("Nhận xét (không bắt buộc)"), validators=[Optional()])
    save = SubmitField(_l("Lưu nháp"))
    submit_score = SubmitField(_l("Nộp điểm"))


def score_form(criteria_ids: list[int]) -> ScoreCommentForm:
    """The score card of a stage: one text field `c<id>` per criterion (read as numbers by
    the view, a comma being a decimal point), then the comment."""
    fields = {f"c{cid}": StringField(validators=[Optional()]) for cid in criteria_ids}
    return type("ScoreForm", (ScoreCommentForm,), fields)()


class Money(int):
    """A cell's kind for an amount in đồng, typed as "5.000.000", "5,000,000" or "5000000"."""


# A prize of more than ten billion đồng is a typing slip.
LARGEST_AMOUNT = 10_000_000_000


def _cell(kind: type, text: str):
    """One cell as its kind: text as is, numbers within LARGEST_COUNT, money in whole đồng."""
    if kind is str:
        return text
    if kind is Money:
        digits = "".join(text.split()).replace(".", "").replace(",", "")
        if not digits.isdigit() or int(digits) > LARGEST_AMOUNT:
            raise ValueError(text)
        return int(digits)
    value = finite_float(text)
    if kind is int:
        if not value.is_integer():
            raise ValueError(text)
        return int(value)
    return value


# A stage's, a prize's or a criterion's name: what its column holds (the shortest, 100).
NAME_LENGTH = 100


def parse_lines(text: str, kinds: tuple[type, ...], what: str, optional: int = 0) -> list[tuple]:
    """Rows of `a | b | c` text, one per line, each cell converted to its kind; the last
    `optional` cells may be left off. A bad line raises ValueError naming its number, in the
    interface's language."""
    rows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split("|")]
        if not len(kinds) - optional <= len(cells) <= len(kinds) or not cells[0]:
            raise ValueError(
                _(
                    "%(what)s, dòng %(n)s: cần %(k)s cột ngăn bởi dấu |.",
                    what=what,
                    n=number,
                    k=len(kinds),
                )
            )
        if len(cells[0]) > NAME_LENGTH:
            raise ValueError(
                _(
                    "%(what)s, dòng %(n)s: tên dài quá %(k)s ký tự.",
                    what=what,
                    n=number,
                    k=NAME_LENGTH,
                )
            )
        try:
            rows.append(tuple(_cell(kind, c) for kind, c in zip(kinds, cells, strict=False)))
        except ValueError as exc:
            raise ValueError(
                _("%(what)s, dòng %(n)s: số không hợp lệ.", what=what, n=number)
            ) from exc
    if not rows:
        raise ValueError(_("%(what)s: cần ít nhất một dòng.", what=what))
    return rows


GAP = NumberRange(min=0, max=1000)


class StageForm(Form):
    name = StringField(_l("Tên vòng chấm"), validators=[DataRequired(), Length(max=NAME_LENGTH)])
    judges_per_entry = IntegerField(
        _l("Số giám khảo mỗi bài (k)"),
        default=2,
        validators=[InputRequired(), NumberRange(min=1, max=9)],
    )
    agree_gap = DecimalField(
        _l("Chênh lệch tối đa để lấy trung bình"), default=10, validators=[GAP]
    )
    head_gap = DecimalField(
        _l("Chênh lệch tối đa để trưởng ban quyết định"), default=15, validators=[GAP]
    )
    three_mean_gap = DecimalField(
        _l("Ba lần chấm: chênh tối đa để lấy trung bình ba điểm"), default=25, validators=[GAP]
    )
    advance_top_n = IntegerField(
        _l("Vào vòng sau: số bài dẫn đầu"),
        validators=[Optional(), NumberRange(min=1, max=LARGEST_COUNT)],
    )
    advance_min_score = DecimalField(
        _l("Vào vòng sau: điểm tối thiểu"), validators=[Optional(), Finite()]
    )
    rubric = TextAreaField(
        _l("Thang điểm: mỗi dòng «Tiêu chí | điểm tối đa | bước»"), validators=[DataRequired()]
    )
    submit = SubmitField(_l("Lưu vòng chấm"))


class LadderForm(Form):
    ladder = TextAreaField(
        _l(
            "Cơ cấu giải: mỗi dòng «Tên giải | số lượng | điểm tối thiểu | tiền thưởng mỗi giải "
            "(đồng, có thể bỏ trống)»"
        ),
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Lưu cơ cấu giải"))
