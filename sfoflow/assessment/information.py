"""The information section of the QA form as data (seed 001, "Information section").

Staff interviewed by role (the roles seed 001 lists, each interviewed or not, with the reason
when not), the period under review (start and end dates), the case details' diversity issues
(recorded, or their omission noted), and whether the review is to be shared with the victim or
family. The high-profile status and the parallel reviews are pre-filled from what the HMPPS SFO
central team recorded; an answer that differs from the central team's designation is a mismatch
for which the form offers a high-profile query (seed 001: "The final decision regarding a case's
high-profile status rests with the HMPPS SFO central team").

Plain Python: checks and derived answers, no storage.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

# Seed 001: "Relevant staff would include, but are not limited to:" -- the wording is the seed's.
STAFF_ROLES: tuple[tuple[str, str], ...] = (
    ("responsible_officers", "all responsible officers who managed the case during the period of time under review"),
    ("oversight_managers", "managers with professional oversight of the case"),
    ("support_officers", "all probation service officers or trainee probation officers who conducted work in the "
                         "case as a support to the responsible officer"),
    ("head_of_ldu", "the head of the LDU"),
    ("programme_staff", "staff who facilitated programmes involving the service user."),
)
ROLE_LABELS = {code: text[0].upper() + text[1:].rstrip(".") for code, text in STAFF_ROLES}

INTERVIEWED, NOT_INTERVIEWED, NOT_INVOLVED = "interviewed", "not_interviewed", "not_involved"
STAFF_STATUSES = {INTERVIEWED: "Interviewed", NOT_INTERVIEWED: "Not interviewed",
                  NOT_INVOLVED: "No such staff in this case"}
DIVERSITY = {"recorded": "The case details record the diversity issues",
             "omitted": "The case details leave out the diversity issues (noted below)"}
SHARE = {"yes": "Yes", "no": "No", "not_known": "Not known yet"}


@dataclass(frozen=True)
class Gap:
    field: str
    message: str


def designation(is_high_profile: bool) -> str:
    return "yes" if is_high_profile else "no"


def high_profile_mismatch(answer: str | None, is_high_profile: bool) -> bool:
    """The inspector's answer to "Is this case high profile?" differs from the central team's."""
    return answer in ("yes", "no") and answer != designation(is_high_profile)


def staff_answers(staff: Sequence[Mapping]) -> dict[str, str | None]:
    """The framework's yes/no "Were relevant staff interviewed to inform the review?" and its
    "why not" text, derived from the staff by role: yes when every role with staff in the case
    was interviewed; otherwise no, with each role's reason."""
    involved = [s for s in staff if s.get("status") in (INTERVIEWED, NOT_INTERVIEWED)]
    if not involved:
        return {"info.staff_interviewed": None, "info.staff_not_interviewed_reason": None}
    missing = [s for s in involved if s["status"] == NOT_INTERVIEWED]
    reason = "\n".join(f"{ROLE_LABELS.get(s['role'], s['role'])}: {s.get('reason') or 'no reason given'}"
                       for s in missing)
    return {"info.staff_interviewed": "no" if missing else "yes",
            "info.staff_not_interviewed_reason": reason or None}


def gaps(info: Mapping) -> list[Gap]:
    """What is still to record in the information section (a draft may have gaps)."""
    out: list[Gap] = []
    staff = {s.get("role"): s for s in info.get("staff") or []}
    for code, _text in STAFF_ROLES:
        entry = staff.get(code) or {}
        if entry.get("status") not in STAFF_STATUSES:
            out.append(Gap(f"staff.{code}", f"Say whether {ROLE_LABELS[code][0].lower()}{ROLE_LABELS[code][1:]} "
                                            "were interviewed"))
        elif entry["status"] == NOT_INTERVIEWED and not (entry.get("reason") or "").strip():
            out.append(Gap(f"staff.{code}.reason", f"Give the reason {ROLE_LABELS[code][0].lower()}"
                                                   f"{ROLE_LABELS[code][1:]} were not interviewed"))
    start, end = info.get("period_start"), info.get("period_end")
    if not start:
        out.append(Gap("period_start", "Enter the start of the period under review"))
    if not end:
        out.append(Gap("period_end", "Enter the end of the period under review"))
    if start and end and _day(end) < _day(start):
        out.append(Gap("period_end", "The end of the period under review must be on or after its start"))
    diversity = info.get("diversity") or {}
    if diversity.get("status") not in DIVERSITY:
        out.append(Gap("diversity", "Say whether the case details record the diversity issues"))
    elif diversity["status"] == "omitted" and not (diversity.get("note") or "").strip():
        out.append(Gap("diversity.note", "Note what the case details leave out about diversity"))
    if info.get("share_with_victim") not in SHARE:
        out.append(Gap("share_with_victim", "Say whether the review is to be shared with the victim or family"))
    return out


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


__all__ = ["DIVERSITY", "INTERVIEWED", "NOT_INTERVIEWED", "NOT_INVOLVED", "ROLE_LABELS", "SHARE", "STAFF_ROLES",
           "STAFF_STATUSES", "Gap", "designation", "gaps", "high_profile_mismatch", "staff_answers"]
