"""Case page actions: each one a CaseEvent; audited views; admin reasons; label reviews; escalate enqueues."""

from __future__ import annotations

from flask import Flask
from redis import Redis
from rq import Queue
from sqlalchemy import select

from tests.web.helpers import World, csrf_token, make_case, sign_in
from triage.extensions import db
from triage.jobqueue import PAGES
from triage.models import Case, CaseEvent, CaseStatus
from triage.staff import CaseNote, CaseView, LabelReview

EVIDENCE = [{"start": 5, "end": 11, "label": "domestic_violence", "source": "lexicon", "reason": "beating verb"}]


def events(app: Flask, code: str) -> list[CaseEvent]:
    with app.app_context():
        case = db.session.execute(select(Case).where(Case.code == code)).scalar_one()
        return list(db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                       .order_by(CaseEvent.id)).scalars())


def load(app: Flask, code: str) -> Case:
    with app.app_context():
        case = db.session.execute(select(Case).where(Case.code == code)).scalar_one()
        db.session.expunge(case)
        return case


def test_case_page_shows_text_with_highlighted_evidence_and_audits_the_view(app: Flask, world: World) -> None:
    with app.app_context():
        make_case("DVAA", ["domestic_violence"], world.teams["dv"], text="زوجي يضربني الحين", evidence=EVIDENCE)
    client = app.test_client()
    sign_in(client, "dv_caseworker")
    page = client.get("/cases/DVAA").get_data(as_text=True)
    assert '<p class="msg-text" dir="auto">زوجي <mark class="ev label-domestic_violence"' in page
    assert "beating verb" in page
    client.get("/cases/DVAA")
    with app.app_context():
        views = db.session.execute(select(CaseView)).scalars().all()
        assert [(v.user_id, v.reason) for v in views] == [(world.users["dv_caseworker"], None)] * 2


def test_acknowledge_claims_and_records(app: Flask, world: World) -> None:
    with app.app_context():
        make_case("ACKA", ["self_harm"], world.teams["crisis"])
    client = app.test_client()
    sign_in(client, "responder")
    assert client.post("/cases/ACKA/ack", data={"csrf_token": csrf_token(client)}).status_code == 302
    case = load(app, "ACKA")
    assert case.status == CaseStatus.ACKNOWLEDGED and case.acked_at is not None
    assert case.assignee_id == world.responders["crisis"]
    assert [e.kind for e in events(app, "ACKA")] == ["acknowledged"]
    assert events(app, "ACKA")[0].actor == "responder@najda.test"


def test_resolve_note_reassign_and_escalate(app: Flask, world: World, redis: Redis) -> None:
    with app.app_context():
        make_case("RSLV", ["self_harm"], world.teams["crisis"])
    client = app.test_client()
    sign_in(client, "supervisor")
    client.post("/cases/RSLV/note", data={"text": "Spoke to her sister.", "csrf_token": csrf_token(client)})
    client.post("/cases/RSLV/reassign", data={"responder_id": world.responders["crisis"],
                                             "csrf_token": csrf_token(client)})
    client.post("/cases/RSLV/escalate", data={"csrf_token": csrf_token(client)})
    assert len(Queue(PAGES, connection=redis)) == 1  # page_on_call waits for a worker
    client.post("/cases/RSLV/resolve", data={"outcome": "referred", "csrf_token": csrf_token(client)})
    kinds = [(e.kind, e.detail) for e in events(app, "RSLV")]
    assert [k for k, _ in kinds] == ["note_added", "reassigned", "escalated", "resolved"]
    assert "Spoke" not in str(kinds)  # the note's words live in CaseNote, not in the event trail
    assert kinds[-1][1]["outcome"] == "referred"
    case = load(app, "RSLV")
    assert case.status == CaseStatus.RESOLVED and case.resolved_at is not None
    with app.app_context():
        assert db.session.execute(select(CaseNote.text)).scalar_one() == "Spoke to her sister."
    assert client.post("/cases/RSLV/ack", data={"csrf_token": csrf_token(client)}).status_code == 409
    timeline = client.get("/cases/RSLV/timeline").get_data(as_text=True)
    assert "after: Huda" in timeline  # the trail keeps ids; the page shows names


def test_label_correction_is_kept_as_reviewed_training_data(app: Flask, world: World) -> None:
    with app.app_context():
        make_case("LBLS", ["self_harm"], world.teams["crisis"], priority="P2")
    client = app.test_client()
    sign_in(client, "supervisor")
    response = client.post("/cases/LBLS/labels", data={"labels": ["domestic_violence"], "urgency": "P1",
                                                      "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    with app.app_context():
        review = db.session.execute(select(LabelReview)).scalar_one()
        assert (review.labels_before, review.labels_after) == (["self_harm"], ["domestic_violence"])
        assert (review.urgency_before, review.urgency_after) == ("P2", "P1")
        assert len(review.message_ids) == 1
    case = load(app, "LBLS")
    assert case.labels == ["domestic_violence"] and case.priority == "P1"
    assert case.team_id == world.teams["dv"]  # now a DV case: it moves to the DV team (need-to-know)
    assert [e.kind for e in events(app, "LBLS")] == ["labels_corrected", "team_changed"]


def test_admin_reads_only_after_recording_a_reason(app: Flask, world: World) -> None:
    with app.app_context():
        make_case("ADMN", ["child_protection"], world.teams["child"], text="secret words")
    client = app.test_client()
    sign_in(client, "admin")
    form_page = client.get("/cases/ADMN").get_data(as_text=True)
    assert "secret words" not in form_page and "reason" in form_page
    short = client.post("/cases/ADMN/reason", data={"reason": "x", "csrf_token": csrf_token(client)})
    assert short.status_code == 400
    client.post("/cases/ADMN/reason", data={"reason": "Subject access request 2026-118",
                                            "csrf_token": csrf_token(client)})
    assert "secret words" in client.get("/cases/ADMN").get_data(as_text=True)
    with app.app_context():
        reasons = db.session.execute(select(CaseView.reason).order_by(CaseView.id)).scalars().all()
        assert reasons[0] == "Subject access request 2026-118"
    assert [e.kind for e in events(app, "ADMN")] == ["admin_access"]
    assert client.post("/cases/ADMN/ack", data={"csrf_token": csrf_token(client)}).status_code == 403


def test_analyst_figures_carry_no_text_or_codes(app: Flask, world: World) -> None:
    with app.app_context():
        make_case("STAT", ["disaster"], world.teams["crisis"], text="the wadi took our car")
    client = app.test_client()
    sign_in(client, "analyst")
    page = client.get("/stats").get_data(as_text=True)
    assert "disaster" in page and "STAT" not in page and "wadi" not in page
