"""Whom the demo's essays and profiles are about: a subject whose name, kind, category and
position agree (a cooperative under production, a school under education, a health station
under health ...), and whose address is a real place of Sơn La."""

from __future__ import annotations

import random
from dataclasses import dataclass

from contest.demo.places import Place, home_of, seat
from contest.demo.text import THEME_OF_CATEGORY, honorific, person_name
from contest.models import Unit

# What a commune or a district nominates, by category: a collective's name, or for
# individuals their position. Blanks: {village} bản Hụm, {commune} xã Chiềng Pấc,
# {district} huyện Thuận Châu, {commune_name} Chiềng Pấc, {village_name} Hụm, {product} chè.
LOCAL_SUBJECTS: dict[str, tuple[str, ...]] = {
    "1.1": (
        "Hợp tác xã {product} {village_name}",
        "Hợp tác xã dịch vụ nông nghiệp {commune_name}",
    ),
    "1.2": ("Tập thể {village}, {commune}",),
    "1.3": ("Tập thể {village}, {commune}", "Hợp tác xã nông nghiệp {village_name}"),
    "1.4": (
        "Trường Mầm non {commune_name}",
        "Trường Tiểu học {commune_name}",
        "Trường Phổ thông Dân tộc bán trú Trung học cơ sở {commune_name}",
    ),
    "1.5": ("Trạm Y tế {commune}",),
    "1.6": (
        "Ban Chỉ huy Quân sự {commune}",
        "Công an {commune}",
        "Trung đội dân quân cơ động {commune}",
    ),
    "1.7": (
        "Chi hội Phụ nữ {village}, {commune}",
        "Chi đoàn thanh niên {village}, {commune}",
        "Chi hội Nông dân {village}, {commune}",
        "Hội Cựu chiến binh {commune}",
    ),
    "1.8": ("Ủy ban nhân dân {commune}",),
    "1.9": ("",),
    "2.1": (
        "Giáo viên Trường Tiểu học {commune_name}",
        "Y sĩ Trạm Y tế {commune}",
        "Công chức Văn hóa – Xã hội {commune}",
        "Công chức Địa chính – Xây dựng {commune}",
    ),
    "2.2": (
        "Chủ tịch Ủy ban nhân dân {commune}",
        "Bí thư Đảng ủy {commune}",
        "Hiệu trưởng Trường Mầm non {commune_name}",
        "Trưởng Trạm Y tế {commune}",
    ),
    "2.3": (
        "Công nhân Công ty Cổ phần Mía đường Sơn La",
        "Công nhân Công ty Cổ phần Chè Mộc Châu",
        "Người lao động Hợp tác xã {product} {village_name}",
    ),
    "2.4": ("Nông dân, {village}", "Trưởng {village}", "Người có uy tín, {village}"),
}
# What a provincial body (or the enterprise) nominates: its own sections and field units,
# its staff. A name without blanks is an office at the body's seat.
BODY_SUBJECTS: dict[str, tuple[tuple[str, str], ...]] = {
    "SNV": (
        ("1.8", "Phòng Xây dựng chính quyền và Công tác thanh niên, Sở Nội vụ"),
        ("1.8", "Chi cục Văn thư – Lưu trữ, Sở Nội vụ"),
        ("2.1", "Chuyên viên Ban Thi đua – Khen thưởng, Sở Nội vụ"),
        ("2.2", "Trưởng phòng Công chức, viên chức, Sở Nội vụ"),
    ),
    "SGD": (
        ("1.4", "Trường Phổ thông Dân tộc nội trú {district}"),
        ("1.8", "Phòng Giáo dục Trung học, Sở Giáo dục và Đào tạo"),
        ("2.1", "Giáo viên Trường Phổ thông Dân tộc nội trú {district}"),
        ("2.2", "Hiệu trưởng Trường Phổ thông Dân tộc nội trú {district}"),
    ),
    "SYT": (
        ("1.5", "Trạm Y tế {commune}"),
        ("1.5", "Trung tâm Y tế {district}"),
        ("1.5", "Khoa Hồi sức tích cực – Chống độc, Bệnh viện Đa khoa tỉnh Sơn La"),
        ("1.8", "Phòng Nghiệp vụ Y, Sở Y tế"),
        ("2.1", "Y sĩ Trạm Y tế {commune}"),
        ("2.1", "Bác sĩ Trung tâm Y tế {district}"),
        ("2.2", "Giám đốc Trung tâm Y tế {district}"),
    ),
    "SNN": (
        ("1.8", "Hạt Kiểm lâm {district}"),
        ("1.8", "Chi cục Trồng trọt và Bảo vệ thực vật, Sở Nông nghiệp và Phát triển nông thôn"),
        ("2.1", "Kiểm lâm viên Hạt Kiểm lâm {district}"),
        ("2.1", "Cán bộ khuyến nông {commune}"),
        ("2.2", "Hạt trưởng Hạt Kiểm lâm {district}"),
    ),
    "SVH": (
        ("1.8", "Phòng Quản lý văn hóa, Sở Văn hóa, Thể thao và Du lịch"),
        ("1.8", "Bảo tàng tỉnh Sơn La"),
        ("2.1", "Diễn viên Nhà hát Ca múa nhạc dân tộc Sơn La"),
        ("2.2", "Giám đốc Thư viện tỉnh Sơn La"),
    ),
    "CAT": (
        ("1.6", "Phòng Cảnh sát điều tra tội phạm về ma túy, Công an tỉnh"),
        ("1.6", "Công an {district}"),
        ("1.6", "Công an {commune}"),
        ("2.1", "Cán bộ Công an {commune}"),
        ("2.2", "Trưởng Công an {commune}"),
    ),
    "BCH": (
        ("1.6", "Ban Chỉ huy Quân sự {district}"),
        ("1.6", "Ban Chỉ huy Quân sự {commune}"),
        ("1.6", "Trung đội dân quân cơ động {commune}"),
        ("2.1", "Trợ lý tác chiến, Bộ Chỉ huy Quân sự tỉnh"),
        ("2.2", "Chỉ huy trưởng Ban Chỉ huy Quân sự {commune}"),
    ),
    "TDO": (
        ("1.7", "Đoàn Thanh niên {commune}"),
        ("1.7", "Chi đoàn thanh niên {village}, {commune}"),
        ("2.1", "Chuyên viên Ban Phong trào, Tỉnh đoàn Sơn La"),
        ("2.2", "Bí thư Đoàn Thanh niên {district}"),
    ),
    "HND": (
        ("1.7", "Hội Nông dân {commune}"),
        ("1.7", "Chi hội Nông dân {village}, {commune}"),
        ("2.2", "Chủ tịch Hội Nông dân {commune}"),
        ("2.4", "Hội viên Chi hội Nông dân {village}"),
    ),
    "HPN": (
        ("1.7", "Chi hội Phụ nữ {village}, {commune}"),
        ("1.7", "Hội Liên hiệp Phụ nữ {commune}"),
        ("2.2", "Chủ tịch Hội Liên hiệp Phụ nữ {commune}"),
        ("2.4", "Chi hội trưởng Chi hội Phụ nữ {village}"),
    ),
    "LDL": (
        ("1.7", "Công đoàn Giáo dục {district}"),
        ("1.7", "Công đoàn Trường Tiểu học {commune_name}"),
        ("2.3", "Công nhân Công ty Cổ phần Mía đường Sơn La"),
        ("2.3", "Công nhân vận hành Nhà máy Thủy điện Sơn La"),
        ("2.2", "Chủ tịch Công đoàn Giáo dục {district}"),
    ),
    "MTT": (
        ("1.7", "Ban Công tác Mặt trận {village}, {commune}"),
        ("1.7", "Ủy ban Mặt trận Tổ quốc Việt Nam {commune}"),
        ("2.2", "Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam {commune}"),
        ("2.4", "Trưởng Ban Công tác Mặt trận {village}"),
    ),
    "STT": (
        ("1.8", "Phòng Thông tin – Báo chí – Xuất bản, Sở Thông tin và Truyền thông"),
        ("1.8", "Trung tâm Công nghệ thông tin và Truyền thông, Sở Thông tin và Truyền thông"),
        ("2.1", "Chuyên viên Phòng Bưu chính – Viễn thông, Sở Thông tin và Truyền thông"),
        ("2.2", "Trưởng phòng Thông tin – Báo chí – Xuất bản, Sở Thông tin và Truyền thông"),
    ),
    # A Party body, not a state one (1.8): it nominates its people.
    "BTG": (
        ("2.1", "Báo cáo viên Ban Tuyên giáo Tỉnh ủy"),
        ("2.1", "Chuyên viên Phòng Tuyên truyền – Báo chí, Ban Tuyên giáo Tỉnh ủy"),
        ("2.2", "Trưởng phòng Lý luận chính trị, Ban Tuyên giáo Tỉnh ủy"),
    ),
    "MCM": (
        ("1.1", "Xí nghiệp chế biến sữa, Công ty Cổ phần Giống bò sữa Mộc Châu"),
        ("1.1", "Trại bò sữa Phiêng Luông, Công ty Cổ phần Giống bò sữa Mộc Châu"),
        ("1.7", "Công đoàn Công ty Cổ phần Giống bò sữa Mộc Châu"),
        ("2.3", "Công nhân Xí nghiệp chế biến sữa, Công ty Cổ phần Giống bò sữa Mộc Châu"),
        ("2.3", "Công nhân chăn nuôi, Trại bò sữa Phiêng Luông"),
        ("2.2", "Giám đốc Xí nghiệp chế biến sữa, Công ty Cổ phần Giống bò sữa Mộc Châu"),
    ),
}
WOMEN_ONLY = {"HPN"}
PRODUCTS = ("chè", "rau an toàn", "xoài", "nhãn", "cà phê", "mận hậu", "chanh leo", "bò sữa")
# An individual's essay follows their work, whatever their category (a teacher's is about
# teaching); the first word found in the position decides.
THEME_OF_POSITION = (
    ("Trường", "education"),
    ("Y tế", "health"),
    ("Bệnh viện", "health"),
    ("Công an", "defence"),
    ("Quân sự", "defence"),
    ("Công đoàn", "associations"),
    ("Hội ", "associations"),
    ("Đoàn Thanh niên", "associations"),
    ("Mặt trận", "associations"),
    ("Nông dân", "household"),
)


@dataclass(frozen=True)
class DrawnSubject:
    """A subject as drawn, before it becomes an entry's subject or a profile."""

    name: str
    kind: str
    category: str
    position: str
    place: Place
    theme: str


def kind_of(category: str) -> str:
    """1.9 is households, the other 1.x collectives, 2.x individuals."""
    if category == "1.9":
        return "household"
    return "collective" if category.startswith("1.") else "individual"


def draw_subject(rng: random.Random, unit: Unit) -> DrawnSubject:
    """A subject of `unit`: for a commune or a district any category, in a village of its
    own; for a provincial body one of its sections, field units or staff."""
    home = home_of(rng, unit)
    if unit.kind in ("department", "enterprise"):
        category, template = rng.choice(BODY_SUBJECTS[unit.code])
    else:
        category = rng.choice(list(LOCAL_SUBJECTS))
        template = rng.choice(LOCAL_SUBJECTS[category])
    text = template.format(
        village=home.village,
        commune=home.commune,
        district=home.district,
        commune_name=home.commune_name,
        village_name=home.village_name,
        product=rng.choice(PRODUCTS),
    )
    kind = kind_of(category)
    theme = THEME_OF_CATEGORY[category]
    if kind == "collective":
        place = home if "{" in template else seat(unit.kind)
        return DrawnSubject(text, kind, category, "", place, theme)
    person = person_name(rng, female=True if unit.code in WOMEN_ONLY else None)
    if kind == "household":
        return DrawnSubject(
            f"Hộ gia đình {honorific(person)} {person}", kind, category, "", home, theme
        )
    theme = next((t for word, t in THEME_OF_POSITION if word in text), theme)
    return DrawnSubject(person, kind, category, text, home, theme)


def draw_new_subject(rng: random.Random, unit: Unit, taken: set[str]) -> DrawnSubject:
    """A subject whose name is not in `taken` (then added): a contest's profiles are each
    about someone else."""
    drawn = draw_subject(rng, unit)
    while drawn.name in taken:
        drawn = draw_subject(rng, unit)
    taken.add(drawn.name)
    return drawn
