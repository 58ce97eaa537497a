"""Realistic Vietnamese essays for the demo: composed from a bank of sentences, seeded."""

from __future__ import annotations

import random

FAMILY_NAMES = [
    "Lò",
    "Cầm",
    "Quàng",
    "Vì",
    "Lường",
    "Hà",
    "Điêu",
    "Tòng",
    "Giàng",
    "Sồng",
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Đinh",
    "Bạc",
    "Mùa",
    "Thào",
    "Lù",
]
MALE_NAMES = [
    "Văn Pánh",
    "Văn Hặc",
    "Văn Sơn",
    "A Chứ",
    "A Dơ",
    "Văn Thắng",
    "Văn Khoa",
    "Đức Minh",
    "Văn Tuấn",
    "Văn Hùng",
    "Văn Ngoan",
    "A Páo",
    "Quang Huy",
]
FEMALE_NAMES = [
    "Thị Hoa",
    "Thị Mai",
    "Thị Xuân",
    "Thị Ánh",
    "Thị Hương",
    "Thị Lả",
    "Thị Dung",
    "Thị Thanh",
    "Thị Nga",
    "Thị Bích",
    "Thị Phượng",
    "Thị Hiền",
    "Thị Ỏn",
]
VILLAGES = [
    "bản Mòng",
    "bản Hụm",
    "bản Ỏ",
    "bản Nà Cài",
    "bản Pá Sóng",
    "tiểu khu 3",
    "bản Lướt",
    "bản Hìn",
    "bản Tà Số",
    "bản Co Muông",
    "bản Phiêng Lanh",
    "bản Nong Sàng",
]

OPENINGS = [
    "Ở {place}, nhắc đến {name}, ai cũng dành những lời trân trọng và quý mến.",
    "Tôi biết đến {name} trong một lần về công tác tại {place} vào mùa lúa chín.",
    "Giữa núi rừng Tây Bắc, có những con người lặng lẽ cống hiến như {name} ở {place}.",
    "Người dân {place} vẫn kể cho nhau nghe câu chuyện về {name} với niềm tự hào giản dị.",
]
THEMES = {
    "1": [
        "Từ hai bàn tay trắng, {name} đã mạnh dạn vay vốn ngân hàng chính sách để trồng {crop}.",
        "Năm {year}, thu nhập của gia đình đạt hơn {money} triệu đồng, gấp nhiều lần so với trước.",
        "Không giữ kinh nghiệm cho riêng mình, {name} tận tình hướng dẫn bà con trong bản cách chăm sóc cây trồng.",
        "Mô hình của {name} đã tạo việc làm thường xuyên cho {count} lao động địa phương.",
        "Những nương ngô trên đất dốc được thay bằng những vườn {crop} xanh tốt, cho thu nhập ổn định.",
        "Nhờ áp dụng khoa học kỹ thuật, năng suất tăng lên rõ rệt, sản phẩm được thương lái tìm đến tận vườn.",
        "{name} còn hiến đất để làm đường bê tông vào bản, giúp việc đi lại của bà con thuận tiện hơn.",
        "Phong trào xây dựng nông thôn mới ở {place} có phần đóng góp không nhỏ của {name}.",
    ],
    "2": [
        "Hằng ngày, {name} vượt hàng chục cây số đường đèo dốc để đến với học sinh và bệnh nhân vùng cao.",
        "Có những đêm mưa lũ, {name} vẫn băng rừng lội suối để kịp cứu chữa cho người bệnh.",
        "Nhờ sự kiên trì vận động của {name}, tỷ lệ trẻ em đến trường ở {place} đã đạt gần một trăm phần trăm.",
        "{name} luôn tâm niệm rằng phục vụ nhân dân là niềm hạnh phúc lớn nhất của người cán bộ.",
        "Trong đợt dịch bệnh năm {year}, {name} đã tình nguyện ở lại khu cách ly suốt {count} ngày liền.",
        "Mỗi lời nói, việc làm của {name} đều thấm đẫm tình yêu thương với đồng bào các dân tộc.",
        "Những lớp học xóa mù chữ buổi tối do {name} tổ chức đã giúp nhiều người lớn tuổi biết đọc, biết viết.",
        "Bà con trong bản coi {name} như người thân trong gia đình, có việc gì cũng tìm đến hỏi ý kiến.",
    ],
    "3": [
        "Là người có uy tín trong cộng đồng, {name} đã hòa giải thành công nhiều vụ mâu thuẫn trong bản.",
        "{name} đi đầu trong việc xóa bỏ hủ tục, xây dựng nếp sống văn minh trong việc cưới, việc tang.",
        "Ngôi nhà văn hóa của bản được xây dựng khang trang nhờ sự vận động đóng góp của {name}.",
        "Những đội văn nghệ do {name} thành lập đã giữ gìn được nhiều điệu xòe truyền thống của dân tộc Thái.",
        "Trong {count} năm liền, {place} được công nhận là bản văn hóa tiêu biểu của huyện.",
        "{name} tích cực tham gia tuần tra, giữ gìn an ninh trật tự, không để tệ nạn ma túy xâm nhập vào bản.",
        "Khi có người gặp khó khăn, {name} luôn là người đầu tiên đến thăm hỏi, giúp đỡ bằng cả tấm lòng.",
        "Tấm gương của {name} đã lan tỏa, trở thành động lực để thế hệ trẻ ở {place} noi theo.",
    ],
}
CROPS = ["xoài", "nhãn", "cà phê", "mận hậu", "bơ sáp", "chanh leo", "chè Shan tuyết", "sơn tra"]
CLOSINGS = [
    "Câu chuyện về {name} là minh chứng sinh động cho sức lan tỏa của phong trào thi đua yêu nước ở Sơn La.",
    "Những việc làm tuy nhỏ nhưng ý nghĩa của {name} đã góp phần làm cho quê hương {place} ngày càng đổi mới.",
    "Tôi tin rằng tấm gương của {name} sẽ còn được nhân lên trong nhiều bản làng của tỉnh Sơn La.",
]
TITLES = [
    "Người giữ lửa ở {place}",
    "{name} — tấm gương sáng giữa đại ngàn",
    "Hạt giống đỏ ở {place}",
    "Chuyện về {name}",
    "Bông hoa đẹp nơi vùng cao",
    "Người làm giàu trên đất dốc",
    "Thầm lặng cống hiến",
    "Người con của bản",
    "Sáng mãi một tấm lòng",
]


def person_name(rng: random.Random) -> str:
    given = rng.choice(MALE_NAMES if rng.random() < 0.5 else FEMALE_NAMES)
    return f"{rng.choice(FAMILY_NAMES)} {given}"


def essay(
    rng: random.Random, subject: str, place: str, category: str, target_words: int
) -> tuple[str, str]:
    """(title, body) with paragraphs; body length is close to `target_words` chữ."""
    theme = (
        "1"
        if category in ("1.1", "1.3", "1.9", "2.3")
        else ("2" if category in ("1.4", "1.5", "2.1", "2.2", "1.8") else "3")
    )

    def fill(sentence: str) -> str:
        return sentence.format(
            name=subject,
            place=place,
            crop=rng.choice(CROPS),
            year=rng.randint(2014, 2019),
            money=rng.randint(150, 900),
            count=rng.randint(3, 40),
        )

    paragraphs = [fill(rng.choice(OPENINGS))]
    words = len(paragraphs[0].split())
    pool = THEMES[theme] + rng.sample(THEMES[rng.choice("123")], 3)
    while words < target_words - 40:
        sentences = [fill(sentence) for sentence in rng.sample(pool, rng.randint(3, 6))]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        words += len(paragraph.split())
    paragraphs.append(fill(rng.choice(CLOSINGS)))
    title = fill(rng.choice(TITLES))
    return title, "\n\n".join(paragraphs)
