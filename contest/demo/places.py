"""Where the demo's people and exemplars live: villages inside real communes of Sơn La's
districts, so that an address is always geographic (a village belongs to a commune, never to
a department or an enterprise). The communes are real; their villages are typical names."""

from __future__ import annotations

import random
from dataclasses import dataclass

from contest.demo.units import DISTRICTS
from contest.models import Unit

# District code → its communes, each with some of its villages (bản, tiểu khu, tổ dân phố).
GAZETTEER: dict[str, dict[str, tuple[str, ...]]] = {
    "SLA": {
        "phường Chiềng Lề": ("tổ dân phố 2", "tổ dân phố 5", "tổ dân phố 7"),
        "phường Tô Hiệu": ("tổ dân phố 1", "tổ dân phố 4", "tổ dân phố 6"),
        "phường Quyết Thắng": ("tổ dân phố 3", "tổ dân phố 8", "bản Hẹo"),
        "xã Chiềng Ngần": ("bản Hài", "bản Phiêng Ngùa", "bản Co Pục"),
        "xã Hua La": ("bản Bó Ẩn", "bản Dửn", "bản Nà Coóng"),
    },
    "TCH": {
        "thị trấn Thuận Châu": ("tiểu khu 1", "tiểu khu 4", "tiểu khu 9"),
        "xã Chiềng Pấc": ("bản Ỏ", "bản Hụm", "bản Nà Cài"),
        "xã Tông Lạnh": ("bản Hìn", "bản Mòng", "bản Lạnh"),
        "xã Co Mạ": ("bản Pha Khuông", "bản Hua Mạ", "bản Trạng Giống"),
    },
    "QNH": {
        "xã Mường Giàng": ("bản Co Muông", "bản Phiêng Lanh", "bản Lốm"),
        "xã Chiềng Bằng": ("bản Pá Sóng", "bản Nong Sàng", "bản Bon"),
        "xã Cà Nàng": ("bản Phiêng Pẻn", "bản Nà Tăm", "bản Co Sâu"),
    },
    "MLA": {
        "thị trấn Ít Ong": ("tiểu khu 1", "tiểu khu 4", "tiểu khu 5"),
        "xã Ngọc Chiến": ("bản Phiêng Nghịu", "bản Nà Tỉu", "bản Lướng"),
        "xã Mường Bú": ("bản Bó Hốc", "bản Nà Ca", "bản Phiêng Bủng"),
    },
    "BYE": {
        "thị trấn Bắc Yên": ("tiểu khu 1", "tiểu khu 3", "tiểu khu 5"),
        "xã Tà Xùa": ("bản Mống Vàng", "bản Bẹ", "bản Làng Sáng"),
        "xã Phiêng Ban": ("bản Suối Lìn", "bản Pắc Ngà", "bản Đá Mài"),
    },
    "PYE": {
        "thị trấn Phù Yên": ("khối 4", "khối 7", "khối 12"),
        "xã Gia Phù": ("bản Suối Ó", "bản Khoa", "bản Văn Yên"),
        "xã Tường Phong": ("bản Mường Thải", "bản Chiềng Nưa", "bản Khốc"),
    },
    "SMA": {
        "thị trấn Sông Mã": ("tổ dân phố 2", "tổ dân phố 4", "tổ dân phố 9"),
        "xã Chiềng Khương": ("bản Búng", "bản Hải Sơn", "bản Mạt"),
        "xã Nà Nghịu": ("bản Púng", "bản Nà Hin", "bản Pú Hao"),
    },
    "SCO": {
        "xã Sốp Cộp": ("bản Hua Mường", "bản Co Lùng", "bản Pá Khoang"),
        "xã Mường Lạn": ("bản Phiêng Pằn", "bản Huổi Hẹ", "bản Ten Ún"),
        "xã Dồm Cang": ("bản Nà Dìa", "bản Co Chạy", "bản Pá Cóp"),
    },
    "MSO": {
        "thị trấn Hát Lót": ("tiểu khu 1", "tiểu khu 3", "tiểu khu 10"),
        "xã Cò Nòi": ("bản Tiên Sơn", "bản Nà Ớt", "bản Khoang"),
        "xã Chiềng Mung": ("bản Mé", "bản Củ", "bản Mung"),
        "xã Mường Bon": ("bản Bon", "bản Nà Hạ", "bản Phiêng Cằm"),
    },
    "YCH": {
        "thị trấn Yên Châu": ("tiểu khu 1", "tiểu khu 2", "tiểu khu 6"),
        "xã Chiềng Pằn": ("bản Kéo", "bản Tà Vàng", "bản Pằn"),
        "xã Sặp Vạt": ("bản Sặp Vạt", "bản Nà Và", "bản Huổi Khoang"),
    },
    "MCH": {
        "thị trấn Nông trường Mộc Châu": ("tiểu khu 40", "tiểu khu 70", "tiểu khu Bó Bun"),
        "xã Chiềng Sơn": ("bản Lướt", "bản Ta Niết", "bản Chiềng Đi"),
        "xã Đông Sang": ("bản Áng", "bản Pa Khen", "bản Dọi"),
        "xã Chiềng Hắc": ("bản Tà Số", "bản Búa", "bản Pù Lầu"),
    },
    "VHO": {
        "xã Vân Hồ": ("bản Hang Trùng", "bản Bó Nhàng", "bản Lóng Khẩu Cắm"),
        "xã Lóng Luông": ("bản Lóng Luông", "bản Pù Lầu", "bản Phiêng Cành"),
        "xã Chiềng Yên": ("bản Nà Bai", "bản Nà Tân", "bản Suối Lìn"),
    },
}
# Where each provincial body's own offices are; the dairy company is at Mộc Châu.
SEATS = {
    "department": ("SLA", "phường Tô Hiệu"),
    "enterprise": ("MCH", "thị trấn Nông trường Mộc Châu"),
}
# The share of a department's or agency's staff who live in the provincial capital.
CAPITAL_SHARE = 0.6


@dataclass(frozen=True)
class Place:
    """A village (or only a commune, for an office's seat) of a commune of a district."""

    village: str
    commune: str
    district: str

    @property
    def address(self) -> str:
        """`bản Hụm, xã Chiềng Pấc, huyện Thuận Châu`: what a form's address holds."""
        return ", ".join(part for part in (self.village, self.commune, self.district) if part)

    @property
    def local(self) -> str:
        """`bản Hụm, xã Chiềng Pấc`: how an essay names the place."""
        return ", ".join(part for part in (self.village, self.commune) if part)

    @property
    def commune_name(self) -> str:
        """`Chiềng Pấc`: the commune without its kind, as schools are named after it."""
        for kind in ("thị trấn ", "phường ", "xã "):
            if self.commune.startswith(kind):
                return self.commune.removeprefix(kind)
        return self.commune

    @property
    def village_name(self) -> str:
        """`Hụm` for `bản Hụm`; a numbered tiểu khu or tổ is named by its commune."""
        if self.village.startswith("bản "):
            return self.village.removeprefix("bản ")
        return self.commune_name


def lower_first(name: str) -> str:
    """`Xã Chiềng Sơn` → `xã Chiềng Sơn`, as a unit's name reads inside an address."""
    return name[:1].lower() + name[1:]


def district_name(code: str) -> str:
    """`huyện Thuận Châu` for TCH."""
    return lower_first(dict(DISTRICTS)[code])


def place_in(rng: random.Random, district: str, commune: str | None = None) -> Place:
    """A village of `commune` (any of the district's communes if None)."""
    communes = GAZETTEER[district]
    commune = commune or rng.choice(sorted(communes))
    return Place(rng.choice(communes[commune]), commune, district_name(district))


def seat(unit_kind: str) -> Place:
    """The commune where a provincial body's (or the enterprise's) offices are."""
    district, commune = SEATS[unit_kind]
    return Place("", commune, district_name(district))


def home_of(rng: random.Random, unit: Unit) -> Place:
    """Where someone of `unit` lives: in the commune or district itself; for a department
    mostly in the provincial capital, else anywhere; for the enterprise near its farms."""
    if unit.kind == "commune":
        return place_in(rng, unit.parent.code, lower_first(unit.name))
    if unit.kind == "district":
        return place_in(rng, unit.code)
    if unit.kind == "enterprise":
        return place_in(rng, SEATS["enterprise"][0])
    if rng.random() < CAPITAL_SHARE:
        return place_in(rng, "SLA")
    return place_in(rng, rng.choice(sorted(GAZETTEER)))
