"""How often the leak scan flags an essay its supposed author did not write: the false-positive
rate of the name, phone and e-mail rules (issue 25: a common given name alone must not flag
half the essays).

Two corpora, both scanned against identities that did not write them:
- the demo's essays (load a demo first, as for `bench_pages`), each scanned with the identity
  of another, randomly drawn entrant;
- the same essays scanned with 1,000 names drawn from the province's ethnic naming patterns
  (`contest.demo.text.person_name`, another seed), with made-up phones and e-mails.
A flag here is a false positive, save where an essay happens to tell of a namesake. The
demo's essays scanned against their own authors give the organiser's load on the demo.

    DATABASE_URL=sqlite:////tmp/d.sqlite .venv/bin/flask --app wsgi db upgrade
    DATABASE_URL=sqlite:////tmp/d.sqlite .venv/bin/flask --app wsgi demo --entries 300
    DATABASE_URL=sqlite:////tmp/d.sqlite .venv/bin/python -m bench.bench_leakscan"""

from __future__ import annotations

import random
import time
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from contest.demo import text as demo_text
from contest.models import Entry
from contest.platform.db import db
from judging.rules.leakscan import scan
from wsgi import create_app

IDENTITY_KINDS = ("name", "name_is_subject", "phone", "email")


def _rate(essays: list[Entry], identities: list[tuple[str, str, str]], label: str) -> None:
    flagged, rules = 0, Counter()
    start = time.perf_counter()
    for entry, (name, phone, email) in zip(essays, identities, strict=True):
        flags = [
            f
            for f in scan(entry.body_text, title=entry.title, author_name=name,
                          phone=phone, email=email, subject_name=entry.subject_name)
            if f.kind in IDENTITY_KINDS
        ]  # fmt: skip
        flagged += bool(flags)
        rules.update(f"{f.kind}:{f.rule or '-'}" for f in flags)
    elapsed = time.perf_counter() - start
    print(
        f"{label}: {flagged}/{len(essays)} essays flagged ({100 * flagged / len(essays):.1f} %), "
        f"{elapsed / len(essays) * 1000:.1f} ms per essay; by rule: {dict(rules.most_common())}"
    )


def main() -> None:
    app = create_app()
    with app.app_context():
        essays = db.session.scalars(
            select(Entry).options(joinedload(Entry.author)).order_by(Entry.id)
        ).all()
        if not essays:
            raise SystemExit("No entries: load a demo first (see the docstring).")
        rng = random.Random(25)
        own = [(e.author.full_name, e.author.phone or "", e.author.email or "") for e in essays]
        _rate(essays, own, "demo essays, their own author's identity (the organiser's load)")
        others = [
            (e.author.full_name, e.author.phone or "", e.author.email or "")
            for e in rng.sample(essays, len(essays))
        ]
        _rate(essays, others, "demo essays, another entrant's identity")
        names = [demo_text.person_name(rng) for _ in range(1_000)]
        made_up = [
            (name, f"09{rng.randint(10_000_000, 99_999_999)}", f"tacgia{i}@example.com")
            for i, name in enumerate(names)
        ]
        pairs = [(rng.choice(essays), identity) for identity in made_up]
        _rate([e for e, _ in pairs], [i for _, i in pairs], "1,000 drawn names")


if __name__ == "__main__":
    main()
