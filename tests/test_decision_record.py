"""The brief as the decision record: pending until approved, then filled from a real SQLite
ledger by `approve`."""

from __future__ import annotations

from builders import make_portfolio

from pmo_opt.engine.optimise import optimise
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.ledger import Ledger, new_run_id, record_from_plan, utc_now
from pmo_opt.present.decision import decision_block, decision_record

H = {"horizon_start": "2027-01", "horizon_months": 6, "time_limit_s": 10}


def setup(tmp_path):
    folder = tmp_path / "harbour"
    pf = make_portfolio(
        folder,
        projects=[
            {"project_id": "A", "duration": 2, "cost": 100, "benefit": 300},
            {"project_id": "B", "duration": 2, "cost": 100, "benefit": 200},
        ],
        demand=[{"project_id": p, "role": "dev", "fte": 1} for p in "AB"],
        capacity=[{"role": "dev", "fte": 1}],
        settings=[{"setting": "currency", "value": "EUR"}],
    )
    return folder, pf, optimise(pf, Scenario(**H))


def test_pending_without_a_ledger(tmp_path):
    folder, pf, plan = setup(tmp_path)
    url = f"sqlite:///{tmp_path / 'none.sqlite'}"
    record = decision_record(pf, plan, folder, url)
    assert not (tmp_path / "none.sqlite").exists()  # read only: no ledger is created
    assert not record.approved
    assert record.asked.startswith("Approve 2 new projects") and "EUR 200" in record.asked
    assert record.approver.startswith("Name:") and "____" in record.approver
    text = decision_block(record).data
    assert "| **Decision taken** | To be decided:" in text
    assert "pmo-opt approve" in text and "None" not in text


def test_filled_from_the_ledger_once_approved(tmp_path):
    folder, pf, plan = setup(tmp_path)
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    run_id = new_run_id()
    with Ledger(url) as ledger:
        ledger.record_run(
            record_from_plan(
                run_id=run_id,
                started_at=utc_now(),
                command="plan",
                portfolio=pf,
                portfolio_path=folder,
                scenario=plan.scenario,
                plan=plan,
            )
        )
        pending = decision_record(pf, plan, folder, url)
        assert not pending.approved and "nothing approved yet" in pending.note
        ledger.approve(run_id, by="Portfolio board", note="Review P2 at Q2")
    record = decision_record(pf, plan, folder, url)
    assert record.approved
    assert record.approver == "Portfolio board" and record.conditions == "Review P2 at Q2"
    assert record.date == utc_now()[:10] and run_id in record.taken
    # another plan of the same portfolio is not the approved one
    other = optimise(pf, Scenario(**H, force_out=("A",)))
    differs = decision_record(pf, other, folder, url)
    assert not differs.approved and "differs from it" in differs.note
