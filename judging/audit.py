"""What judging records in the audit log, each action as a sentence for province organisers.

Entries are named by their blind code, never by title or author."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from contest.platform.audit import AuditAction, register_parameter_labels, register_sentences


class JudgingAction(AuditAction):
    # Values are the ones stored before the audit was typed, so older events still render.
    BLIND_COPIES_MADE = "scan"
    FLAG_REDACTED = "redact"
    FLAG_CLEARED = "clear_flag"
    CONFLICT_DECLARED = "conflict"
    JUDGE_WITHDRAWN = "withdraw_judge"
    ASSIGNED = "assign"
    RELEASED = "release"
    JUDGES_REMINDED = "remind_judges"
    STAGE_OPENED = "open_stage"
    STAGE_CLOSED = "close_stage"
    SCORE_REOPENED = "reopen_score"
    THIRD_JUDGE = "third_judge"
    HEAD_DECIDED = "head_decision"
    TIE_SHARED = "tie_share"
    TIE_CHOSEN = "tie_choose"
    FINALISED = "finalise"
    # Reads of what must stay secret or leaves the system: recorded as they happen.
    KEY_VIEWED = "key_view"
    RESULTS_EXPORTED = "results_export"
    # A unit round's own judging (issue 14).
    UNIT_JUDGING_ON = "unit_judging_on"
    UNIT_JUDGING_OFF = "unit_judging_off"
    UNIT_JUROR_ADDED = "unit_juror"
    UNIT_FINALISED = "unit_finalise"
    FORWARDED_BY_RESULTS = "forward_by_results"


register_sentences(
    JudgingAction,
    {
        JudgingAction.BLIND_COPIES_MADE: _l(
            "%(actor)s đã cấp mã phách cho %(copies)s bài và rà soát lộ danh tính: "
            "%(flags)s cảnh báo"
        ),
        JudgingAction.FLAG_REDACTED: _l(
            "%(actor)s đã che một đoạn lộ danh tính (%(leak)s) trong bản chấm của bài %(code)s"
        ),
        JudgingAction.FLAG_CLEARED: _l(
            "%(actor)s đã giữ nguyên bản chấm của bài %(code)s, lý do: %(reason)s"
        ),
        JudgingAction.CONFLICT_DECLARED: _l(
            "%(actor)s đã ghi nhận giám khảo %(judge)s không chấm bài %(code)s (xung đột)"
        ),
        JudgingAction.JUDGE_WITHDRAWN: _l(
            "%(actor)s đã rút giám khảo %(judge)s khỏi hội đồng %(object)s; "
            "%(moved)s bài được giao lại"
        ),
        JudgingAction.ASSIGNED: _l("%(actor)s đã phân công %(count)s lượt chấm ở %(object)s"),
        JudgingAction.RELEASED: _l("%(actor)s đã giao bài cho giám khảo ở %(object)s"),
        JudgingAction.JUDGES_REMINDED: _l(
            "Đã nhắc %(people)s giám khảo của %(object)s chấm xong trước hạn %(date)s"
        ),
        JudgingAction.STAGE_OPENED: _l("%(actor)s đã mở chấm %(object)s"),
        JudgingAction.STAGE_CLOSED: _l(
            "%(actor)s đã kết thúc %(object)s; %(advanced)s bài vào vòng sau"
        ),
        JudgingAction.SCORE_REOPENED: _l(
            "%(actor)s đã mở lại điểm của giám khảo %(judge)s cho bài %(code)s, lý do: %(reason)s"
        ),
        JudgingAction.THIRD_JUDGE: _l(
            "Bài %(code)s chênh %(gap)s điểm: %(actor)s đã giao cho giám khảo thứ ba %(judge)s"
        ),
        JudgingAction.HEAD_DECIDED: _l(
            "%(actor)s đã quyết định điểm bài %(code)s: %(score)s, lý do: %(reason)s"
        ),
        JudgingAction.TIE_SHARED: _l(
            "%(actor)s đã quyết định đồng %(object)s cho các bài bằng điểm, lý do: %(reason)s"
        ),
        JudgingAction.TIE_CHOSEN: _l(
            "%(actor)s đã chọn %(codes)s nhận %(object)s trong các bài bằng điểm, lý do: %(reason)s"
        ),
        JudgingAction.FINALISED: _l("%(actor)s đã chốt kết quả %(object)s: %(prizes)s giải"),
        JudgingAction.KEY_VIEWED: _l("%(actor)s đã mở bảng mã phách của %(object)s"),
        JudgingAction.RESULTS_EXPORTED: _l("%(actor)s đã tải bảng kết quả %(object)s (%(format)s)"),
        JudgingAction.UNIT_JUDGING_ON: _l("%(actor)s đã bật chấm thi riêng cho %(object)s"),
        JudgingAction.UNIT_JUDGING_OFF: _l(
            "%(actor)s đã tắt chấm thi riêng của %(object)s: trở lại chọn và gửi bài"
        ),
        JudgingAction.UNIT_JUROR_ADDED: _l(
            "%(actor)s đã tạo tài khoản giám khảo %(judge)s cho hội đồng %(object)s"
        ),
        JudgingAction.UNIT_FINALISED: _l(
            "%(actor)s đã công bố kết quả chấm của %(object)s: %(prizes)s giải; "
            "bảng mã phách được mở cho đơn vị"
        ),
        JudgingAction.FORWARDED_BY_RESULTS: _l(
            "%(actor)s đã gửi %(entries)s bài của %(object)s lên cấp trên theo kết quả chấm; "
            "lý do chọn ở ngưỡng chỉ tiêu: %(reason)s"
        ),
    },
)

# What a leak flag found (`judging.rules.leakscan`), in words: a redaction names its kind.
LEAK_KIND_LABELS = {
    "name": _l("Tên tác giả"),
    "phone": _l("Số điện thoại"),
    "email": _l("Thư điện tử"),
    "unit": _l("Đơn vị của tác giả"),
    "self_reference": _l("Tự xưng"),
    "signature": _l("Chữ ký cuối bài"),
    "name_is_subject": _l("Tác giả trùng tên người được viết"),
    "unscanned": _l("Chưa quét được, cần đọc lại"),
}
register_parameter_labels("leak", LEAK_KIND_LABELS)
