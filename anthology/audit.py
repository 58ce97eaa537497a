"""What the anthology records in the audit log, each action a translated sentence."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from contest.platform.audit import AuditAction, register_sentences


class AnthologyAction(AuditAction):
    SETTINGS_SAVED = "anthology_settings"
    COVER_SAVED = "anthology_cover"
    CERTIFICATE_TEMPLATE_SAVED = "anthology_certificate_template"
    PROFILE_ADDED = "anthology_add"
    ITEM_INCLUDED = "anthology_include"
    ITEM_EXCLUDED = "anthology_exclude"
    COPY_EDITED = "anthology_edit"
    PICTURES_DESCRIBED = "anthology_describe"
    BUILD_QUEUED = "anthology_build"
    RESULTS_PUBLISHED = "results_publish"
    RESULTS_WITHDRAWN = "results_withdraw"
    NEWS_POSTED = "news_post"
    NEWS_WITHDRAWN = "news_withdraw"
    WIDGET_ORIGINS_SAVED = "widget_origins"
    PROPOSED = "commendation_propose"
    PROPOSAL_WITHDRAWN = "commendation_withdraw"
    LETTER_SAVED = "forwarding_letter"


register_sentences(
    AnthologyAction,
    {
        AnthologyAction.SETTINGS_SAVED: _l("%(actor)s đã sửa thông tin sách «%(object)s»"),
        AnthologyAction.COVER_SAVED: _l("%(actor)s đã thay ảnh bìa tuyển tập %(contest)s"),
        AnthologyAction.CERTIFICATE_TEMPLATE_SAVED: _l(
            "%(actor)s đã thay mẫu giấy chứng nhận của %(contest)s"
        ),
        AnthologyAction.PROFILE_ADDED: _l("%(actor)s đã thêm hồ sơ %(object)s vào tuyển tập"),
        AnthologyAction.ITEM_INCLUDED: _l("%(actor)s đã đưa lại %(object)s vào tuyển tập"),
        AnthologyAction.ITEM_EXCLUDED: _l(
            "%(actor)s đã để %(object)s ra ngoài tuyển tập, lý do: %(reason)s"
        ),
        AnthologyAction.COPY_EDITED: _l("%(actor)s đã sửa bản in của bài %(object)s"),
        AnthologyAction.PICTURES_DESCRIBED: _l(
            "%(actor)s đã viết mô tả ảnh trong bản in của bài %(object)s"
        ),
        AnthologyAction.BUILD_QUEUED: _l(
            "%(actor)s đã cho dựng tuyển tập %(contest)s (%(formats)s)"
        ),
        AnthologyAction.RESULTS_PUBLISHED: _l("%(actor)s đã công bố kết quả %(object)s"),
        AnthologyAction.RESULTS_WITHDRAWN: _l(
            "%(actor)s đã thu hồi công bố kết quả %(object)s, lý do: %(reason)s"
        ),
        AnthologyAction.NEWS_POSTED: _l("%(actor)s đã đăng tin %(object)s"),
        AnthologyAction.NEWS_WITHDRAWN: _l("%(actor)s đã gỡ tin %(object)s"),
        AnthologyAction.PROPOSED: _l("%(actor)s đã đề nghị tặng Bằng khen cho %(object)s"),
        AnthologyAction.PROPOSAL_WITHDRAWN: _l(
            "%(actor)s đã rút đề nghị tặng Bằng khen cho %(object)s"
        ),
        AnthologyAction.LETTER_SAVED: _l("%(actor)s đã lưu công văn gửi bài lên của %(object)s"),
        AnthologyAction.WIDGET_ORIGINS_SAVED: _l(
            "%(actor)s đã cho các trang sau nhúng danh sách đoạt giải: %(origins)s"
        ),
    },
)
