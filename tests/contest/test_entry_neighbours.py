"""An organiser reading a round's essays steps from one to the next on the entry's page
(issue 24); an author sees no neighbours (never another's essay)."""

from __future__ import annotations

import re

from tests.plugins.factories import entrant
from tests.plugins.web import login


def test_the_organiser_steps_through_the_round_and_the_author_does_not(client, world, make_entry):
    author = world["users"]["entrant_a"]  # Xã Chiềng Sơn
    neighbour = entrant(world, "c@example.com", "MCH-CSO")
    first = make_entry(author)
    make_entry(neighbour, submit=False)  # a draft is not part of what the organiser reads
    last = make_entry(neighbour)
    login(client, world["users"]["organiser_c1"])
    page = client.get(f"/entries/{first.id}").get_data(as_text=True)
    assert re.search(rf'rel="next" href="/entries/{last.id}"', page)
    assert 'rel="prev"' not in page
    page = client.get(f"/entries/{last.id}").get_data(as_text=True)
    assert re.search(rf'rel="prev" href="/entries/{first.id}"', page)
    client.get("/logout")
    login(client, author)
    page = client.get(f"/entries/{first.id}").get_data(as_text=True)
    assert 'rel="next"' not in page and 'rel="prev"' not in page
