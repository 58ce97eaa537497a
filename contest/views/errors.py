"""Error pages in the interface language, naming nothing from the request."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l

ERRORS = {
    400: (
        _l("Yêu cầu không hợp lệ"),
        _l("Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ. Hãy tải lại trang rồi thử lại."),
    ),
    403: (_l("Không có quyền"), _l("Tài khoản của bạn không được làm việc này.")),
    404: (_l("Không tìm thấy"), _l("Trang này không tồn tại hoặc bạn không có quyền xem.")),
    413: (_l("Tệp quá lớn"), _l("Tệp tải lên vượt quá giới hạn cho phép (10 MB).")),
    500: (_l("Lỗi hệ thống"), _l("Đã có lỗi xảy ra; thao tác chưa được lưu. Hãy thử lại sau.")),
}


def error_page(error):
    """No URL, no id: the page must not even echo the address that was asked for."""
    code = getattr(error, "code", 500) or 500
    title, message = ERRORS.get(code, ERRORS[500])
    return render_template("error.html", title=title, message=message, request_path="/"), code


def init_app(app: Flask) -> None:
    for code in ERRORS:
        app.register_error_handler(code, error_page)
