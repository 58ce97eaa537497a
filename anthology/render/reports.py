"""The board's papers for the People's Committee, in Decree 30's form (`decree30`): the
summary report of the contest (DOCX with charts, and XLSX with native charts) and the prize
decision with its winners list and the amounts in figures and in words. Plain data in,
bytes out: the services gather the figures (`services/summary.py`, `services/papers.py`)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx.shared import Mm
from num2words import num2words
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font

from anthology.render import charts, decree30
from anthology.render.certificates import Issuance
from contest.platform.spreadsheets import append_as_data


def amount_in_words(amount: int) -> str:
    """ "Hai mươi mốt triệu đồng": the total as a decision writes it out."""
    words = num2words(amount, lang="vi") if amount else "không"
    return f"{words[0].upper()}{words[1:]} đồng"


def _percent(share: float | None) -> str:
    return "—" if share is None else decree30.format_number(round(share * 100, 1)) + "%"


@dataclass(frozen=True)
class Paper:
    """What every paper of the board carries around its body."""

    issuance: Issuance
    kind_code: str  # BC (báo cáo), QĐ (quyết định) …: the number reads "…/BC-HĐTĐKT"
    recipients: list[str]

    @property
    def number(self) -> str:
        code = self.issuance.code.strip()
        return f"      /{self.kind_code}-{code}" if code else f"      /{self.kind_code}"


def summary_docx(summary, paper: Paper, labels: dict) -> bytes:
    """The report: participation against quotas, entries by category, subject kind and unit,
    the judging's figures, the prizes, the profiles, and the categories still without an
    exemplar; three charts. `labels` turns stored codes into words (states, unit kinds)."""
    status, judging = summary.status, summary.judging
    pictures = charts_of(summary)
    document = decree30.new_document()
    decree30.heading(document, paper.issuance, paper.number)
    decree30.title(document, ["Báo cáo", f"Tổng kết {summary.contest.title}"])

    decree30.body(document, "I. TÌNH HÌNH TỔ CHỨC VÀ THAM GIA", bold=True, indent=False)
    forwarded = sum(1 for r in summary.rounds if r.has_forwarded)
    decree30.body(
        document,
        f"Cuộc thi có {len(summary.rounds)} đơn vị tổ chức vòng thi ở cấp mình, "
        f"{forwarded} đơn vị đã gửi bài lên. Toàn cuộc thi có {status['entries_total']} bài "
        f"(kể cả bản nháp và bài đã rút), trong đó {summary.entries_sent} bài đã nộp; "
        f"{status['at_province']} bài được chọn gửi về tỉnh; "
        f"{status['profiles_at_province']} hồ sơ gương điển hình được đề cử về tỉnh.",
    )
    states = status["entries_by_state"]
    decree30.table(
        document,
        ["STT", "Trạng thái bài", "Số bài"],
        [[i, labels["state"].get(s, s), n] for i, (s, n) in enumerate(sorted(states.items()), 1)]
        + [["", "Tổng số", status["entries_total"]]],
        [15, 110, 40],
    )
    decree30.body(document, "Tham gia theo đơn vị, so với chỉ tiêu của cấp:", italic=True)
    decree30.table(
        document,
        ["STT", "Đơn vị", "Cấp", "Bài gửi lên", "Chỉ tiêu bài", "Hồ sơ gửi lên", "Đánh giá"],
        [
            [
                i,
                r.unit,
                labels["kind"].get(r.kind, r.kind),
                r.entries_sent,
                f"{r.quota_min}–{r.quota_max}",
                f"{r.profiles_sent}/{r.profile_quota}",
                _quota_verdict(r),
            ]
            for i, r in enumerate(summary.rounds, 1)
        ],
        [12, 50, 20, 19, 22, 21, 21],
        size=11,
    )
    decree30.body(
        document, "Bài đã nộp và hồ sơ theo lĩnh vực (mục III của Kế hoạch):", italic=True
    )
    decree30.table(
        document,
        ["Mã", "Lĩnh vực", "Bài", "Hồ sơ"],
        [[code, name, e, p] for code, name, e, p in summary.by_category],
        [15, 110, 20, 20],
        size=11,
    )
    _picture(document, pictures["categories"])
    decree30.body(document, "Bài đã nộp theo đối tượng được viết về:", italic=True)
    decree30.table(document, ["Đối tượng", "Số bài"], [list(r) for r in summary.by_kind], [110, 55])
    decree30.body(document, "Tác giả và bài đã nộp theo đơn vị:", italic=True)
    decree30.table(
        document,
        ["STT", "Đơn vị", "Tác giả", "Bài"],
        [[i, unit, a, e] for i, (unit, a, e) in enumerate(summary.by_unit, 1)],
        [15, 100, 25, 25],
        size=11,
    )
    _picture(document, pictures["units"])

    decree30.body(document, "II. CÔNG TÁC CHẤM THI CẤP TỈNH", bold=True, indent=False)
    agreement = judging["agreement"]
    decree30.body(
        document,
        f"Vòng chấm {judging['stage'] or '—'}: {len(judging['judges'])} giám khảo chấm "
        f"{judging['entries']} bài, nộp {judging['scores_submitted']} phiếu điểm; "
        f"{judging['third_judges']} bài có giám khảo thứ ba; trưởng ban quyết định "
        f"{judging['head_decisions']} bài. Mức thống nhất giữa các giám khảo: hệ số α "
        f"Krippendorff {_alpha(agreement['alpha'])}, {_percent(agreement['within_gap'])} cặp "
        f"điểm chênh nhau trong ngưỡng cho phép.",
    )
    decree30.table(
        document,
        ["Giám khảo", "Được giao", "Đã nộp"],
        [[j["name"], j["assigned"], j["submitted"]] for j in judging["judges"]],
        [105, 30, 30],
        size=11,
    )

    decree30.body(document, "III. KẾT QUẢ GIẢI THƯỞNG", bold=True, indent=False)
    decree30.table(
        document,
        ["Giải", "Số giải", "Mức thưởng (đồng)", "Thành tiền (đồng)"],
        [[p.name, p.winners, p.amount, p.total] for p in summary.prizes]
        + [["Tổng cộng", sum(p.winners for p in summary.prizes), "", summary.prize_total]],
        [55, 25, 42, 43],
    )
    decree30.body(document, f"Tổng số tiền thưởng: {amount_in_words(summary.prize_total)}.")
    if summary.prizes:
        _picture(document, pictures["prizes"])
    if summary.prizes_by_category:
        decree30.body(document, "Giải cấp tỉnh theo lĩnh vực:", italic=True)
        decree30.table(
            document,
            ["Mã", "Lĩnh vực", "Số giải"],
            [list(r) for r in summary.prizes_by_category],
            [15, 120, 30],
            size=11,
        )
    if summary.unit_prizes:
        decree30.body(document, "Giải của các đơn vị tự tổ chức chấm:", italic=True)
        decree30.table(
            document, ["Đơn vị", "Số giải"], [list(r) for r in summary.unit_prizes], [120, 45]
        )

    decree30.body(document, "IV. GƯƠNG ĐIỂN HÌNH", bold=True, indent=False)
    decree30.body(
        document,
        f"{status['profiles_at_province']} hồ sơ gương điển hình được đề cử về tỉnh; "
        f"{summary.profiles_in_book} hồ sơ được đưa vào tuyển tập.",
    )
    gaps = summary.categories_without_exemplar
    if gaps:
        decree30.body(
            document,
            "Lĩnh vực chưa có bài viết hay hồ sơ gương điển hình nào, cần tập trung tuyên "
            "truyền, phát hiện trong thời gian tới: "
            + "; ".join(f"{code} – {name}" for code, name in gaps)
            + ".",
        )
    decree30.closing(
        document, paper.recipients, paper.issuance.signer_authority, paper.issuance.signer_name
    )
    return decree30.to_bytes(document)


def _alpha(value: float | None) -> str:
    return "—" if value is None else decree30.format_number(round(value, 2))


def _quota_verdict(row) -> str:
    if not row.has_forwarded:
        return "Chưa gửi"
    if row.entries_sent < row.quota_min:
        return "Thiếu"
    if row.entries_sent > row.quota_max:
        return "Vượt"
    return "Đạt"


def charts_of(summary) -> dict[str, bytes]:
    """The report's three charts, PNG."""
    return {
        "categories": charts.bar_chart(
            "Bài đã nộp theo lĩnh vực",
            [f"{code} {name}" for code, name, _e, _p in summary.by_category],
            [e for _c, _n, e, _p in summary.by_category],
        ),
        "units": charts.bar_chart(
            "Bài đã nộp theo đơn vị (10 đơn vị nhiều bài nhất)",
            [unit for unit, _a, _e in summary.by_unit[:10]],
            [e for _u, _a, e in summary.by_unit[:10]],
        ),
        "prizes": charts.bar_chart(
            "Số giải cấp tỉnh",
            [p.name for p in summary.prizes],
            [p.winners for p in summary.prizes],
        ),
    }


def _picture(document, png: bytes) -> None:
    document.add_picture(io.BytesIO(png), width=Mm(150))


def summary_xlsx(summary, labels: dict) -> bytes:
    """The same figures as sheets a clerk can sort and sum, with native bar charts."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp"
    status, judging = summary.status, summary.judging
    _rows(
        sheet,
        ["Chỉ tiêu", "Số"],
        [
            ["Tổng số bài (kể cả nháp, đã rút)", status["entries_total"]],
            ["Bài đã nộp", summary.entries_sent],
            ["Bài về tỉnh", status["at_province"]],
            ["Hồ sơ gương điển hình về tỉnh", status["profiles_at_province"]],
            ["Hồ sơ trong tuyển tập", summary.profiles_in_book],
            ["Giám khảo", len(judging["judges"])],
            ["Phiếu điểm đã nộp", judging["scores_submitted"]],
            ["Bài có giám khảo thứ ba", judging["third_judges"]],
            ["Bài trưởng ban quyết định", judging["head_decisions"]],
            ["Hệ số α Krippendorff", judging["agreement"]["alpha"]],
            ["Tỉ lệ cặp điểm trong ngưỡng", judging["agreement"]["within_gap"]],
            ["Tổng tiền thưởng (đồng)", summary.prize_total],
        ]
        + [
            [f"Bài {labels['state'].get(s, s)}", n]
            for s, n in sorted(status["entries_by_state"].items())
        ],
    )
    _rows(
        book.create_sheet("Đơn vị"),
        ["Đơn vị", "Cấp", "Bài gửi lên", "Tối thiểu", "Tối đa", "Hồ sơ", "Chỉ tiêu hồ sơ"]
        + ["Đã gửi"],
        [
            [
                r.unit,
                labels["kind"].get(r.kind, r.kind),
                r.entries_sent,
                r.quota_min,
                r.quota_max,
                r.profiles_sent,
                r.profile_quota,
                "Có" if r.has_forwarded else "Chưa",
            ]
            for r in summary.rounds
        ],
    )
    categories = book.create_sheet("Lĩnh vực")
    _rows(categories, ["Mã", "Lĩnh vực", "Bài", "Hồ sơ"], [list(r) for r in summary.by_category])
    _chart(categories, "Bài theo lĩnh vực", 3, len(summary.by_category), "F2")
    _rows(book.create_sheet("Đối tượng"), ["Đối tượng", "Bài"], [list(r) for r in summary.by_kind])
    _rows(
        book.create_sheet("Tác giả theo đơn vị"),
        ["Đơn vị", "Tác giả", "Bài"],
        [list(r) for r in summary.by_unit],
    )
    _rows(
        book.create_sheet("Giám khảo"),
        ["Giám khảo", "Được giao", "Đã nộp", "Nháp"],
        [[j["name"], j["assigned"], j["submitted"], j["drafts"]] for j in judging["judges"]],
    )
    prizes = book.create_sheet("Giải thưởng")
    _rows(
        prizes,
        ["Giải", "Số giải", "Mức thưởng (đồng)", "Thành tiền (đồng)"],
        [[p.name, p.winners, p.amount, p.total] for p in summary.prizes],
    )
    _chart(prizes, "Số giải", 2, len(summary.prizes), "F2")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(sheet, header: list[str], rows: list[list]) -> None:
    """A bold, frozen header, then the rows as data (a name like "=HYPERLINK(…)" stays text)."""
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        append_as_data(sheet, row)
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    sheet.freeze_panes = "A2"


def _chart(sheet, title: str, column: int, count: int, anchor: str) -> None:
    if not count:
        return
    chart = BarChart()
    chart.type, chart.title, chart.legend = "bar", title, None
    values = Reference(sheet, min_col=column, min_row=1, max_row=count + 1)
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=count + 1))
    chart.height, chart.width = max(7.5, count * 0.6), 16
    sheet.add_chart(chart, anchor)


@dataclass(frozen=True)
class Winner:
    author_id: int  # an author may win twice: the decision counts people and prizes apart
    prize: str
    author: str
    unit: str
    title: str
    amount: int


def decision_docx(
    *,
    contest_title: str,
    winners: list[Winner],
    ladder: list[tuple[str, int, int]],
    paper: Paper,
    authority: str,
    bases: list[str],
) -> bytes:
    """Quyết định khen thưởng: the authority, its legal bases, three articles (who is rewarded,
    with what, who carries it out), then the winners list with the total in figures and in
    words. `ladder` is (prize, number of winners, amount each)."""
    total = sum(w.amount for w in winners)
    document = decree30.new_document()
    decree30.heading(document, paper.issuance, paper.number)
    decree30.title(
        document,
        ["Quyết định", f"Về việc khen thưởng các tác giả đoạt giải {contest_title}"],
    )
    decree30.paragraph(document, authority.upper(), 14, bold=True, before=12, after=12)
    for basis in bases:
        decree30.body(document, basis, italic=True)
    decree30.paragraph(document, "QUYẾT ĐỊNH:", 14, bold=True, before=12, after=12)
    decree30.body(
        document,
        f"Điều 1. Khen thưởng {len({w.author_id for w in winners})} tác giả với {len(winners)} "
        f"bài đoạt giải {contest_title} (có danh sách kèm theo).",
    )
    levels = "; ".join(
        f"{decree30.prize_phrase(name)}: {n} giải, mỗi giải {decree30.format_number(amount)} đồng"
        if amount
        else f"{decree30.prize_phrase(name)}: {n} giải"
        for name, n, amount in ladder
    )
    decree30.body(
        document,
        f"Điều 2. Mỗi tác giả được cấp Giấy chứng nhận và tiền thưởng theo mức giải ({levels}). "
        f"Tổng số tiền thưởng: {decree30.format_number(total)} đồng "
        f"(Bằng chữ: {amount_in_words(total)}).",
    )
    decree30.body(
        document,
        "Điều 3. Quyết định có hiệu lực kể từ ngày ký. Ban Tổ chức cuộc thi, các đơn vị có "
        "tác giả đoạt giải và các tác giả có tên tại Điều 1 chịu trách nhiệm thi hành Quyết "
        "định này./.",
    )
    decree30.closing(
        document, paper.recipients, paper.issuance.signer_authority, paper.issuance.signer_name
    )
    document.add_page_break()
    decree30.paragraph(document, "DANH SÁCH TÁC GIẢ ĐOẠT GIẢI", 14, bold=True)
    decree30.paragraph(document, contest_title, 13, italic=True, after=12)
    decree30.table(
        document,
        ["STT", "Họ và tên", "Đơn vị", "Tên bài", "Giải", "Số tiền (đồng)"],
        [
            [i, w.author, w.unit, w.title, decree30.prize_phrase(w.prize), w.amount]
            for i, w in enumerate(winners, 1)
        ]
        + [["", "Tổng cộng", "", "", "", total]],
        [12, 35, 33, 45, 20, 20],
        size=11,
    )
    decree30.body(document, f"Bằng chữ: {amount_in_words(total)}.", italic=True, indent=False)
    return decree30.to_bytes(document)
