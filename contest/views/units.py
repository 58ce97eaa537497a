"""The province's units page: the tree with search, a unit added, renamed or moved, the whole
list downloaded as CSV or XLSX and uploaded back (departments, mass organisations and
enterprises have no registry; districts and communes come from `flask units load`)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from contest import policy
from contest.forms import SwitchForm, choices
from contest.models import Unit
from contest.platform.db import db
from contest.platform.errors import InvalidInput
from contest.platform.listing import ListArgs
from contest.platform.text import fold
from contest.platform.web import attachment, user_action
from contest.services import queries, units
from contest.services.units import UnitFileError
from contest.setup_forms import UNIT_KIND_LABELS, UnitEditForm, UnitFileForm, UnitForm
from contest.views.common import bp

KIND_LABELS = {"province": _l("Tỉnh"), **UNIT_KIND_LABELS}
MIMETYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _province_only() -> None:
    policy.require(policy.is_province(current_user))


@bp.route("/units", methods=["GET", "POST"])
@login_required
def units_page():
    """The tree (searched by name or code, accents aside) and the form to add one unit."""
    _province_only()
    tree = queries.tree_order(db.session)
    form = UnitForm()
    form.parent_id.choices = choices((u.id, f"{u.name} ({u.code})") for _d, u in tree)
    if form.validate_on_submit():
        with user_action(_("Đã thêm đơn vị.")) as action:
            units.add_unit(
                action.session,
                current_user,
                code=form.code.data,
                name=form.name.data,
                kind=form.kind.data,
                parent=action.session.get(Unit, form.parent_id.data),
            )
        if action.ok:
            return redirect(url_for("contest.units_page"))
    query = ListArgs(request.args).text()
    shown = [
        (depth, unit)
        for depth, unit in tree
        if not query or fold(query) in fold(f"{unit.code} {unit.name}")
    ]
    return render_template(
        "contest/units.html",
        shown=shown,
        total=len(tree),
        query=query,
        form=form,
        upload=UnitFileForm(),
        kinds=KIND_LABELS,
    )


@bp.route("/units/upload", methods=["POST"])
@login_required
def upload_units():
    """A CSV or XLSX list taken whole or not at all; every problem shown with its line."""
    _province_only()
    form = UnitFileForm()
    if form.validate_on_submit() and form.file.data:
        data, name = form.file.data.read(), form.file.data.filename or ""
        problems: list[tuple[int, str]] = []
        try:
            rows = units.rows_from_file(data, name)
        except UnitFileError as error:
            problems = error.problems
        except InvalidInput as error:
            problems = [(1, str(error))]
        else:
            with user_action() as action:
                try:  # refused before anything is written: the unit of work commits nothing
                    done = units.import_units(action.session, current_user, rows)
                except UnitFileError as error:
                    problems = error.problems
        for line, problem in problems:
            flash(_("Dòng %(line)s: %(problem)s", line=line, problem=problem), "error")
        if not problems and action.ok:
            flash(
                _(
                    "Đã thêm %(created)d đơn vị, đổi tên %(renamed)d, chuyển cấp trên %(moved)d.",
                    created=len(done.created),
                    renamed=len(done.renamed),
                    moved=len(done.moved),
                ),
                "success",
            )
    elif form.is_submitted():
        flash(_("Hãy chọn tệp .csv hoặc .xlsx."), "error")
    return redirect(url_for("contest.units_page"))


@bp.route("/units.<any(csv, xlsx):fmt>")
@login_required
def download_units(fmt: str):
    """The tree as the file the upload reads back."""
    _province_only()
    extension = f".{fmt}"
    return attachment(
        units.unit_file(db.session, extension), MIMETYPES[extension], f"don-vi{extension}"
    )


@bp.route("/units/<code>/active", methods=["POST"])
@login_required
def switch_unit(code: str):
    """Switch a unit off (only while nothing of it was entered) or on again."""
    _province_only()
    unit = _unit_or_404(code)
    form = SwitchForm()
    if form.validate_on_submit():
        active = form.active.data == "1"
        done = _("Đã dùng lại đơn vị.") if active else _("Đã ngừng đơn vị.")
        with user_action(done) as action:
            units.set_unit_active(action.session, current_user, unit, active)
    return redirect(url_for("contest.edit_unit", code=unit.code))


def _unit_or_404(code: str) -> Unit:
    unit = queries.find_unit(db.session, code)
    if unit is None:
        abort(404)
    return unit


@bp.route("/units/<code>", methods=["GET", "POST"])
@login_required
def edit_unit(code: str):
    """Rename a unit, or put it under another parent (never under itself or below it)."""
    _province_only()
    unit = _unit_or_404(code)
    form = UnitEditForm(obj=unit) if request.method == "GET" else UnitEditForm()
    if request.method == "GET":
        form.parent_id.data = unit.parent_id or 0
    parents = [u for _d, u in queries.tree_order(db.session) if not u.is_within(unit)]
    form.parent_id.choices = choices(
        [(0, _("— (đơn vị cấp tỉnh)"))] if unit.parent is None else []
    ) + choices((u.id, f"{u.name} ({u.code})") for u in parents)
    if form.validate_on_submit():
        with user_action(_("Đã lưu đơn vị.")) as action:
            units.rename_unit(action.session, current_user, unit, form.name.data)
            parent = action.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
            if parent is not None and parent.id != unit.parent_id:
                units.move_unit(action.session, current_user, unit, parent)
        if action.ok:
            return redirect(url_for("contest.units_page", q=unit.code))
    return render_template("contest/unit_edit.html", unit=unit, form=form, kinds=KIND_LABELS)
