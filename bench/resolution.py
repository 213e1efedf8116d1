"""The signed resolution on PostgreSQL: gather the record, render the PDF (Noto CJK embedded)
and sign it (PAdES), in English and in Japanese.

    .venv/bin/python bench/resolution.py

Drops and recreates the bench database (DATABASE_URL, default
postgres://root@127.0.0.1:5432/accord_bench), migrates it and walks one proposal through a
closed ballot of 12 voters with a recorded decision, three conditions and a recusal. A
self-signed pair in a temporary directory signs. The first call may build the reduced font
(once per machine, committee/fonts.py): it is reported apart; then ROUNDS calls per language.

Target: median and p95 of render + sign under 1 s.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from _common import load_average, median, p95, rerun_command, setup

ROUNDS = 10
TARGET_S = 1.0


def build_record():
    from django.contrib.auth import get_user_model

    from committee import services as committee
    from projects import services as projects

    users = get_user_model().objects
    sponsor = projects.sponsor_upsert(name="Westinghouse Electric", country="US")
    owner = users.create_user("bench-sponsor", first_name="Ken", last_name="Ito")
    committee.membership_assign(user=owner, role="sponsor", sponsor=sponsor)
    people = {}
    for delegation in ("US", "JP"):
        for index in range(6):
            role = "chair" if index == 0 else "member"
            user = users.create_user(
                f"{delegation.lower()}-{index}", first_name=f"Voter{index}", last_name=delegation
            )
            committee.membership_assign(user=user, role=role, delegation=delegation)
            people[(delegation, index)] = user
    staff = users.create_user("bench-staff", first_name="Laura", last_name="Kim")
    committee.membership_assign(user=staff, role="staff", delegation="US")
    proposal = projects.proposal_create(
        user=owner,
        title="AP1000 原子炉2基の建設（ジョージア州）",
        description="Two AP1000 units beside the existing plant.",
        sector="nuclear",
        amount_requested=Decimal("12000000000.00"),
        currency="USD",
        co_sponsors=[],
    )
    chair = people[("US", 0)]
    projects.proposal_transition(user=owner, proposal_id=proposal.pk, action="submit")
    projects.proposal_transition(user=staff, proposal_id=proposal.pk, action="accept")
    committee.conflict_declare(
        user=people[("JP", 5)], proposal_id=proposal.pk, reason="Former adviser to the sponsor"
    )
    projects.proposal_transition(user=chair, proposal_id=proposal.pk, action="open_ballot")
    for (delegation, index), user in people.items():
        if (delegation, index) != ("JP", 5):
            choice = "against" if index == 4 else "for"
            committee.vote_cast(
                user=user, proposal_id=proposal.pk, choice=choice, rationale="理由 / reason"
            )
    projects.proposal_transition(user=chair, proposal_id=proposal.pk, action="close_ballot")
    committee.decision_record(
        user=chair, proposal_id=proposal.pk, text="承認。Approved with the conditions below."
    )
    for number in range(3):
        committee.condition_add(
            user=chair,
            proposal_id=proposal.pk,
            text=f"Condition {number + 1}: 規制当局の承認書の提出",
            due=dt.date.today() + dt.timedelta(days=30 + number),
        )
    return proposal, chair


def main() -> None:
    setup()
    from django.conf import settings

    from committee import fonts
    from committee.resolution import resolution_pdf
    from committee.signing import demo_pair

    keys = tempfile.TemporaryDirectory(prefix="accord-bench-signing-")
    settings.ACCORD_SIGNING_KEY, settings.ACCORD_SIGNING_CERT = map(str, demo_pair(Path(keys.name)))
    proposal, reader = build_record()
    t0 = time.perf_counter()
    fonts.reduced_font(str(fonts.full_font()))
    font_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    resolution_pdf(user=reader, proposal_id=proposal.pk, lang="ja")
    first_s = time.perf_counter() - t0
    figures, sizes = {}, {}
    for lang in ("en", "ja"):
        times = []
        for _ in range(ROUNDS):
            t0 = time.perf_counter()
            _found, pdf = resolution_pdf(user=reader, proposal_id=proposal.pk, lang=lang)
            times.append(time.perf_counter() - t0)
        figures[lang] = times
        sizes[lang] = len(pdf)
    keys.cleanup()
    worst = max(max(median(t), p95(t)) for t in figures.values())
    verdict = "OK" if worst < TARGET_S else "MISSED"
    parts = [
        f"{lang} median {median(t) * 1000:.0f} ms, p95 {p95(t) * 1000:.0f} ms "
        f"({sizes[lang] / 1024:.0f} KiB)"
        for lang, t in figures.items()
    ]
    print(
        f"resolution[postgresql, {load_average()}] render + sign, {ROUNDS} rounds: "
        + "; ".join(parts)
        + f" | first call {first_s * 1000:.0f} ms, reduced font ready in {font_s:.2f} s"
        f" (target < {TARGET_S:g} s: {verdict})"
    )
    print(f"rerun: {rerun_command()}")


if __name__ == "__main__":
    main()
