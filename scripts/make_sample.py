"""Write the fictional sample portfolio: ``data/sample/<table>.csv``, ``data/sample.xlsx``, README.

Harbourline Mutual, a mid-size insurer, plans its change portfolio for 2027-2028. Everything here is
seeded and deterministic: the same seed writes the same CSV bytes and the same workbook bytes.

Usage::

    python scripts/make_sample.py [--out DIR] [--xlsx FILE] [--seed N]

The numbers are built so that choices matter: the projects cost about 1.6x the yearly budgets and
ask the specialist roles for about 1.5x the people they have over the 24 months, while the
committed and in-flight work alone fits with room to spare. :func:`check` asserts that.
"""

from __future__ import annotations

import argparse
import io
import math
import random
import re
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

import numpy as np

from pmo_opt import paths
from pmo_opt.inputs import months
from pmo_opt.inputs.tables import TABLES

SEED = 2027
ORGANISATION = "Harbourline Mutual"
HORIZON_START = "2027-01"
HORIZON_MONTHS = 24
HORIZON = months.month_range(HORIZON_START, HORIZON_MONTHS)
LAST = HORIZON[-1]

# role -> (cost per FTE-month, hire (contractor) cost per FTE-month, max hire FTE, typical peak FTE)
ROLES: dict[str, tuple[int, int, float, tuple[float, float]]] = {
    "project_manager": (11_000, 14_500, 2, (0.5, 1.0)),
    "business_analyst": (9_500, 12_500, 3, (1.0, 2.0)),
    "architect": (13_500, 18_500, 1, (0.5, 1.5)),
    "developer": (9_000, 12_000, 6, (1.5, 4.0)),
    "tester": (7_500, 10_000, 4, (1.0, 3.0)),
    "data_engineer": (10_500, 14_000, 2, (1.0, 3.0)),
    "data_scientist": (12_000, 16_500, 1, (0.5, 2.0)),
    "devops_engineer": (10_000, 13_500, 2, (1.0, 2.0)),
    "security_specialist": (12_500, 17_000, 1, (1.0, 2.0)),
    "ux_designer": (9_000, 12_000, 2, (1.0, 2.0)),
}

# Flat FTE per role: the change team of a mid-size insurer.
CAPACITY = {
    "project_manager": 6,
    "business_analyst": 10,
    "architect": 3,
    "developer": 28,
    "tester": 8,
    "data_engineer": 6,
    "data_scientist": 3,
    "devops_engineer": 5,
    "security_specialist": 3,
    "ux_designer": 2,
}

# Demand / capacity over the horizon the generator aims for. Money binds first, then the
# specialists (architects, data engineers, security): the generalist roles could staff every
# project. Why not more: with every role at 1.0-2.3x as well, HiGHS leaves a 2-7% gap after a
# minute on this portfolio (a packing puzzle in every role-month); with this setting about 0.5%.
TARGET_PRESSURE = {
    "architect": 1.6,
    "data_engineer": 1.5,
    "security_specialist": 1.7,
    "data_scientist": 1.2,
    "devops_engineer": 0.8,
    "developer": 0.8,
    "ux_designer": 0.8,
    "business_analyst": 0.8,
    "tester": 0.8,
    "project_manager": 0.8,
}
TARGET_COST_OVER_BUDGET = 1.6

# theme -> (role: chance a project of the theme needs it; return on cost; strategic fit range)
CATEGORIES: dict[str, tuple[dict[str, float], tuple[float, float], tuple[int, int]]] = {
    "Customer & Digital": (
        {
            "developer": 1.0,
            "ux_designer": 0.7,
            "tester": 0.6,
            "business_analyst": 0.5,
            "devops_engineer": 0.2,
        },
        (1.2, 3.2),
        (6, 10),
    ),
    "Claims & Underwriting": (
        {
            "developer": 0.9,
            "business_analyst": 0.8,
            "tester": 0.6,
            "data_scientist": 0.25,
            "architect": 0.2,
            "ux_designer": 0.2,
        },
        (1.3, 3.4),
        (5, 9),
    ),
    "Regulatory & Risk": (
        {
            "business_analyst": 1.0,
            "developer": 0.6,
            "security_specialist": 0.5,
            "data_engineer": 0.3,
            "tester": 0.3,
            "architect": 0.2,
        },
        (0.5, 1.4),
        (3, 7),
    ),
    "Data & Analytics": (
        {
            "data_engineer": 1.0,
            "data_scientist": 0.5,
            "business_analyst": 0.4,
            "developer": 0.3,
            "architect": 0.3,
        },
        (1.0, 3.0),
        (5, 9),
    ),
    "Technology Foundations": (
        {
            "devops_engineer": 1.0,
            "architect": 0.6,
            "developer": 0.4,
            "security_specialist": 0.4,
            "tester": 0.3,
        },
        (0.6, 1.6),
        (4, 8),
    ),
}

CD, CU, RR, DA, TF = CATEGORIES

PROJECTS: list[tuple[str, str]] = [
    ("Policyholder Web Self-Service Refresh", CD),
    ("Mobile App 3.0", CD),
    ("Online Quote & Buy for Home Insurance", CD),
    ("Broker Self-Service Extranet", CD),
    ("Omnichannel Contact Centre", CD),
    ("Customer Identity & Single Sign-On", CD),
    ("Digital Document Delivery", CD),
    ("Chatbot for First Notice of Loss", CD),
    ("Customer Preference Centre", CD),
    ("Renewal Journey Redesign", CD),
    ("Accessibility Remediation (WCAG 2.2)", CD),
    ("Payments Hub & Direct Debit Modernisation", CD),
    ("Agent Desktop Unification", CD),
    ("Customer Feedback Loop (NPS)", CD),
    ("SME Commercial Lines Online Portal", CD),
    ("Claims Portal Replatforming", CU),
    ("Claims Triage Automation", CU),
    ("Motor Claims Photo Estimation", CU),
    ("Fraud Detection Scoring Engine", CU),
    ("Subrogation Recovery Workflow", CU),
    ("Underwriting Workbench", CU),
    ("Property Risk Geocoding", CU),
    ("Pricing Engine Replacement", CU),
    ("Reinsurance Bordereaux Automation", CU),
    ("Claims Core Migration Phase 1", CU),
    ("Claims Core Migration Phase 2", CU),
    ("Repairer Network Portal", CU),
    ("Catastrophe Event Response Toolkit", CU),
    ("Commercial Lines Rating Consolidation", CU),
    ("Litigation Case Management", CU),
    ("GDPR Consent Ledger", RR),
    ("Solvency II Reporting Automation", RR),
    ("IFRS 17 Subledger Upgrade", RR),
    ("DORA ICT Third-Party Register", RR),
    ("Operational Resilience Scenario Testing", RR),
    ("Consumer Duty Outcomes Monitoring", RR),
    ("AI Act Model Inventory & Governance", RR),
    ("Anti-Money Laundering Screening Upgrade", RR),
    ("Data Retention & Deletion Automation", RR),
    ("Privileged Access Management", RR),
    ("Security Operations Centre Uplift", RR),
    ("Complaints Handling System Replacement", RR),
    ("Policy Wording Version Control", RR),
    ("Real-Time Sanctions Screening", RR),
    ("Enterprise Data Platform (Lakehouse)", DA),
    ("Customer 360 Single View", DA),
    ("Claims Analytics Dashboards", DA),
    ("Pricing Data Science Sandbox", DA),
    ("Party Master Data Management", DA),
    ("Actuarial Reserving Data Mart", DA),
    ("Self-Service BI Rollout", DA),
    ("Churn Prediction Model", DA),
    ("Data Quality Monitoring Service", DA),
    ("Telematics Data Ingestion", DA),
    ("Finance Reporting Warehouse Migration", DA),
    ("Marketing Attribution Analytics", DA),
    ("Machine Learning Ops Platform", DA),
    ("Data Catalogue & Lineage", DA),
    ("Cloud Landing Zone", TF),
    ("Mainframe Batch Offload", TF),
    ("Policy Admin Suite Replacement (Vendor)", TF),
    ("Policy Admin Modernisation (In-House)", TF),
    ("API Gateway & Integration Layer", TF),
    ("Regional Office Network Refresh", TF),
    ("Workforce Identity Governance", TF),
    ("Disaster Recovery Site Consolidation", TF),
    ("Observability & Logging Stack", TF),
    ("Legacy CRM Decommissioning", TF),
    ("Test Automation Framework", TF),
    ("Developer Platform & CI/CD", TF),
    ("End-User Device Refresh", TF),
    ("Email & Collaboration Migration", TF),
]

# Decided work. in_flight: started before 2027, duration = months that remain.
FIXED: dict[str, dict] = {
    "Cloud Landing Zone": {
        "status": "in_flight",
        "duration": 5,
        "demand": {"devops_engineer": 1.5, "architect": 0.5, "security_specialist": 0.5},
    },
    "Claims Core Migration Phase 1": {
        "status": "in_flight",
        "duration": 8,
        "demand": {"developer": 3, "business_analyst": 1, "tester": 1.5, "project_manager": 0.5},
    },
    "IFRS 17 Subledger Upgrade": {
        "status": "in_flight",
        "duration": 6,
        "demand": {"business_analyst": 1.5, "data_engineer": 1.5, "developer": 1},
    },
    "Customer Identity & Single Sign-On": {
        "status": "in_flight",
        "duration": 4,
        "demand": {"developer": 2, "security_specialist": 0.5, "ux_designer": 0.5},
    },
    "Enterprise Data Platform (Lakehouse)": {
        "status": "in_flight",
        "duration": 10,
        "demand": {
            "data_engineer": 1.5,
            "architect": 0.5,
            "devops_engineer": 1,
            "project_manager": 0.5,
        },
    },
    "DORA ICT Third-Party Register": {
        "status": "committed",
        "duration": 4,
        "deadline": "2027-09",
        "demand": {"business_analyst": 1, "developer": 1, "security_specialist": 0.5},
    },
    "AI Act Model Inventory & Governance": {
        "status": "committed",
        "duration": 5,
        "deadline": "2027-12",
        "demand": {"data_scientist": 1, "business_analyst": 1, "developer": 1},
    },
    "Solvency II Reporting Automation": {
        "status": "committed",
        "duration": 8,
        "earliest_start": "2027-04",
        "deadline": "2028-06",
        "demand": {"business_analyst": 1.5, "data_engineer": 1, "developer": 1.5, "tester": 1},
    },
    "Security Operations Centre Uplift": {
        "status": "committed",
        "duration": 9,
        "earliest_start": "2027-04",  # after the managed-service contract is signed
        "demand": {
            "security_specialist": 0.5,
            "devops_engineer": 1,
            "architect": 0.5,
            "project_manager": 0.5,
        },
    },
    "Payments Hub & Direct Debit Modernisation": {
        "status": "committed",
        "duration": 10,
        "earliest_start": "2027-07",
        "deadline": "2028-12",
        "demand": {"developer": 3, "tester": 1.5, "business_analyst": 1, "project_manager": 0.5},
    },
    # proposed work with dates the business gave us
    "Claims Core Migration Phase 2": {"duration": 10},
    "Mainframe Batch Offload": {"duration": 12},
    "Policy Admin Suite Replacement (Vendor)": {"duration": 14},
    "Policy Admin Modernisation (In-House)": {"duration": 14},
    "Consumer Duty Outcomes Monitoring": {"duration": 5, "deadline": "2027-10"},
    "Real-Time Sanctions Screening": {"duration": 4, "deadline": "2028-03"},
    "Accessibility Remediation (WCAG 2.2)": {"duration": 6, "deadline": "2028-06"},
    "Email & Collaboration Migration": {"duration": 4, "earliest_start": "2027-09"},
    "Telematics Data Ingestion": {"duration": 6, "earliest_start": "2028-01"},
}

# (project, depends_on, kind); no cycles, and only proposed projects depend on something.
DEPENDENCIES: list[tuple[str, str, str]] = [
    ("Customer 360 Single View", "Party Master Data Management", "requires"),
    ("Claims Analytics Dashboards", "Enterprise Data Platform (Lakehouse)", "requires"),
    ("Churn Prediction Model", "Customer 360 Single View", "requires"),
    ("Marketing Attribution Analytics", "Customer 360 Single View", "requires"),
    ("Pricing Data Science Sandbox", "Enterprise Data Platform (Lakehouse)", "requires"),
    ("Mobile App 3.0", "Customer Identity & Single Sign-On", "requires"),
    ("Fraud Detection Scoring Engine", "Machine Learning Ops Platform", "requires"),
    ("Telematics Data Ingestion", "Enterprise Data Platform (Lakehouse)", "requires"),
    ("Claims Core Migration Phase 2", "Claims Core Migration Phase 1", "finish_to_start"),
    ("Mainframe Batch Offload", "Cloud Landing Zone", "finish_to_start"),
    ("Actuarial Reserving Data Mart", "IFRS 17 Subledger Upgrade", "finish_to_start"),
    ("Legacy CRM Decommissioning", "Omnichannel Contact Centre", "finish_to_start"),
    ("Churn Prediction Model", "Party Master Data Management", "finish_to_start"),
    (
        "Policy Admin Suite Replacement (Vendor)",
        "Policy Admin Modernisation (In-House)",
        "excludes",
    ),
    ("Omnichannel Contact Centre", "Agent Desktop Unification", "excludes"),
]

LINKED = {name for a, b, _ in DEPENDENCIES for name in (a, b)}

# AHP judgements (criterion, over, ratio >= 1), one per pair; weights are their eigenvector.
CRITERIA = (
    "business_value",
    "strategic_fit",
    "time_criticality",
    "risk_reduction",
    "delivery_risk",
)
DIRECTION = {"delivery_risk": "min"}
PAIRWISE: list[tuple[str, str, int]] = [
    ("business_value", "strategic_fit", 2),
    ("business_value", "time_criticality", 3),
    ("business_value", "risk_reduction", 3),
    ("business_value", "delivery_risk", 5),
    ("strategic_fit", "time_criticality", 1),
    ("strategic_fit", "risk_reduction", 2),
    ("strategic_fit", "delivery_risk", 3),
    ("time_criticality", "risk_reduction", 2),
    ("time_criticality", "delivery_risk", 2),
    ("risk_reduction", "delivery_risk", 2),
]
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32}

CATEGORY_SHARES: list[tuple[str, float | None, float | None]] = [
    (CD, None, 0.40),
    (RR, 0.10, None),
    (DA, 0.10, 0.35),
    (TF, 0.10, 0.35),
]

# Holiday dips (absolute FTE for that month) and a planned hire, as month-specific capacity rows.
HOLIDAY_DIP = {"developer": ("2027-08", "2027-12", "2028-08"), "tester": ("2027-08", "2028-08")}
PLANNED_HIRE = ("data_scientist", "2028-07", 1.0)  # role, from month, extra FTE


# --------------------------------------------------------------------------------------------
# generation


def _round_to(x: float, step: float) -> float:
    return round(round(x / step) * step, 6)


def _money(x: float, step: int = 10_000) -> int:
    return int(round(x / step) * step)


def _ahp(pairwise: list[tuple[str, str, int]], criteria: tuple[str, ...]):
    """Principal-eigenvector weights and consistency ratio of the judgements."""
    n = len(criteria)
    at = {c: i for i, c in enumerate(criteria)}
    a = np.ones((n, n))
    for c, o, r in pairwise:
        a[at[c], at[o]] = r
        a[at[o], at[c]] = 1.0 / r
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    w = np.abs(vectors[:, k].real)
    w = w / w.sum()
    ci = (values[k].real - n) / (n - 1)
    return w, ci / RANDOM_INDEX[n]


def _rounded_weights(w: np.ndarray) -> list[float]:
    """Two-decimal weights that sum to exactly 1 (the largest absorbs the rounding)."""
    r = [round(float(x), 2) for x in w]
    r[int(np.argmax(w))] = round(r[int(np.argmax(w))] + 1.0 - sum(r), 2)
    return r


def _shape(role: str, duration: int, profiled: bool) -> list[float]:
    """Share of a role's peak FTE in each month of a project (all 1.0 when not profiled)."""
    if not profiled:
        return [1.0] * duration
    if role == "tester":  # testing in the second half only
        return [1.0 if k >= duration // 2 else 0.0 for k in range(duration)]
    if role in ("business_analyst", "architect", "ux_designer"):  # front-loaded
        return [1.0 if k < (duration + 1) // 2 else 0.5 for k in range(duration)]
    if role in ("project_manager", "security_specialist"):
        return [1.0] * duration
    return [0.5 if k in (0, duration - 1) else 1.0 for k in range(duration)]  # ramp up, down


def _draw_work(rng: random.Random, name: str, category: str) -> dict:
    """Duration, roles and raw peak FTE of one project (before scaling to capacity)."""
    fixed = FIXED.get(name, {})
    size = rng.choices(("small", "medium", "large"), weights=(4, 4, 2))[0]
    lo, hi = {"small": (3, 6), "medium": (6, 10), "large": (10, 14)}[size]
    duration = fixed.get("duration", rng.randint(lo, hi))
    scale = {"small": 0.7, "medium": 1.0, "large": 1.3}[size]
    pool = CATEGORIES[category][0]
    roles = [r for r, chance in pool.items() if rng.random() < chance][:4] or [next(iter(pool))]
    if duration >= 9 and len(roles) < 4:
        roles.append("project_manager")
    peaks = {r: rng.uniform(*ROLES[r][3]) * scale for r in roles}
    profiled = duration >= 4 and rng.random() < 0.45
    decided = "demand" in fixed  # decided work has its staffing agreed, flat
    if decided:
        peaks, profiled = {r: float(f) for r, f in fixed["demand"].items()}, False
    return {
        "name": name,
        "category": category,
        "status": fixed.get("status", "proposed"),
        "duration": duration,
        "peaks": peaks,
        "profiled": profiled,
        "decided": decided,
        "size": size,
    }


def _capacity_rows() -> list[dict]:
    rows: list[dict] = [{"role": r, "month": None, "fte": float(f)} for r, f in CAPACITY.items()]
    for role, dips in HOLIDAY_DIP.items():
        for m in dips:
            rows.append({"role": role, "month": m, "fte": _round_to(CAPACITY[role] * 0.75, 0.5)})
    role, start, extra = PLANNED_HIRE
    for m in HORIZON[HORIZON.index(start) :]:
        rows.append({"role": role, "month": m, "fte": float(CAPACITY[role] + extra)})
    return rows


def _scale_to_capacity(work: list[dict], capacity: list[dict]) -> None:
    """Scale proposed work per role so demand / capacity lands near TARGET_PRESSURE."""
    tables = {"capacity": capacity}
    grid = _capacity_grid(tables)
    for role in ROLES:
        available = sum(grid[role, t] for t in range(HORIZON_MONTHS))
        fixed_ask = sum(w["peaks"].get(role, 0.0) * w["duration"] for w in work if w["decided"])
        raw_ask = sum(
            w["peaks"][role] * sum(_shape(role, w["duration"], w["profiled"]))
            for w in work
            if not w["decided"] and role in w["peaks"]
        )
        factor = (TARGET_PRESSURE[role] * available - fixed_ask) / raw_ask
        # no single project may take more than two thirds of a role in its leanest month
        most = _round_to(min(grid[role, t] for t in range(HORIZON_MONTHS)) * 2 / 3, 0.5)
        for w in work:
            if not w["decided"] and role in w["peaks"]:
                w["peaks"][role] = min(most, max(0.5, _round_to(w["peaks"][role] * factor, 0.5)))


def generate(seed: int = SEED) -> dict[str, list[dict]]:
    """Every table as a list of row dicts (values are str, int, float or None)."""
    rng = random.Random(seed)
    order = list(PROJECTS)
    rng.shuffle(order)  # ids in registration order, not grouped by theme
    work = [_draw_work(rng, name, category) for name, category in order]
    capacity = _capacity_rows()
    _scale_to_capacity(work, capacity)

    projects: list[dict] = []
    demand: list[dict] = []
    labour: dict[str, float] = {}
    for i, w in enumerate(work):
        pid = f"P{i + 1:03d}"
        w["project_id"] = pid
        name, category, status, duration = w["name"], w["category"], w["status"], w["duration"]
        fixed = FIXED.get(name, {})
        labour[pid] = 0.0
        for role, peak in sorted(w["peaks"].items()):
            if not w["profiled"]:
                demand.append({"project_id": pid, "role": role, "month_offset": None, "fte": peak})
                labour[pid] += peak * duration * ROLES[role][0]
                continue
            for k, f in enumerate(_shape(role, duration, True)):
                fte = _round_to(peak * f, 0.25)
                if fte > 0:
                    demand.append({"project_id": pid, "role": role, "month_offset": k, "fte": fte})
                    labour[pid] += fte * ROLES[role][0]

        roi = CATEGORIES[category][1]
        # licences, vendors and hardware on top of labour: a share plus a fixed amount by size
        overhead = rng.uniform(1.05, 1.35)
        fixed_cost = rng.uniform(
            *{"small": (2, 6), "medium": (4, 15), "large": (10, 30)}[w["size"]]
        )
        no_cost = status == "proposed" and rng.random() < 0.10
        cost = None if no_cost else _money(labour[pid] * overhead + fixed_cost * 10_000)
        base_cost = labour[pid] if cost is None else cost
        benefit = _money(base_cost * rng.uniform(*roi))
        risk = min(5, max(1, round(duration / 4 + rng.uniform(-0.5, 1.8))))
        spread = 0.08 + 0.06 * risk
        earliest = fixed.get("earliest_start")
        deadline = fixed.get("deadline")
        if status == "proposed" and not fixed and name not in LINKED:  # keep chains simple
            draw = rng.random()
            if draw < 0.12:
                latest = months.to_ordinal(LAST) - duration + 1
                first = months.to_ordinal("2027-03")
                earliest = months.from_ordinal(rng.randint(first, max(first, latest - 6)))
            elif draw < 0.22:
                finish = months.to_ordinal(HORIZON_START) + duration - 1
                deadline = months.from_ordinal(
                    min(months.to_ordinal(LAST), finish + rng.randint(3, 10))
                )
        delay_rate = rng.uniform(0.01, 0.035) * (1.6 if deadline else 1.0)
        projects.append(
            {
                "project_id": pid,
                "name": name,
                "category": category,
                "status": status,
                "earliest_start": earliest,
                "deadline": deadline,
                "duration": duration,
                "cost": cost,
                "benefit": benefit,
                "risk": risk,
                "cost_of_delay": _money(benefit * delay_rate, 1_000),
                "benefit_low": _money(benefit * rng.uniform(0.55, 0.85)),
                "benefit_high": _money(benefit * rng.uniform(1.10, 1.45)),
                "cost_low": None if cost is None else _money(cost * rng.uniform(0.88, 0.96)),
                "cost_high": None if cost is None else _money(cost * (1.0 + spread)),
            }
        )
    ids = {w["name"]: w["project_id"] for w in work}

    roles = [
        {
            "role": r,
            "cost_per_fte_month": rate,
            "hire_cost_per_fte_month": hire,
            "max_hire_fte": max_hire,
        }
        for r, (rate, hire, max_hire, _) in ROLES.items()
    ]

    total_budget = sum(
        labour[p["project_id"]] if p["cost"] is None else p["cost"] for p in projects
    )
    total_budget /= TARGET_COST_OVER_BUDGET
    y27 = _money(total_budget * 0.48, 100_000)
    y28 = _money(total_budget * 0.52, 100_000)
    budget = [
        {"period": "2027", "amount": y27},
        {"period": "2028", "amount": y28},
        # a cautious first half: the board releases 2027 money in tranches
        {"period": "2027-Q1", "amount": _money(y27 * 0.22, 50_000)},
        {"period": "2027-Q2", "amount": _money(y27 * 0.24, 50_000)},
    ]

    dependencies = [
        {"project_id": ids[a], "depends_on": ids[b], "kind": kind} for a, b, kind in DEPENDENCIES
    ]
    dependencies.sort(key=lambda r: (r["project_id"], r["depends_on"]))

    weights, _cr = _ahp(PAIRWISE, CRITERIA)
    criteria = [
        {"criterion": c, "weight": w, "direction": DIRECTION.get(c, "max")}
        for c, w in zip(CRITERIA, _rounded_weights(weights), strict=True)
    ]
    pairwise = [{"criterion": c, "over": o, "ratio": r} for c, o, r in PAIRWISE]
    categories = [
        {"category": c, "min_share": lo, "max_share": hi} for c, lo, hi in CATEGORY_SHARES
    ]
    return {
        "projects": projects,
        "demand": demand,
        "capacity": capacity,
        "roles": roles,
        "budget": budget,
        "dependencies": dependencies,
        "criteria": criteria,
        "scores": _scores(projects, rng),
        "pairwise": pairwise,
        "categories": categories,
        "settings": [
            {"setting": "organisation", "value": ORGANISATION},
            {"setting": "currency", "value": "EUR"},
            {"setting": "fiscal_year_start", "value": "1"},
            {"setting": "value_unit", "value": "priority points"},
        ],
    }


def _scores(projects: list[dict], rng: random.Random) -> list[dict]:
    """1-10 scores per project and criterion, consistent with the project's own numbers."""

    def clip(x: float) -> int:
        return int(min(10, max(1, round(x))))

    log_benefit = sorted(math.log(p["benefit"]) for p in projects)
    rows = []
    for p in projects:
        rank = log_benefit.index(math.log(p["benefit"])) / (len(projects) - 1)
        fit_lo, fit_hi = CATEGORIES[p["category"]][2]
        urgent = p["deadline"] is not None or p["status"] != "proposed"
        rr = {RR: (6, 10), TF: (4, 9)}.get(p["category"], (1, 6))
        values = {
            "business_value": clip(1 + 9 * rank + rng.uniform(-1.2, 1.2)),
            "strategic_fit": clip(rng.uniform(fit_lo, fit_hi)),
            "time_criticality": clip(rng.uniform(7, 10) if urgent else rng.uniform(1, 7)),
            "risk_reduction": clip(rng.uniform(*rr)),
            "delivery_risk": clip(2 * p["risk"] + rng.uniform(-1.4, 0.4)),
        }
        for c in CRITERIA:
            rows.append({"project_id": p["project_id"], "criterion": c, "score": values[c]})
    return rows


# --------------------------------------------------------------------------------------------
# checks: the tensions the sample exists to show (docs/model.md rules 4-7)


def _month_index(m: str) -> int:
    return months.to_ordinal(m) - months.to_ordinal(HORIZON_START)


def _capacity_grid(tables: dict) -> dict[tuple[str, int], float]:
    flat = {r["role"]: r["fte"] for r in tables["capacity"] if r["month"] is None}
    dated = {
        (r["role"], _month_index(r["month"])): r["fte"] for r in tables["capacity"] if r["month"]
    }
    return {(r, t): dated.get((r, t), flat[r]) for r in flat for t in range(HORIZON_MONTHS)}


def _profiles(tables: dict) -> tuple[dict, dict]:
    """Per project: {offset: {role: fte}} and {offset: spend}."""
    pr = {p["project_id"]: p for p in tables["projects"]}
    rate = {r["role"]: r["cost_per_fte_month"] for r in tables["roles"]}
    fte: dict[str, dict[int, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for row in tables["demand"]:
        offs = (
            [row["month_offset"]]
            if row["month_offset"] is not None
            else range(pr[row["project_id"]]["duration"])
        )
        for k in offs:
            cell = fte[row["project_id"]][k]
            cell[row["role"]] = cell.get(row["role"], 0.0) + row["fte"]
    spend: dict[str, dict[int, float]] = {}
    for pid, p in pr.items():
        d = p["duration"]
        if p["cost"] is not None:
            spend[pid] = {k: p["cost"] / d for k in range(d)}
        else:
            spend[pid] = {
                k: sum(f * rate[r] for r, f in fte[pid].get(k, {}).items()) for k in range(d)
            }
    return fte, spend


def decided_start(project: dict) -> int:
    """Month index where decided work runs in the check: in-flight at 0, committed asap."""
    if project["status"] == "in_flight" or not project["earliest_start"]:
        return 0
    return max(0, _month_index(project["earliest_start"]))


def stats(tables: dict) -> dict:
    """Pressure per role, cost over budget, and peak use by the decided work alone."""
    fte, spend = _profiles(tables)
    cap = _capacity_grid(tables)
    pressure = {}
    for role in ROLES:
        asked = sum(f.get(role, 0.0) for p in fte.values() for f in p.values())
        pressure[role] = asked / sum(cap[role, t] for t in range(HORIZON_MONTHS))
    total_cost = sum(sum(s.values()) for s in spend.values())
    budget_total = sum(b["amount"] for b in tables["budget"] if len(b["period"]) == 4)
    load: dict[tuple[str, int], float] = defaultdict(float)
    month_spend = [0.0] * HORIZON_MONTHS
    for p in tables["projects"]:
        if p["status"] == "proposed":
            continue
        s = decided_start(p)
        for k, roles in fte[p["project_id"]].items():
            for r, f in roles.items():
                load[r, s + k] += f
        for k, amount in spend[p["project_id"]].items():
            month_spend[s + k] += amount
    cap_use = max(load[key] / cap[key] for key in load)
    budget_use = {}
    for b in tables["budget"]:
        covered = [_month_index(m) for m in months.period_months(b["period"])]
        budget_use[b["period"]] = sum(month_spend[t] for t in covered) / b["amount"]
    return {
        "pressure": pressure,
        "cost_over_budget": total_cost / budget_total,
        "total_cost": total_cost,
        "budget_total": budget_total,
        "decided_capacity_use": cap_use,
        "decided_budget_use": budget_use,
    }


def check(tables: dict) -> dict:
    """Assert the sample's designed tensions and return :func:`stats`."""
    s = stats(tables)
    scarce = [r for r, x in s["pressure"].items() if x >= 1.5]
    assert len(scarce) >= 3, s["pressure"]
    assert all(x <= 2.6 for x in s["pressure"].values()), s["pressure"]
    assert 1.5 <= s["cost_over_budget"] <= 2.0, s["cost_over_budget"]
    # "comfortably": decided work leaves a quarter of every role-month and fits every budget
    # period even after a 20% cut (budget_cut_20.yaml)
    assert s["decided_capacity_use"] <= 0.75, s["decided_capacity_use"]
    assert max(s["decided_budget_use"].values()) <= 0.75, s["decided_budget_use"]
    _, cr = _ahp(PAIRWISE, CRITERIA)
    assert cr < 0.1, cr
    window = {}
    for p in tables["projects"]:
        first = _month_index(p["earliest_start"]) if p["earliest_start"] else 0
        last = _month_index(p["deadline"]) if p["deadline"] else HORIZON_MONTHS - 1
        assert first + p["duration"] - 1 <= last, p
        window[p["project_id"]] = (first, last, p["duration"])
    # every project fits each role on its own, even in a holiday month
    fte, _ = _profiles(tables)
    cap = _capacity_grid(tables)
    low = {r: min(cap[r, t] for t in range(HORIZON_MONTHS)) for r in ROLES}
    for pid, by_offset in fte.items():
        for roles in by_offset.values():
            assert all(f <= low[r] for r, f in roles.items()), (pid, roles)
    # a finish_to_start pair can be done back to back inside both windows
    for d in tables["dependencies"]:
        if d["kind"] == "finish_to_start":
            a_first, a_last, a_dur = window[d["project_id"]]
            b_first, _, b_dur = window[d["depends_on"]]
            assert max(a_first, b_first + b_dur) + a_dur - 1 <= a_last, d
    return s


# --------------------------------------------------------------------------------------------
# writing


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _csv_cell(value) -> str:
    text = _text(value)
    if any(ch in text for ch in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _present_columns(name: str, rows: list[dict]) -> list[str]:
    """The rows' columns in the order the generator wrote them (ids first, as people read)."""
    required, optional = TABLES[name]
    cols = list(rows[0])
    unknown = set(cols) - set(required) - set(optional)
    assert not unknown and set(required) <= set(cols), (name, unknown)
    return cols


def write_csv(tables: dict, folder: Path) -> None:
    """One ``<table>.csv`` per table, UTF-8, ``\\n`` line ends, columns in the format's order."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        cols = _present_columns(name, rows)
        lines = [",".join(cols)]
        lines += [",".join(_csv_cell(r.get(c)) for c in cols) for r in rows]
        (folder / f"{name}.csv").write_bytes(("\n".join(lines) + "\n").encode("utf-8"))


TEXT_COLUMNS = {
    "project_id",
    "depends_on",
    "name",
    "category",
    "status",
    "earliest_start",
    "deadline",
    "role",
    "month",
    "period",
    "kind",
    "criterion",
    "over",
    "direction",
    "setting",
    "value",
}
FIXED_ZIP_TIME = (2027, 1, 1, 0, 0, 0)


def write_xlsx(tables: dict, path: Path) -> None:
    """The same tables as one workbook; ids and months are text cells, numbers are numbers."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        cols = _present_columns(name, rows)
        sheet.append(cols)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for r in rows:
            values = []
            for c in cols:
                v = r.get(c)
                if isinstance(v, float) and v.is_integer():
                    v = int(v)
                values.append(v)
            sheet.append(values)
        for j, c in enumerate(cols, start=1):
            if c in TEXT_COLUMNS:  # Excel must not turn 007 into 7 or 2027-01 into a date
                for row in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                    row[0].number_format = "@"
            width = max(len(c), *(len(_text(r.get(c))) for r in rows)) + 2
            sheet.column_dimensions[openpyxl.utils.get_column_letter(j)].width = min(width, 48)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_reproducible_zip(buffer.getvalue()))


def _reproducible_zip(data: bytes) -> bytes:
    """Fix the timestamps openpyxl and zipfile stamp on a workbook, so reruns are identical."""
    stamp = "2027-01-01T00:00:00Z"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + stamp.encode() + rb"\g<3>",
                    content,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, content)
    return out.getvalue()


README = """\
# Sample portfolio: {org}

A fictional, generated portfolio.
Do not edit these files by hand: change `scripts/make_sample.py` and run `make sample` (seed {seed}).

**{org}** is a mid-size insurer (home, motor and SME commercial lines, about 1,900 staff).
Its Portfolio Management Office plans the change budget and the change team for
**{start} to {end}** (24 months).
`data/sample.xlsx` holds the same tables as one workbook, one sheet per table.

| table | rows | what it says |
|---|---:|---|
{table_rows}

## The portfolio

- {n_projects} projects in {n_categories} strategic themes (`category`): {category_counts}.
- Status: {status_counts}.
  In-flight projects started before 2027: they are pinned to {start} and `duration` is what remains.
  Committed projects must happen; the optimiser picks their start.
- Some projects carry an `earliest_start` (vendor or funding not ready) or a `deadline`
  (regulatory dates); each one is meetable on its own.
- Money is in euros. For {n_no_cost} projects `cost` is empty, so the labour cost of their demand at
  `roles.cost_per_fte_month` applies. `benefit_low`/`benefit_high` and `cost_low`/`cost_high` give
  ranges for uncertainty analysis; `cost_of_delay` is per month.
- Demand rows without `month_offset` are flat. {n_profiled} projects give month-by-month profiles:
  analysts, architects and designers early, testers late, builders ramping up and down.
- Dependencies: {dep_counts}. The `excludes` pairs are alternatives: buy or build the policy
  administration system; a new contact centre or a unified agent desktop.
- Criteria: {criteria}. The weights are the AHP weights of the judgements in `pairwise.csv`
  (consistency ratio {cr:.3f}); `delivery_risk` counts against a project. `business_value`,
  `time_criticality` and `risk_reduction`, with `duration` or cost as the job size, give WSJF.
- `categories.csv` bounds the share of spend per theme.

## Why choices matter

The projects cost EUR {total_cost:,.0f}; the yearly budgets hold EUR {budget_total:,.0f}
(**{cost_over_budget:.2f}x** oversubscribed), and the board releases 2027 money cautiously
(2027-Q1 and 2027-Q2 limits). Money binds first. Then the specialists:

| role | FTE (flat) | demand / capacity over 24 months |
|---|---:|---:|
{pressure_rows}

Capacity rows with a `month` replace the flat figure in that month: holiday dips for developers and
testers, and a planned data-scientist hire from {hire_month}.

The committed and in-flight work alone (committed work at its earliest start) uses at most
{decided_cap:.0%} of any role in any month and at most {decided_budget:.0%} of any budget period.

Scenarios for this portfolio are in `data/scenarios/`.
"""


def write_readme(tables: dict, folder: Path, seed: int) -> None:
    s = stats(tables)
    projects = tables["projects"]

    def counts(key: str, rows: list[dict]) -> str:
        c: dict[str, int] = defaultdict(int)
        for r in rows:
            c[r[key]] += 1
        return ", ".join(f"{k} {v}" for k, v in sorted(c.items()))

    what = {
        "projects": "id, name, theme, status, dates, duration, cost, benefit, risk, cost of delay",
        "demand": "FTE per project and role (per month of the project where profiled)",
        "capacity": "FTE per role; month rows override the flat figure",
        "roles": "monthly cost, contractor cost and hiring limit per role",
        "budget": "spending limits per year and for two quarters",
        "dependencies": "requires, finish_to_start, excludes",
        "criteria": "scoring criteria, weights, direction",
        "scores": "1-10 score per project and criterion",
        "pairwise": "Saaty judgements between criteria (AHP)",
        "categories": "min/max share of spend per theme",
        "settings": "organisation, currency, fiscal year start, value unit (for the reports)",
    }
    cap_flat = {r["role"]: r["fte"] for r in tables["capacity"] if r["month"] is None}
    _, cr = _ahp(PAIRWISE, CRITERIA)
    text = README.format(
        org=ORGANISATION,
        seed=seed,
        start=HORIZON_START,
        end=LAST,
        table_rows="\n".join(
            f"| `{n}.csv` | {len(rows)} | {what[n]} |" for n, rows in tables.items()
        ),
        n_projects=len(projects),
        n_categories=len(CATEGORIES),
        category_counts=counts("category", projects),
        status_counts=counts("status", projects),
        n_no_cost=sum(p["cost"] is None for p in projects),
        n_profiled=len(
            {r["project_id"] for r in tables["demand"] if r["month_offset"] is not None}
        ),
        dep_counts=counts("kind", tables["dependencies"]),
        criteria=", ".join(
            f"`{c['criterion']}` {c['weight']:.2f}" + (" (min)" if c["direction"] == "min" else "")
            for c in tables["criteria"]
        ),
        cr=cr,
        pressure_rows="\n".join(
            f"| {r} | {cap_flat[r]:g} | {x:.2f}x |"
            for r, x in sorted(s["pressure"].items(), key=lambda kv: -kv[1])
        ),
        total_cost=s["total_cost"],
        budget_total=s["budget_total"],
        cost_over_budget=s["cost_over_budget"],
        hire_month=PLANNED_HIRE[1],
        decided_cap=s["decided_capacity_use"],
        decided_budget=max(s["decided_budget_use"].values()),
    )
    (folder / "README.md").write_bytes(text.encode("utf-8"))


# --------------------------------------------------------------------------------------------
# the same organisation three months later: the second planning cycle (issue 14)

NEXT_AS_OF = "2027-04"
NEXT_DIR = paths.DATA_DIR / "sample-2027-04"
#: in flight since before 2027: what the first quarter did to them
NEXT_SLIPPED = ("P037", 2)  # two months late: more months left than planned
NEXT_CANCELLED = "P010"  # stopped by the board in March
#: a security specialist leaves at the end of September (a scarce role: demand 1.7x capacity)
NEXT_LEAVER = ("security_specialist", 1.0)
NEXT_LEAVER_GONE = "2027-10"  # the first month without them
#: 2027 money left for April-December, after a 6% cut announced in March
NEXT_BUDGET_CUT = 0.94
NEXT_PROPOSALS: list[tuple[str, str]] = [
    ("Motor Telematics Pilot", CU),
    ("Claims Fraud Graph Analytics", DA),
    ("IFRS 17 Disclosure Automation", RR),
    ("Customer Identity Consolidation", CD),
    ("Endpoint Detection Rollout", TF),
    ("Broker Commission Engine Replacement", CU),
    ("Sustainability Reporting (CSRD)", RR),
    ("Agent Assist for Contact Centre", CD),
]


def next_quarter(tables: dict, seed: int = SEED) -> dict[str, list[dict]]:
    """The portfolio as it stands on ``NEXT_AS_OF``: work in flight with its progress (one slipped,
    one cancelled), new proposals, the 2027 budget left after a cut, a leaver in a scarce role.

    Projects the approved first-quarter plan started in January-March keep their first-quarter
    rows: a re-plan rolls them forward from its baseline (``pmo_opt.inputs.baseline``).
    """
    rng = random.Random(seed * 100 + 4)
    elapsed = months.to_ordinal(NEXT_AS_OF) - months.to_ordinal(HORIZON_START)
    slipped, slip = NEXT_SLIPPED
    projects, demand = [], []
    left: dict[str, int] = {}
    for p in tables["projects"]:
        pid = p["project_id"]
        if pid == NEXT_CANCELLED:
            continue
        row = dict(p)
        if row["earliest_start"] is not None and row["earliest_start"] < NEXT_AS_OF:
            row["earliest_start"] = NEXT_AS_OF  # nothing starts in the past
        if p["status"] == "in_flight":
            remaining = p["duration"] - elapsed + (slip if pid == slipped else 0)
            if remaining < 1:
                continue  # finished in the first quarter
            share = remaining / p["duration"]
            for col in ("cost", "cost_low", "cost_high"):
                if row[col] is not None:
                    row[col] = _money(row[col] * share)
            row["duration"] = left[pid] = remaining
        projects.append(row)
    kept = {p["project_id"] for p in projects}
    for d in tables["demand"]:
        pid = d["project_id"]
        if pid not in kept:
            continue
        if pid in left and d["month_offset"] is not None:
            k = d["month_offset"] - elapsed
            if k < 0 or k >= left[pid]:
                continue
            d = {**d, "month_offset": k}
        demand.append(dict(d))

    capacity_rows = [{"role": r, "month": None, "fte": float(f)} for r, f in CAPACITY.items()]
    capacity = []
    for row in tables["capacity"]:
        if row["month"] is not None and row["month"] < NEXT_AS_OF:
            continue
        row = dict(row)
        if row["role"] == NEXT_LEAVER[0]:
            row["fte"] = float(row["fte"]) - NEXT_LEAVER[1]
        capacity.append(row)
    role, gone = NEXT_LEAVER[0], NEXT_LEAVER_GONE
    for m in months.month_range(
        NEXT_AS_OF, months.to_ordinal(gone) - months.to_ordinal(NEXT_AS_OF)
    ):
        capacity.append({"role": role, "month": m, "fte": float(CAPACITY[role])})
    assert len(capacity) >= len(capacity_rows)

    budget = []
    for row in tables["budget"]:
        covered = months.period_months(row["period"]) or []
        if covered and covered[-1] < NEXT_AS_OF:
            continue  # a period already spent
        amount = row["amount"]
        if row["period"] == "2027":
            amount = _money(amount * (12 - elapsed) / 12 * NEXT_BUDGET_CUT, 100_000)
        elif row["period"].startswith("2027"):
            amount = _money(amount * NEXT_BUDGET_CUT, 50_000)
        budget.append({"period": row["period"], "amount": amount})

    new_projects = []
    first = len(tables["projects"])
    for j, (name, category) in enumerate(NEXT_PROPOSALS):
        w = _draw_work(rng, name, category)
        pid = f"P{first + j + 1:03d}"
        duration = w["duration"]
        labour = 0.0
        for role, peak in sorted(w["peaks"].items()):
            fte = _round_to(min(peak, CAPACITY[role] * 2 / 3), 0.5) or 0.5
            demand.append({"project_id": pid, "role": role, "month_offset": None, "fte": fte})
            labour += fte * duration * ROLES[role][0]
        cost = _money(labour * rng.uniform(1.05, 1.35) + rng.uniform(2, 15) * 10_000)
        benefit = _money(cost * rng.uniform(*CATEGORIES[category][1]))
        risk = min(5, max(1, round(duration / 4 + rng.uniform(-0.5, 1.8))))
        new_projects.append(
            {
                "project_id": pid,
                "name": name,
                "category": category,
                "status": "proposed",
                "earliest_start": NEXT_AS_OF,
                "deadline": None,
                "duration": duration,
                "cost": cost,
                "benefit": benefit,
                "risk": risk,
                "cost_of_delay": _money(benefit * rng.uniform(0.01, 0.035), 1_000),
                "benefit_low": _money(benefit * rng.uniform(0.55, 0.85)),
                "benefit_high": _money(benefit * rng.uniform(1.10, 1.45)),
                "cost_low": _money(cost * rng.uniform(0.88, 0.96)),
                "cost_high": _money(cost * (1.08 + 0.06 * risk)),
            }
        )
    projects += new_projects
    kept |= {p["project_id"] for p in new_projects}
    dependencies = [
        dict(d)
        for d in tables["dependencies"]
        if d["project_id"] in kept and d["depends_on"] in kept
    ]
    scores = [dict(r) for r in tables["scores"] if r["project_id"] in kept]
    scores += _scores(new_projects, rng)
    return {
        **{k: [dict(r) for r in v] for k, v in tables.items()},
        "projects": projects,
        "demand": demand,
        "capacity": capacity,
        "budget": budget,
        "dependencies": dependencies,
        "scores": scores,
    }


NEXT_README = """\
# {organisation}: the portfolio on {as_of} (generated)

Do not edit these files by hand: change `scripts/make_sample.py` and run `make sample` (seed {seed}).

The same organisation as `data/sample/`, three months later, for the second planning cycle
(`notebooks/07-replan-quarter.ipynb`): re-plan it against the plan approved in January.

- Work in flight since before 2027 has three months less to run; {slipped} slipped by {slip}
  months; {cancelled} was cancelled in March and is gone from the tables.
- Projects the approved plan started in January-March keep their January rows here: the re-plan
  rolls them forward from the approved plan (`as_of: {as_of}`).
- {new} new proposals ({first_new}-{last_new}), earliest start {as_of}.
- The 2027 budget is what is left for April-December after a {cut:.0%} cut ({y27:,} for 2027);
  the first-quarter tranche is spent.
- A {leaver} leaves at the end of September: {fte:g} FTE fewer from {gone}.
"""


def write_next_readme(tables: dict, folder: Path, seed: int) -> None:
    new = [p["project_id"] for p in tables["projects"][-len(NEXT_PROPOSALS) :]]
    y27 = next(b["amount"] for b in tables["budget"] if b["period"] == "2027")
    text = NEXT_README.format(
        organisation=ORGANISATION,
        as_of=NEXT_AS_OF,
        seed=seed,
        slipped=NEXT_SLIPPED[0],
        slip=NEXT_SLIPPED[1],
        cancelled=NEXT_CANCELLED,
        new=len(new),
        first_new=new[0],
        last_new=new[-1],
        cut=1 - NEXT_BUDGET_CUT,
        y27=int(y27),
        leaver=NEXT_LEAVER[0].replace("_", " "),
        fte=NEXT_LEAVER[1],
        gone=NEXT_LEAVER_GONE,
    )
    (folder / "README.md").write_bytes(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=paths.SAMPLE_DIR, help="CSV folder")
    parser.add_argument("--xlsx", type=Path, default=paths.SAMPLE_XLSX, help="workbook path")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    tables = generate(args.seed)
    s = check(tables)
    write_csv(tables, args.out)
    write_readme(tables, args.out, args.seed)
    write_xlsx(tables, args.xlsx)
    print(f"wrote {args.out}/ ({len(tables)} tables) and {args.xlsx}")
    later = next_quarter(tables, args.seed)
    next_dir = args.out.parent / NEXT_DIR.name
    write_csv(later, next_dir)
    write_next_readme(later, next_dir, args.seed)
    print(f"wrote {next_dir}/ (the portfolio on {NEXT_AS_OF})")
    print(f"projects {len(tables['projects'])}, cost/budget {s['cost_over_budget']:.2f}x")
    for role, x in sorted(s["pressure"].items(), key=lambda kv: -kv[1]):
        print(f"  {role:<20} demand/capacity {x:.2f}x")
    print(
        f"decided work: peak capacity use {s['decided_capacity_use']:.0%}, "
        f"peak budget use {max(s['decided_budget_use'].values()):.0%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
