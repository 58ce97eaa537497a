"""WTForms' own messages ("Not a valid float value.", "This field is required.") in Vietnamese:
WTForms ships no Vietnamese catalogue, so without this a Vietnamese page would show them in
English. The English interface keeps WTForms' wording."""

from __future__ import annotations

from flask_babel import get_locale

VIETNAMESE = {
    "Field must be equal to %(other_name)s.": "Phải giống trường %(other_name)s.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Không được dài quá %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Không được dài quá %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Cần đúng %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Cần đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": (
        "Cần từ %(min)d đến %(max)d ký tự."
    ),
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số không được lớn hơn %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải từ %(min)s đến %(max)s.",
    "Date must be at least %(min)s.": "Ngày phải từ %(min)s trở đi.",
    "Date must be at most %(max)s.": "Ngày không được sau %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Ngày phải từ %(min)s đến %(max)s.",
    "This field is required.": "Trường này là bắt buộc.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Invalid email address.": "Thư điện tử không hợp lệ.",
    "Invalid URL.": "Địa chỉ web không hợp lệ.",
    "Invalid value, must be one of: %(values)s.": "Giá trị phải là một trong: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Giá trị không được là: %(values)s.",
    "This field cannot be edited.": "Không sửa được trường này.",
    "This field is disabled and cannot have a value.": "Trường này bị khóa, không nhận giá trị.",
    "Invalid CSRF Token.": "Mã bảo vệ biểu mẫu không hợp lệ: hãy tải lại trang.",
    "CSRF token missing.": "Thiếu mã bảo vệ biểu mẫu: hãy tải lại trang.",
    "CSRF failed.": "Kiểm tra bảo vệ biểu mẫu không thành công: hãy tải lại trang.",
    "CSRF token expired.": "Biểu mẫu đã hết hạn: hãy tải lại trang.",
    "The CSRF token is missing.": "Thiếu mã bảo vệ biểu mẫu: hãy tải lại trang.",
    "The CSRF session token is missing.": "Phiên làm việc đã hết: hãy tải lại trang.",
    "The CSRF token is invalid.": "Mã bảo vệ biểu mẫu không hợp lệ: hãy tải lại trang.",
    "The CSRF token has expired.": "Biểu mẫu đã hết hạn: hãy tải lại trang.",
    "The CSRF tokens do not match.": "Mã bảo vệ biểu mẫu không khớp: hãy tải lại trang.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Choices cannot be None.": "Chưa có lựa chọn nào.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid choice(s): one or more data inputs could not be coerced.": (
        "Có lựa chọn không hợp lệ."
    ),
    "'%(value)s' is not a valid choice for this field.": "«%(value)s» không phải lựa chọn hợp lệ.",
    "'%(value)s' are not valid choices for this field.": "«%(value)s» không phải lựa chọn hợp lệ.",
    "Not a valid datetime value.": "Ngày giờ không hợp lệ.",
    "Not a valid date value.": "Ngày không hợp lệ (cần dạng ngày/tháng/năm).",
    "Not a valid time value.": "Giờ không hợp lệ.",
    "Not a valid integer value.": "Cần nhập một số nguyên.",
    "Not a valid decimal value.": "Cần nhập một số.",
    "Not a valid float value.": "Cần nhập một số.",
}


class FormMessages:
    """What WTForms asks a form's Meta for: its messages in the interface's language."""

    def gettext(self, string: str) -> str:
        if str(get_locale()) == "vi":
            return VIETNAMESE.get(string, string)
        return string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


FORM_MESSAGES = FormMessages()
