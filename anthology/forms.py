"""Forms of the anthology (Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from anthology import trim
from anthology.render import cover
from contest.forms import ConfirmForm, Form, RowIdField, WholeNumberField, choices

ONE_PER_LINE = _l("Mỗi dòng một người hoặc một cơ quan.")


class SettingsForm(Form):
    title = StringField(_l("Tên sách"), validators=[DataRequired()])
    subtitle = StringField(_l("Tên phụ"))
    publisher = StringField(_l("Đơn vị xuất bản"), validators=[DataRequired()])
    year = IntegerField(
        _l("Năm xuất bản"),
        validators=[NumberRange(min=2000, max=2100)],
        description=_l("Năm sách ra đời, có thể sau năm của cuộc thi."),
    )
    issuing_bodies = TextAreaField(
        _l("Cơ quan ban hành (đầu trang tên sách)"), description=ONE_PER_LINE
    )
    place = StringField(_l("Nơi xuất bản (cuối trang tên sách)"))
    rights = TextAreaField(_l("Bản quyền"))
    foreword = TextAreaField(_l("Lời giới thiệu"))
    foreword_signer = TextAreaField(
        _l("Người ký lời giới thiệu"),
        description=_l("Chức danh và họ tên, mỗi dòng một dòng in."),
    )
    editorial_board = TextAreaField(_l("Ban biên tập"), description=ONE_PER_LINE)
    publishing_director = StringField(_l("Chịu trách nhiệm xuất bản"))
    content_director = StringField(_l("Chịu trách nhiệm nội dung"))
    editors = TextAreaField(_l("Biên tập"), description=ONE_PER_LINE)
    designer = StringField(_l("Trình bày, bìa"))
    proofreader = StringField(_l("Sửa bản in"))
    licence = StringField(
        _l("Giấy phép xuất bản (tài liệu không kinh doanh)"),
        description=_l("Ví dụ: Giấy phép xuất bản số 12/GP-STTTT ngày 10/3/2020."),
    )
    registration_number = StringField(_l("Số xác nhận ĐKXB"))
    decision_number = StringField(_l("Số QĐXB"))
    isbn = StringField(_l("ISBN"), description=_l("Để trống nếu sách không có mã ISBN."))
    print_run = IntegerField(
        _l("Số lượng in (bản)"), validators=[Optional(), NumberRange(min=1, max=10_000_000)]
    )
    printer = TextAreaField(_l("In tại (tên và địa chỉ nhà in)"))
    legal_deposit = StringField(_l("Nộp lưu chiểu"), description=_l("Ví dụ: quý II năm 2020."))
    page_size = SelectField(
        _l("Khổ sách"),
        choices=lambda: (
            [(key, trim.label(key)) for key in trim.NAMED] + [("custom", _l("Khổ khác"))]
        ),
    )
    custom_size = StringField(
        _l("Khổ khác (rộng x cao, mm)"),
        validators=[Length(max=20)],
        description=_l(
            "Với «Khổ khác»: ví dụ 150x230. Lề đặt cho khổ B5, các khổ khác theo tỉ lệ."
        ),
    )
    margin_mm = IntegerField(_l("Lề (mm)"), validators=[NumberRange(min=5, max=50)])
    # Certificates (Decree 30/2020 form); the issuing body is «Cơ quan ban hành» above.
    certificate_code = StringField(
        _l("Ký hiệu số giấy chứng nhận"),
        description=_l("Phần sau «GCN-», ví dụ HĐTĐKT cho «Số: 01/GCN-HĐTĐKT»."),
    )
    certificate_place = StringField(_l("Địa danh ghi trên giấy chứng nhận"))
    certificate_date = DateField(_l("Ngày ký giấy chứng nhận"), validators=[Optional()])
    certificate_signer = TextAreaField(
        _l("Thẩm quyền và chức vụ người ký giấy chứng nhận"),
        description=_l("Ví dụ: TM. HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG, dòng dưới: CHỦ TỊCH."),
    )
    certificate_signer_name = StringField(_l("Họ tên người ký giấy chứng nhận"))
    submit = SubmitField(_l("Lưu thông tin sách"))


class UploadForm(Form):
    file = FileField(_l("Tệp"))
    submit = SubmitField(_l("Tải lên"))


class CopyForm(Form):
    title = StringField(_l("Tên bài trong sách"), validators=[DataRequired()])
    markdown = TextAreaField(_l("Nội dung trong sách (Markdown)"), validators=[DataRequired()])
    submit = SubmitField(_l("Lưu bản in"))


COPY_CHANGED = _l("Bản in của bài vừa thay đổi: hãy tải lại trang rồi viết mô tả ảnh.")


class PicturesForm(Form):
    """One text field per picture of an essay's book copy (`for_pictures`)."""

    submit = SubmitField(_l("Lưu mô tả ảnh"))

    @classmethod
    def for_pictures(cls, pictures: list) -> PicturesForm:
        fields = {
            f"picture_{number}": StringField(
                _l("Mô tả ảnh %(number)s", number=number + 1),
                validators=[Length(max=300)],
                default=picture.description,
                description=_l("Chú thích in dưới ảnh: «%(caption)s».", caption=picture.caption)
                if picture.caption
                else _l("Ảnh này không có chú thích: hãy tả ngắn những gì trong ảnh."),
            )
            for number, picture in enumerate(pictures)
        }
        # The pictures the page showed, in order: a copy changed meanwhile (another tab,
        # another organiser) would put each description on the wrong picture.
        shown = "\n".join(picture.name for picture in pictures)
        fields["shown"] = HiddenField(
            default=shown,
            validators=[AnyOf([shown], message=COPY_CHANGED)],
        )
        return type("EssayPicturesForm", (cls,), fields)()

    def descriptions(self, pictures: list) -> dict[str, str]:
        """What was typed, by picture name."""
        return {
            picture.name: self[f"picture_{number}"].data or ""
            for number, picture in enumerate(pictures)
        }


class UnitCertificateForm(Form):
    """What a unit prints as issuing body on its own certificates (issue 14); the service
    says what is missing, for the page and the CLI alike."""

    parent_body = TextAreaField(
        _l("Cơ quan chủ quản"), description=_l("Ví dụ: ỦY BAN NHÂN DÂN TỈNH SƠN LA.")
    )
    body = StringField(_l("Cơ quan ban hành"))
    code = StringField(_l("Ký hiệu số giấy chứng nhận"), description=_l("Ví dụ: UBND."))
    place = StringField(_l("Địa danh ghi trên giấy chứng nhận"))
    day = DateField(_l("Ngày ký giấy chứng nhận"), validators=[Optional()])
    signer_authority = TextAreaField(
        _l("Thẩm quyền và chức vụ người ký"),
        description=_l("Ví dụ: TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH."),
    )
    signer_name = StringField(_l("Họ tên người ký giấy chứng nhận"))
    format = SelectField(_l("Định dạng"), choices=choices([("docx", "DOCX"), ("pdf", "PDF")]))
    submit = SubmitField(_l("Tải giấy chứng nhận"))
    decision = SubmitField(_l("Tải quyết định khen thưởng"))


class BuildForm(ConfirmForm):
    bleed = BooleanField(_l("Thêm 3 mm lề xén (bleed) quanh mỗi trang PDF, khi nhà in yêu cầu"))


class CoverForm(Form):
    """The printed cover's download: the paper's thickness and the bleed, within the bounds
    `anthology cover` keeps too (`render.cover`)."""

    paper_um = WholeNumberField(
        _l("Độ dày giấy ruột (µm; giấy 80 g/m² khoảng 100 µm)"),
        default=cover.DEFAULT_PAPER_UM,
        validators=[NumberRange(*cover.PAPER_UM, message=cover.PAPER_RANGE_MESSAGE)],
    )
    bleed_mm = WholeNumberField(
        _l("Lề xén (mm)"),
        default=cover.COVER_BLEED_MM,
        validators=[NumberRange(*cover.BLEED_MM, message=cover.BLEED_RANGE_MESSAGE)],
    )


class AddProfileForm(ConfirmForm):
    profile_id = RowIdField()


class MoveForm(ConfirmForm):
    """One step `direction` ("up" or down), or straight to the `position` typed in."""

    position = WholeNumberField()
    direction = HiddenField()


class IncludeForm(ConfirmForm):
    """Put an item in the book ("1") or leave it out, with the reason."""

    included = HiddenField()
    reason = TextAreaField(validators=[Optional()])


class WithdrawResultsForm(Form):
    reason = StringField(_l("Lý do thu hồi"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Thu hồi công bố"))


class NewsForm(Form):
    title = StringField(_l("Tiêu đề"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Nội dung"), validators=[Length(max=5000)])
    submit = SubmitField(_l("Đăng tin"))


class WidgetOriginsForm(Form):
    origins = TextAreaField(
        _l("Các trang được nhúng danh sách đoạt giải"),
        validators=[Length(max=4000)],
        description=_l(
            "Mỗi dòng một địa chỉ trang, ví dụ https://sonla.gov.vn. Bỏ trống: không trang "
            "nào khác được nhúng."
        ),
    )
    submit = SubmitField(_l("Lưu"))


class ProposalForm(Form):
    profile_id = RowIdField()
    justification = TextAreaField(
        _l("Thành tích tóm tắt"), validators=[DataRequired(), Length(max=1000)]
    )
    submit = SubmitField(_l("Đề nghị tặng Bằng khen"))


class LetterForm(Form):
    """Who issues and signs a unit's forwarding letter; `with_recommendations` adds a box per
    item the round sent."""

    parent_body = TextAreaField(
        _l("Cơ quan chủ quản"), description=_l("Ví dụ: ỦY BAN NHÂN DÂN TỈNH SƠN LA.")
    )
    body = StringField(_l("Cơ quan ban hành"))
    code = StringField(_l("Ký hiệu của cơ quan"), description=_l("Ví dụ: UBND."))
    place = StringField(_l("Địa danh"))
    day = DateField(_l("Ngày ký"), validators=[Optional()])
    signer_authority = TextAreaField(
        _l("Thẩm quyền và chức vụ người ký"),
        description=_l("Ví dụ: TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH."),
    )
    signer_name = StringField(_l("Họ tên người ký"))
    submit = SubmitField(_l("Lưu công văn"))

    @classmethod
    def with_recommendations(cls, items: list) -> type[LetterForm]:
        fields = {
            f"rec_{item.key}": TextAreaField(item.title, validators=[Length(max=500)])
            for item in items
        }
        return type("LetterFormWithItems", (cls,), fields)

    def recommendations(self) -> dict[str, str]:
        return {
            name.removeprefix("rec_"): field.data or ""
            for name, field in self._fields.items()
            if name.startswith("rec_")
        }
