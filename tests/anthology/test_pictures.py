"""The organiser describes the pictures of an essay for readers who cannot see them: the
text alternative reaches the EPUB and the DOCX, is never printed, and bad input is refused."""

from __future__ import annotations

import re
import zipfile

import pytest
from sqlalchemy import select

from anthology.models import AnthologyItem
from anthology.services import builds, contents
from contest.platform.db import db, utcnow
from contest.platform.errors import InvalidInput
from contest.platform.storage import file_store
from tests.plugins.web import csrf_token, login

# Typst and markdown specials: the description is data in the tree, never markup or code.
DESCRIPTION = "Ông Lò Văn Pánh #1 đứng giữa rừng pơ mu, *tay* cầm cuốn sổ $tuần tra$ ]\\"


@pytest.mark.render_once
def test_a_description_reaches_the_epub_and_the_docx_but_not_the_page(finalised, world, tmp_path):
    contest, rich = finalised["contest"], finalised["rich"]
    province = world["users"]["province"]
    # The picture loses its caption in the book's copy, as pictures from Word usually are.
    uncaptioned = re.sub(r"!\[[^\]]*\]\(media/", "![](media/", rich.body_markdown)
    copy = contents.clean_copy(file_store(), rich, uncaptioned)
    contents.edit_copy(db.session, contest, rich.id, rich.title, copy, province)
    db.session.commit()
    item = contents.essay_item(db.session, contest, rich.id)
    pictures = contents.essay_pictures(item)
    assert [(p.caption, p.description) for p in pictures] == [("", "")]
    before = builds.build_book(
        db.session, contest, str(tmp_path / "a"), ("epub",), now=utcnow(), files=file_store()
    )
    with zipfile.ZipFile(before["epub"]) as archive:
        opf = archive.read("EPUB/content.opf").decode()
    described_before = "alternativeText" in opf
    contents.describe_pictures(
        db.session,
        contest,
        rich.id,
        {pictures[0].name: f"  {DESCRIPTION.replace(' ', '  ')} \n"},
        province,
    )
    db.session.commit()
    assert contents.essay_pictures(contents.essay_item(db.session, contest, rich.id)) == [
        contents.EssayPicture(pictures[0].name, pictures[0].caption, DESCRIPTION)
    ]
    written = builds.build_book(
        db.session,
        contest,
        str(tmp_path / "b"),
        ("docx", "epub", "pdf"),
        now=utcnow(),
        files=file_store(),
    )
    with zipfile.ZipFile(written["epub"]) as archive:
        chapters = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.endswith(".xhtml")
        )
        opf = archive.read("EPUB/content.opf").decode()
    assert re.search(r'<img[^>]*alt="' + re.escape(DESCRIPTION) + '"', chapters), "EPUB alt"
    assert "alternativeText" in opf and not described_before  # the claim follows the book
    with zipfile.ZipFile(written["docx"]) as archive:
        document = archive.read("word/document.xml").decode()
    assert f'descr="{DESCRIPTION}"' in document
    assert "data:image" not in document  # the picture is in the package once, not in the text
    text_runs = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", document))
    assert DESCRIPTION not in text_runs  # read aloud, never printed


def test_unknown_pictures_and_long_descriptions_are_refused_and_change_nothing(finalised, world):
    contest, rich = finalised["contest"], finalised["rich"]
    name = contents.essay_pictures(contents.essay_item(db.session, contest, rich.id))[0].name
    province = world["users"]["province"]
    contents.describe_pictures(db.session, contest, rich.id, {name: "Ảnh rừng"}, province)
    db.session.commit()
    for descriptions, message in (
        ({"../../instance/secret_key": "x"}, "không có ảnh đó"),
        ({name: "ả" * 301}, "dài quá 300 ký tự"),
    ):
        with pytest.raises(InvalidInput, match=message):
            contents.describe_pictures(db.session, contest, rich.id, descriptions, province)
        db.session.rollback()
    saved = db.session.scalar(select(AnthologyItem).where(AnthologyItem.entry_id == rich.id))
    assert saved.picture_descriptions == {name: "Ảnh rừng"}


def _shown(page: str) -> str:
    """The pictures the copy page showed, as its hidden field sends them back."""
    return re.search(r'name="shown" type="hidden" value="([^"]*)"', page).group(1)


def test_a_description_typed_on_a_page_the_copy_has_since_changed_is_refused(
    client, finalised, world
):
    rich = finalised["rich"]
    login(client, world["users"]["province"])
    url = f"/anthology/son-la-2019/items/e/{rich.id}/edit"
    old_page = client.get(url).get_data(as_text=True)
    without_pictures = re.sub(r"!\[[^\]]*\]\(media/[^)]*\)(\{[^}]*\})?", "", rich.body_markdown)
    client.post(
        url,
        data={
            "csrf_token": csrf_token(old_page),
            "title": rich.title,
            "markdown": without_pictures,
        },
    )
    response = client.post(
        f"/anthology/son-la-2019/items/e/{rich.id}/pictures",
        data={
            "csrf_token": csrf_token(old_page),
            "shown": _shown(old_page),
            "picture_0": "Ảnh rừng",
        },
        follow_redirects=True,
    )
    assert "Bản in của bài vừa thay đổi" in response.get_data(as_text=True)
    item = contents.essay_item(db.session, finalised["contest"], rich.id)
    assert item.picture_descriptions == {} and "media/" not in item.book_markdown


def test_the_organiser_describes_a_picture_on_the_copy_page(client, finalised, world):
    rich = finalised["rich"]
    login(client, world["users"]["province"])
    overview = client.get("/anthology/son-la-2019/").get_data(as_text=True)
    assert "Ảnh chưa có mô tả" not in overview  # the picture has its caption from Word
    url = f"/anthology/son-la-2019/items/e/{rich.id}/edit"
    page = client.get(url).get_data(as_text=True)
    uncaptioned = re.sub(r"!\[[^\]]*\]\(media/", "![](media/", rich.body_markdown)
    saved = client.post(
        url,
        data={"csrf_token": csrf_token(page), "title": "Người giữ rừng", "markdown": uncaptioned},
    )
    assert saved.status_code == 302
    overview = client.get("/anthology/son-la-2019/").get_data(as_text=True)
    assert "Ảnh chưa có mô tả: 1" in overview
    page = client.get(url).get_data(as_text=True)
    assert "Mô tả ảnh 1" in page and f"/entries/{rich.id}/media/" in page
    assert "Ảnh này không có chú thích" in page
    target = f"/anthology/son-la-2019/items/e/{rich.id}/pictures"
    too_long = client.post(
        target, data={"csrf_token": csrf_token(page), "shown": _shown(page), "picture_0": "ả" * 301}
    )
    assert too_long.status_code == 200
    assert "300" in too_long.get_data(as_text=True)
    item = contents.essay_item(db.session, finalised["contest"], rich.id)
    assert item.picture_descriptions == {}
    response = client.post(
        target,
        data={
            "csrf_token": csrf_token(page),
            "shown": _shown(page),
            "picture_0": "Người giữ rừng <b>&</b>",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert 'value="Người giữ rừng &lt;b&gt;&amp;&lt;/b&gt;"' in page
    assert "Ảnh chưa có mô tả" not in client.get("/anthology/son-la-2019/").get_data(as_text=True)
    # Saving the copy again keeps the descriptions.
    client.post(
        url,
        data={"csrf_token": csrf_token(page), "title": "Người giữ rừng", "markdown": uncaptioned},
    )
    item = contents.essay_item(db.session, finalised["contest"], rich.id)
    assert list(item.picture_descriptions.values()) == ["Người giữ rừng <b>&</b>"]


def test_control_characters_never_reach_the_database(client, finalised, world):
    """A NUL typed into a form is dropped (PostgreSQL refuses it in text, XML in the book)."""
    rich = finalised["rich"]
    login(client, world["users"]["province"])
    url = f"/anthology/son-la-2019/items/e/{rich.id}/edit"
    page = client.get(url).get_data(as_text=True)
    described = client.post(
        f"/anthology/son-la-2019/items/e/{rich.id}/pictures",
        data={
            "csrf_token": csrf_token(page),
            "shown": _shown(page),
            "picture_0": "Rừng\x00 pơ\x07 \u202emu",
        },
    )
    copied = client.post(
        url,
        data={
            "csrf_token": csrf_token(page),
            "title": "Người\x00 giữ rừng",
            "markdown": "Chữ\x00.",
        },
    )
    assert (described.status_code, copied.status_code) == (302, 302)
    item = contents.essay_item(db.session, finalised["contest"], rich.id)
    assert list(item.picture_descriptions.values()) == ["Rừng pơ mu"]
    assert item.book_title == "Người giữ rừng" and "\x00" not in item.book_markdown
