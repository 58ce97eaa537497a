"""Realistic Vietnamese essays for the demo: composed from a bank of sentences, seeded."""

from __future__ import annotations

import random
from collections.abc import Callable

# Surnames and given names by ethnic group, drawn together so that no Kinh surname takes the
# H'Mông "A" and no Thái one a Kinh middle name; women's names carry "Thị" (`honorific`).
ETHNIC_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "Thái": (
        ("Lò", "Cầm", "Quàng", "Vì", "Lường", "Điêu", "Tòng", "Bạc"),
        (
            "Văn Pánh",
            "Văn Hặc",
            "Văn Ngoan",
            "Văn Sơn",
            "Văn Thắng",
            "Văn Khoa",
            "Văn Ơn",
            "Văn Xôm",
            "Văn Chiến",
            "Văn Panh",
        ),
        (
            "Thị Lả",
            "Thị Ỏn",
            "Thị Hoa",
            "Thị Xuân",
            "Thị Ánh",
            "Thị Mai",
            "Thị Un",
            "Thị Pọm",
            "Thị Hương",
            "Thị Thanh",
        ),
    ),
    "H'Mông": (
        ("Giàng", "Sồng", "Mùa", "Thào", "Lù", "Vàng", "Hờ"),
        ("A Chứ", "A Dơ", "A Páo", "A Lử", "A Tủa", "A Sình", "A Khua", "A Chá", "A Phềnh", "A Di"),
        ("Thị Mỷ", "Thị Súa", "Thị Dế", "Thị Máy", "Thị Pà", "Thị Xua", "Thị Dua", "Thị Sinh"),
    ),
    "Kinh": (
        ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đinh", "Vũ", "Đỗ"),
        (
            "Văn Tuấn",
            "Văn Hùng",
            "Đức Minh",
            "Quang Huy",
            "Mạnh Cường",
            "Đức Anh",
            "Văn Thắng",
            "Quang Trung",
        ),
        (
            "Thị Hương",
            "Thị Dung",
            "Thị Thanh",
            "Thị Nga",
            "Thị Bích",
            "Thị Phượng",
            "Thị Hiền",
            "Thị Thu",
        ),
    ),
    "Mường": (
        ("Đinh", "Hà", "Bùi", "Quách"),
        ("Văn Thương", "Văn Đoàn", "Công Tuấn", "Văn Dũng", "Văn Kiên"),
        ("Thị Thoa", "Thị Liên", "Thị Nhung", "Thị Hằng"),
    ),
}
# Roughly Sơn La's people: Thái over half, then Kinh, H'Mông and Mường.
ETHNIC_SHARES = {"Thái": 53, "Kinh": 17, "H'Mông": 16, "Mường": 8}

OPENINGS = [
    "Ở {place}, nhắc đến {name}, ai cũng dành những lời trân trọng và quý mến.",
    "Tôi biết đến {name} trong một lần về công tác tại {place} vào mùa lúa chín.",
    "Giữa núi rừng Tây Bắc, có những tấm gương lặng lẽ cống hiến như {name} ở {place}.",
    "Người dân {place} vẫn kể cho nhau nghe câu chuyện về {name} với niềm tự hào giản dị.",
]
# What an essay or a profile says, by what its subject does (`THEME_OF_CATEGORY`).
THEMES = {
    "production": [
        "Từ những ngày đầu chỉ có vài thành viên góp vốn, {name} đã mạnh dạn vay vốn, đầu tư mở rộng sản xuất và chế biến.",
        "Năm {year}, doanh thu của {name} đạt hơn {money} triệu đồng, nộp ngân sách đầy đủ và đúng hạn.",
        "{name} tạo việc làm thường xuyên cho {count} lao động địa phương với mức thu nhập ổn định.",
        "Sản phẩm của {name} được chứng nhận đạt tiêu chuẩn an toàn và đã có mặt ở nhiều siêu thị dưới xuôi.",
        "Nhờ đưa máy móc và quy trình sản xuất sạch vào áp dụng, năng suất tăng rõ rệt qua từng vụ.",
        "{name} ký hợp đồng bao tiêu sản phẩm cho hàng trăm hộ dân ở {place}, giúp bà con yên tâm sản xuất.",
        "Mỗi năm, {name} đều dành một phần lợi nhuận ủng hộ quỹ vì người nghèo và quỹ khuyến học của địa phương.",
    ],
    "household": [
        "Từ hai bàn tay trắng, gia đình đã mạnh dạn vay vốn ngân hàng chính sách để trồng {crop}.",
        "Năm {year}, thu nhập của gia đình đạt hơn {money} triệu đồng, gấp nhiều lần so với trước.",
        "Không giữ kinh nghiệm cho riêng mình, gia đình tận tình hướng dẫn bà con trong bản cách chăm sóc cây trồng.",
        "Mô hình kinh tế của gia đình đã tạo việc làm thường xuyên cho {count} lao động địa phương.",
        "Những nương ngô trên đất dốc được thay bằng những vườn {crop} xanh tốt, cho thu nhập ổn định.",
        "Nhờ áp dụng khoa học kỹ thuật, năng suất tăng lên rõ rệt, sản phẩm được thương lái tìm đến tận vườn.",
        "Gia đình còn cho nhiều hộ khó khăn trong bản mượn vốn không lấy lãi để mua giống, phân bón.",
    ],
    "labour": [
        "Vào làm công nhân từ khi còn rất trẻ, {name} luôn chấp hành nghiêm nội quy, kỷ luật lao động.",
        "Năm {year}, sáng kiến cải tiến quy trình của {name} được công nhận, giúp đơn vị tiết kiệm hơn {money} triệu đồng.",
        "{name} luôn vượt định mức được giao, nhiều năm liền là lao động giỏi của đơn vị.",
        "Không ngại khó, {name} kèm cặp {count} công nhân trẻ mới vào nghề cho đến khi thành thạo công việc.",
        "Trong mỗi ca làm việc, {name} là người kiểm tra an toàn máy móc đầu tiên và rời xưởng sau cùng.",
        "Đồng nghiệp quý mến {name} vì tinh thần đoàn kết, sẵn sàng giúp đỡ người gặp khó khăn.",
    ],
    "culture": [
        "Là tấm gương có uy tín trong cộng đồng, {name} đã hòa giải thành công nhiều vụ mâu thuẫn trong bản.",
        "{name} đi đầu trong việc xóa bỏ hủ tục, xây dựng nếp sống văn minh trong việc cưới, việc tang.",
        "Ngôi nhà văn hóa của bản được xây dựng khang trang nhờ sự vận động đóng góp của {name}.",
        "Những đội văn nghệ do {name} thành lập đã giữ gìn được nhiều điệu xòe truyền thống của dân tộc Thái.",
        "Nhiều năm liền, {place} được công nhận là khu dân cư văn hóa tiêu biểu của huyện.",
        "Năm {year}, mọi gia đình ở {place} đều đạt danh hiệu “Gia đình văn hóa”.",
    ],
    "new_rural": [
        "Hưởng ứng phong trào xây dựng nông thôn mới, {name} đã vận động bà con hiến hàng nghìn mét vuông đất để mở rộng đường vào bản.",
        "Đến năm {year}, {place} đã hoàn thành phần lớn các tiêu chí nông thôn mới, nhiều tuyến đường được bê tông hóa.",
        "Bà con cùng góp {count} ngày công để xây nhà văn hóa, kéo điện và dẫn nước sạch về từng nhà.",
        "Nhờ chuyển đổi cây trồng sang {crop}, thu nhập bình quân ở {place} đã tăng lên rõ rệt.",
        "{name} chú trọng giữ gìn cảnh quan: đường bản có đèn chiếu sáng, hai bên trồng hoa, rác thải được thu gom đúng nơi.",
        "Cách làm của {name} là bàn bạc dân chủ: việc gì dân biết, dân bàn, dân làm và dân kiểm tra.",
    ],
    "education": [
        "Nhờ sự kiên trì vận động của {name}, tỷ lệ trẻ em đến trường ở {place} đã đạt gần một trăm phần trăm.",
        "Năm {year}, {name} có {count} học sinh đạt giải trong các kỳ thi học sinh giỏi cấp huyện, cấp tỉnh.",
        "Những lớp học xóa mù chữ buổi tối do {name} tổ chức đã giúp nhiều người lớn tuổi biết đọc, biết viết.",
        "Bữa cơm bán trú cho học sinh người Mông, người Thái được {name} chăm lo chu đáo, để các em yên tâm ở lại trường.",
        "{name} luôn đổi mới phương pháp dạy học, đưa tiếng Việt đến với học sinh dân tộc thiểu số một cách gần gũi.",
        "Mùa mưa lũ, {name} cùng phụ huynh sửa lại đường đến các điểm trường lẻ để không buổi học nào bị gián đoạn.",
    ],
    "health": [
        "Có những đêm mưa lũ, {name} vẫn băng rừng lội suối để kịp cứu chữa cho người bệnh.",
        "Trong đợt dịch bệnh năm {year}, {name} đã tình nguyện ở lại khu cách ly suốt {count} ngày liền.",
        "Nhờ {name}, tỷ lệ tiêm chủng đầy đủ cho trẻ em dưới một tuổi ở {place} luôn đạt trên chín mươi phần trăm.",
        "{name} kiên trì vận động chị em đến sinh con tại trạm y tế, bỏ dần tục đẻ ở nhà.",
        "Y đức của người thầy thuốc được {name} giữ gìn: tận tụy, không phân biệt người giàu, người nghèo.",
        "Năm {year}, {name} đã khám, chữa bệnh cho hơn {count} nghìn lượt người dân vùng cao.",
    ],
    "defence": [
        "{name} tích cực tuần tra, giữ gìn an ninh trật tự, không để tệ nạn ma túy xâm nhập vào bản.",
        "Năm {year}, {name} phối hợp triệt phá {count} vụ mua bán trái phép chất ma túy trên địa bàn.",
        "Công tác huấn luyện dân quân được {name} tổ chức nghiêm túc, đạt loại giỏi trong các đợt kiểm tra.",
        "Mùa mưa lũ, {name} luôn có mặt đầu tiên để giúp bà con di dời tài sản khỏi vùng sạt lở.",
        "{name} xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc vững mạnh, nhiều bản nhiều năm liền không có tội phạm.",
        "Những buổi tuyên truyền pháp luật do {name} tổ chức tại nhà văn hóa bản luôn thu hút đông đảo bà con.",
    ],
    "associations": [
        "{name} có cách làm sáng tạo trong tuyên truyền, vận động hội viên thực hiện tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước.",
        "Năm {year}, {name} vận động hội viên góp hơn {money} triệu đồng giúp các hộ khó khăn làm nhà, mua giống.",
        "Mô hình tổ tiết kiệm và vay vốn do {name} duy trì đã giúp {count} hộ hội viên thoát nghèo.",
        "Những buổi sinh hoạt của {name} luôn đông vui, gắn với văn nghệ, thể thao và chia sẻ kinh nghiệm làm ăn.",
        "{name} tích cực hưởng ứng các phong trào thi đua do tỉnh phát động, nhiều năm liền được công nhận vững mạnh.",
        "Mỗi hội viên, đoàn viên được {name} động viên trở thành tấm gương đi đầu trong bản.",
    ],
    "administration": [
        "{name} luôn tâm niệm rằng phục vụ nhân dân là niềm hạnh phúc lớn nhất của người cán bộ.",
        "Thực hiện cải cách hành chính, {name} đã rút ngắn thời gian giải quyết hồ sơ cho người dân và doanh nghiệp.",
        "Năm {year}, {name} giải quyết đúng hạn hơn {money} hồ sơ, không để tồn đọng.",
        "Mỗi lời nói, việc làm của {name} đều thấm đẫm tình yêu thương với đồng bào các dân tộc.",
        "{name} thường xuyên xuống tận các bản để nắm tình hình, lắng nghe ý kiến của bà con.",
        "Đoàn kết, thực hành tiết kiệm, chống lãng phí là điều {name} luôn coi trọng trong công việc.",
    ],
}
# What fits any subject: a few of these are mixed into every essay.
ANYONE = [
    "Khi có người gặp khó khăn, {name} luôn là người đầu tiên đến thăm hỏi, giúp đỡ bằng cả tấm lòng.",
    "Tấm gương của {name} đã lan tỏa, trở thành động lực để thế hệ trẻ ở {place} noi theo.",
    "Bà con ở {place} coi {name} như người thân, có việc gì cũng tìm đến hỏi ý kiến.",
    "Những việc làm của {name} tuy giản dị nhưng đã góp phần thay đổi diện mạo của quê hương.",
    "Nhiều năm liền, {name} được các cấp, các ngành biểu dương, khen thưởng.",
]
THEME_OF_CATEGORY = {
    "1.1": "production",
    "1.2": "culture",
    "1.3": "new_rural",
    "1.4": "education",
    "1.5": "health",
    "1.6": "defence",
    "1.7": "associations",
    "1.8": "administration",
    "1.9": "household",
    "2.1": "administration",
    "2.2": "administration",
    "2.3": "labour",
    "2.4": "culture",
}
CROPS = ["xoài", "nhãn", "cà phê", "mận hậu", "bơ sáp", "chanh leo", "chè Shan tuyết", "sơn tra"]
CLOSINGS = [
    "Câu chuyện về {name} là minh chứng sinh động cho sức lan tỏa của phong trào thi đua yêu nước ở Sơn La.",
    "Những việc làm tuy nhỏ nhưng ý nghĩa của {name} đã góp phần làm cho quê hương {place} ngày càng đổi mới.",
    "Tôi tin rằng tấm gương của {name} sẽ còn được nhân lên trong nhiều bản làng của tỉnh Sơn La.",
]
TITLES = [
    "Ngọn lửa thi đua ở {place}",
    "{name} — tấm gương sáng giữa đại ngàn",
    "Hạt giống đỏ ở {place}",
    "Chuyện về {name}",
    "Bông hoa đẹp nơi vùng cao",
    "Điểm sáng ở {place}",
    "Thầm lặng cống hiến",
    "Lan tỏa từ {place}",
    "Sáng mãi một tấm gương",
]


def person_name(rng: random.Random, female: bool | None = None) -> str:
    """A full name of one ethnic group, a woman's or a man's (either if `female` is None)."""
    group = rng.choices(list(ETHNIC_SHARES), weights=list(ETHNIC_SHARES.values()))[0]
    surnames, male, women = ETHNIC_NAMES[group]
    if female is None:
        female = rng.random() < 0.5
    return f"{rng.choice(surnames)} {rng.choice(women if female else male)}"


def honorific(name: str) -> str:
    """`bà` before a woman's name, `ông` before a man's: the demo's women's names carry Thị."""
    return "bà" if " Thị " in f" {name} " else "ông"


def _filler(
    rng: random.Random, name: str, place: str, years: tuple[int, int]
) -> Callable[[str], str]:
    """Fill a sentence's blanks; the years it mentions lie within `years`."""

    def fill(sentence: str) -> str:
        return sentence.format(
            name=name,
            place=place,
            crop=rng.choice(CROPS),
            year=rng.randint(*years),
            money=rng.randint(150, 900),
            count=rng.randint(3, 40),
        )

    return fill


def achievements(rng: random.Random, name: str, place: str, theme: str, year: int) -> str:
    """A profile's achievements: three sentences of its theme, about the year `year`."""
    fill = _filler(rng, name, place, (year, year))
    return " ".join(fill(sentence) for sentence in rng.sample(THEMES[theme], 3))


def essay(
    rng: random.Random,
    subject: str,
    place: str,
    theme: str,
    target_words: int,
    *,
    year: int,
) -> tuple[str, str]:
    """(title, body) with paragraphs; body length is close to `target_words` chữ. Written
    in the contest's `year`, it looks back on the years before it."""
    fill = _filler(rng, subject, place, (year - 6, year - 1))
    paragraphs = [fill(rng.choice(OPENINGS))]
    words = len(paragraphs[0].split())
    pool = THEMES[theme] + rng.sample(ANYONE, 3)
    while words < target_words - 40:
        sentences = [fill(sentence) for sentence in rng.sample(pool, rng.randint(3, 6))]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        words += len(paragraph.split())
    paragraphs.append(fill(rng.choice(CLOSINGS)))
    title = fill(rng.choice(TITLES))
    return title, "\n\n".join(paragraphs)
