"""What the core records in the audit log, each action a translated sentence
(the mechanism is `contest.platform.audit`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from contest.lifecycles import ROLE_LABELS, UNIT_KIND_LABELS
from contest.platform.audit import AuditAction, register_parameter_labels, register_sentences


class ContestAction(AuditAction):
    """What the core records."""

    RULES_CHANGED = "rules"
    ROUND_CREATED = "round_create"
    QUOTA_SET = "quota"
    ROUND_FORWARDED = "close"
    ITEM_FORWARDED = "forward"
    NOT_SELECTED = "not_selected"
    ENTRY_CREATED = "entry_create"
    ENTRY_ENTERED_FOR_AUTHOR = "entry_create_paper"
    ENTRY_EDITED = "edit"
    ENTRY_SUBMITTED = "submitted"
    ENTRY_WITHDRAWN = "withdrawn"
    ENTRY_DISQUALIFIED = "disqualified"
    PROFILE_NOMINATED = "profile_create"
    PROFILE_EDITED = "profile_edit"
    LOGGED_IN = "login"
    LOGIN_FAILED = "login_failed"
    PASSWORD_SET = "password_set"
    ACCOUNT_CREATED = "account_create"
    PASSWORD_RESET_SENT = "password_reset_sent"
    UNIT_CHANGED = "unit_change"
    ACCOUNT_EDITED = "account_edit"
    ACCOUNT_DEACTIVATED = "account_off"
    ACCOUNT_REACTIVATED = "account_on"
    ORIGINAL_DOWNLOADED = "original_download"
    UNIT_CREATED = "unit_create"
    UNIT_RENAMED = "unit_rename"
    UNIT_MOVED = "unit_move"
    UNIT_SWITCHED_OFF = "unit_off"
    UNIT_SWITCHED_ON = "unit_on"
    CONTEST_CREATED = "contest_create"
    CONTEST_PUBLISHED = "contest_publish"
    LEVELS_CHANGED = "levels"
    CATEGORIES_CHANGED = "categories"
    ROUND_CLOSED_BY_DEADLINE = "close_deadline"
    DEADLINE_REMINDED = "deadline_remind"
    DOCUMENT_ADDED = "document_add"
    DOCUMENT_REMOVED = "document_remove"
    TEMPORARY_PASSWORD_ISSUED = "password_temporary"


register_sentences(
    ContestAction,
    {
        ContestAction.RULES_CHANGED: _l(
            "%(actor)s đã sửa thể lệ cuộc thi: nhận bài %(opens)s–%(closes)s, "
            "%(min_words)s–%(max_words)s chữ"
        ),
        ContestAction.ROUND_CREATED: _l("%(object)s tham gia cuộc thi, gửi bài lên %(parent)s"),
        ContestAction.QUOTA_SET: _l(
            "%(actor)s đã đặt chỉ tiêu của %(object)s: %(entries)s bài, %(profiles)s hồ sơ"
        ),
        ContestAction.ROUND_FORWARDED: _l(
            "%(object)s đã gửi %(entries)s bài và %(profiles)s hồ sơ lên %(parent)s"
        ),
        ContestAction.ITEM_FORWARDED: _l("%(unit)s đã gửi %(object)s lên %(parent)s"),
        ContestAction.CONTEST_CREATED: _l("%(actor)s đã tạo bản nháp cuộc thi %(object)s"),
        ContestAction.CONTEST_PUBLISHED: _l("%(actor)s đã công bố cuộc thi %(object)s"),
        ContestAction.LEVELS_CHANGED: _l(
            "%(actor)s đã đổi chỉ tiêu và hạn gửi lên của cấp %(kind)s"
        ),
        ContestAction.CATEGORIES_CHANGED: _l("%(actor)s đã sửa các lĩnh vực và tiêu chí"),
        ContestAction.DOCUMENT_ADDED: _l("%(actor)s đã đăng tài liệu %(object)s"),
        ContestAction.DOCUMENT_REMOVED: _l("%(actor)s đã gỡ tài liệu %(object)s"),
        ContestAction.ROUND_CLOSED_BY_DEADLINE: _l("%(object)s hết hạn gửi lên: vòng thi tự đóng"),
        ContestAction.DEADLINE_REMINDED: _l(
            "Đã nhắc %(people)s người phụ trách %(object)s về hạn gửi bài lên"
        ),
        ContestAction.NOT_SELECTED: _l("%(object)s không được %(unit)s chọn gửi lên"),
        ContestAction.ENTRY_CREATED: _l("%(actor)s đã viết bài %(object)s"),
        ContestAction.ENTRY_ENTERED_FOR_AUTHOR: _l(
            "%(actor)s đã nhập hộ tác giả bài %(object)s (bài nộp giấy)"
        ),
        ContestAction.ENTRY_EDITED: _l("%(actor)s đã sửa bài %(object)s"),
        ContestAction.ENTRY_SUBMITTED: _l("%(actor)s đã nộp bài %(object)s"),
        ContestAction.ENTRY_WITHDRAWN: _l("%(actor)s đã rút bài %(object)s"),
        ContestAction.ENTRY_DISQUALIFIED: _l("%(actor)s đã loại bài %(object)s"),
        ContestAction.PROFILE_NOMINATED: _l("%(actor)s đã đề cử hồ sơ %(object)s"),
        ContestAction.PROFILE_EDITED: _l("%(actor)s đã sửa hồ sơ %(object)s"),
        ContestAction.LOGGED_IN: _l("%(actor)s đã đăng nhập từ %(address)s"),
        ContestAction.LOGIN_FAILED: _l("Đăng nhập sai vào %(object)s từ %(address)s"),
        ContestAction.PASSWORD_SET: _l("%(actor)s đã đặt mật khẩu mới (%(how)s)"),
        ContestAction.TEMPORARY_PASSWORD_ISSUED: _l(
            "%(actor)s đã cấp mật khẩu tạm thời cho %(object)s (phải đổi khi đăng nhập)"
        ),
        ContestAction.ACCOUNT_CREATED: _l("%(actor)s đã tạo tài khoản %(object)s (%(role)s)"),
        ContestAction.ACCOUNT_EDITED: _l("%(actor)s đã sửa tài khoản %(object)s (%(role)s)"),
        ContestAction.ACCOUNT_DEACTIVATED: _l("%(actor)s đã tạm khóa tài khoản %(object)s"),
        ContestAction.ACCOUNT_REACTIVATED: _l("%(actor)s đã mở lại tài khoản %(object)s"),
        ContestAction.UNIT_CHANGED: _l("%(actor)s đã đổi đơn vị từ %(before)s sang %(after)s"),
        ContestAction.PASSWORD_RESET_SENT: _l(
            "%(actor)s đã gửi liên kết đặt lại mật khẩu cho %(object)s"
        ),
        ContestAction.ORIGINAL_DOWNLOADED: _l("%(actor)s đã tải tệp gốc của bài %(object)s"),
        ContestAction.UNIT_CREATED: _l("%(actor)s đã thêm đơn vị %(object)s"),
        ContestAction.UNIT_RENAMED: _l(
            "%(actor)s đã đổi tên đơn vị «%(old_name)s» thành «%(new_name)s»"
        ),
        ContestAction.UNIT_SWITCHED_OFF: _l("%(actor)s đã ngừng đơn vị %(object)s"),
        ContestAction.UNIT_SWITCHED_ON: _l("%(actor)s đã dùng lại đơn vị %(object)s"),
        ContestAction.UNIT_MOVED: _l(
            "%(actor)s đã chuyển %(object)s từ %(old_parent)s sang %(parent)s"
        ),
    },
)

# What an entry's author and the unit organisers see of its history: the author's own actions
# and the organisers' decisions on it. Never a judging event: a judge's name, a recusal, marks,
# a head judge's note — results reach the author only as the province publishes them.
ENTRY_EVENTS_FOR_EVERYONE = frozenset(
    {
        ContestAction.ITEM_FORWARDED,
        ContestAction.NOT_SELECTED,
        ContestAction.ENTRY_CREATED,
        ContestAction.ENTRY_ENTERED_FOR_AUTHOR,
        ContestAction.ENTRY_EDITED,
        ContestAction.ENTRY_SUBMITTED,
        ContestAction.ENTRY_WITHDRAWN,
        ContestAction.ENTRY_DISQUALIFIED,
    }
)

register_parameter_labels("role", ROLE_LABELS)
# The kind of unit a level is (`LEVELS_CHANGED`), never its code ("cấp district").
register_parameter_labels("kind", {"province": _l("Tỉnh"), **UNIT_KIND_LABELS})
# How a password was set (`PASSWORD_SET`'s `how`), in words.
register_parameter_labels(
    "how",
    {
        "change": _l("tự đổi"),
        "operator": _l("người quản trị đặt"),
        "password-reset": _l("qua liên kết đặt lại"),
        "invitation": _l("qua thư mời"),
    },
)
