"""The demo's units: Sơn La's real district-level units, the departments, agencies and mass
organisations the seed names, one enterprise, communes under four districts and two villages
(DOMAIN.md)."""

DISTRICTS = [
    ("SLC", "Thành phố Sơn La"),
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
DEPARTMENTS = [
    ("SNV", "Sở Nội vụ"),
    ("SGD", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"),
    ("SNN", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("SVH", "Sở Văn hóa, Thể thao và Du lịch"),
    ("CAT", "Công an tỉnh"),
    ("BCH", "Bộ Chỉ huy Quân sự tỉnh"),
    ("TDO", "Tỉnh đoàn Sơn La"),
    ("HND", "Hội Nông dân tỉnh"),
    ("HPN", "Hội Liên hiệp Phụ nữ tỉnh"),
    ("LDL", "Liên đoàn Lao động tỉnh"),
    ("MTT", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
    # The seed's section VI.2 gives these two the news side of the plan; Sở TT&TT also
    # licenses the demo's book.
    ("STT", "Sở Thông tin và Truyền thông"),
    ("BTG", "Ban Tuyên giáo Tỉnh ủy"),
]
ENTERPRISES = [("MCM", "Công ty Cổ phần Giống bò sữa Mộc Châu")]
COMMUNES = {
    "SLC": [
        ("SLC-CLE", "Phường Chiềng Lề", "commune"),
        ("SLC-THI", "Phường Tô Hiệu", "commune"),
        ("SLC-QTH", "Phường Quyết Thắng", "commune"),
        ("SLC-CNG", "Xã Chiềng Ngần", "commune"),
    ],
    "MCH": [
        ("MCH-NTM", "Thị trấn Nông trường Mộc Châu", "commune"),
        ("MCH-CSO", "Xã Chiềng Sơn", "commune"),
        ("MCH-DSA", "Xã Đông Sang", "commune"),
    ],
    "TCH": [
        ("TCH-TTR", "Thị trấn Thuận Châu", "commune"),
        ("TCH-CPA", "Xã Chiềng Pấc", "commune"),
        ("TCH-TLA", "Xã Tông Lạnh", "commune"),
    ],
    "MSO": [("MSO-HLO", "Thị trấn Hát Lót", "commune"), ("MSO-CNO", "Xã Cò Nòi", "commune")],
}
VILLAGES = [
    ("SLC-CLE-TDP2", "Tổ dân phố 2, phường Chiềng Lề", "SLC-CLE"),
    ("MCH-CSO-BLU", "Bản Lướt, xã Chiềng Sơn", "MCH-CSO"),
]
