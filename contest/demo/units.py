"""The demo's units, through the front door: Sơn La's tree from the registry under its short
codes (`contest.registry.short_codes`), renamed where a name changed after 2019 (Mộc Châu
became a thị xã in 2020, Đông Sang a phường), the departments, agencies and mass
organisations the seed names, one enterprise and two villages from `units.csv` (the file a
province uploads), and only the communes of four districts holding a round of their own: the
others are switched off (DOMAIN.md)."""

from pathlib import Path

PROVINCE = "Sơn La"
UNIT_FILE = Path(__file__).with_name("units.csv")
# The district-level units as they were named in 2019, in the demo's order.
DISTRICTS = [
    ("SLA", "Thành phố Sơn La"),
    ("TCH", "Huyện Thuận Châu"),
    ("QNH", "Huyện Quỳnh Nhai"),
    ("MLA", "Huyện Mường La"),
    ("BYE", "Huyện Bắc Yên"),
    ("PYE", "Huyện Phù Yên"),
    ("SMA", "Huyện Sông Mã"),
    ("SCO", "Huyện Sốp Cộp"),
    ("MSO", "Huyện Mai Sơn"),
    ("YCH", "Huyện Yên Châu"),
    ("MCH", "Huyện Mộc Châu"),
    ("VHO", "Huyện Vân Hồ"),
]
# The communes that hold their own round, as they were named in 2019.
COMMUNES = [
    ("SLA-CLE", "Phường Chiềng Lề"),
    ("SLA-THI", "Phường Tô Hiệu"),
    ("SLA-QTH", "Phường Quyết Thắng"),
    ("SLA-CNG", "Xã Chiềng Ngần"),
    ("MCH-CHA", "Xã Chiềng Hắc"),
    ("MCH-CSO", "Xã Chiềng Sơn"),
    ("MCH-DSA", "Xã Đông Sang"),
    ("TCH-TCH", "Thị trấn Thuận Châu"),
    ("TCH-CPA", "Xã Chiềng Pấc"),
    ("TCH-TLA", "Xã Tông Lạnh"),
    ("MSO-HLO", "Thị trấn Hát Lót"),
    ("MSO-CNO", "Xã Cò Nòi"),
]
