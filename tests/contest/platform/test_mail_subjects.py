"""Long Vietnamese subjects cross the wire word for word: Python 3.11's header folder drops
the space where it folds between two encoded words ("đượcgửi"), so the mail policy writes
such a subject as encoded words that carry their own spaces, folded within 78 characters."""

from __future__ import annotations

import smtplib

from contest.platform.mail import seal, send

TITLE = "Người giữ rừng bản Mòng của xã Chiềng Sơn huyện Mộc Châu tỉnh Sơn La"
PLACES = (
    "Xã Chiềng Sơn",
    "Huyện Mộc Châu",
    "Huyện Yên Châu",
    "Xã Phiêng Ban",
    "Bản Suối Lìn",
    "Tiểu khu 2",
    "Thị trấn Yên Châu",
    "Xã Đông Sang",
)


def _long_subject(titles: int) -> str:
    listed = ", ".join(f"{TITLE} — {PLACES[i % len(PLACES)]}" for i in range(titles))
    return f"Bài «{listed}» được gửi lên cấp tỉnh"


def test_a_long_vietnamese_subject_is_parsed_back_equal(mail_on):
    subject = _long_subject(7)  # 630 characters: folded past 998 today, a space lost
    send({"to": "a@example.com", "subject": subject, "sealed": seal("Nội dung thư.")})
    [message] = mail_on.to("a@example.com")
    assert message["Subject"] == subject
    assert message.get_content().strip() == "Nội dung thư."


def test_header_lines_stay_within_78_characters_on_the_wire(mail_on, monkeypatch):
    wire = []
    handed_over = smtplib.SMTP.send_message

    def keep(self, message, *args, **kwargs):
        wire.append(message.as_bytes())
        return handed_over(self, message, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "send_message", keep)
    for titles in range(1, 12):
        subject = _long_subject(titles)
        send({"to": f"{titles}@example.com", "subject": subject, "sealed": seal("x")})
        [message] = mail_on.to(f"{titles}@example.com")
        assert message["Subject"] == subject, titles
    for sent in wire:
        head = sent.split(b"\r\n\r\n")[0]
        assert max(len(line) for line in head.split(b"\r\n")) <= 78


def test_a_plain_ascii_subject_is_left_as_it_was(mail_on):
    send({"to": "a@example.com", "subject": "Guong Sang", "sealed": seal("x")})
    [message] = mail_on.to("a@example.com")
    assert message["Subject"] == "Guong Sang"
