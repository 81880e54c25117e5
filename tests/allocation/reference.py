"""A slow, obviously correct reading of pom.md's handover rules, written apart from
allocation.handover (no relativedelta: month arithmetic by hand with calendar.monthrange;
the special cases and the handover rows as a literal if-chain) for the property tests."""

import calendar
import datetime as dt


def add_months(day, months):
    """Calendar months; a day past the target month's end becomes its last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def add_years(day, years):
    return add_months(day, 12 * years)


def erd_of(s, t):
    if s.sentence_type == "determinate":
        if s.parole_eligibility_date:
            return s.parole_eligibility_date
        candidates = []
        if s.automatic_release_date:
            candidates.append(s.automatic_release_date)
        if s.conditional_release_date:
            candidates.append(s.conditional_release_date)
        if not candidates:
            return None
        return sorted(candidates)[0]
    ted, thd = s.tariff_expiry_date, s.target_hearing_date
    if ted and ted > t:
        return ted
    if thd and thd > t:
        return thd
    if ted and thd:
        return ted if abs((ted - t).days) <= abs((thd - t).days) else thd
    if ted:
        return ted
    if thd:
        return thd
    return None


def expected(s, dob, estate, reception, t, override=None):
    """A dict of the figures for the report (in_scope, erd, handover, com_allocated,
    responsibility, reason, upcoming, overdue, recommended)."""
    empty = {
        "in_scope": False,
        "erd": None,
        "handover": None,
        "com_allocated": None,
        "responsibility": None,
        "reason": None,
        "upcoming": None,
        "overdue": None,
        "recommended": None,
    }
    if s is None or dob is None or add_years(dob, 18) > t:
        return empty
    erd = erd_of(s, t)
    outcome = s.parole_outcome.strip()
    released = outcome[:7] == "Release"
    thd_far = (
        s.sentence_type == "indeterminate"
        and s.target_hearing_date is not None
        and s.target_hearing_date >= add_months(t, 12)
    )
    handover = com_allocated = None
    if thd_far and s.recall and s.mappa_level in (None, 0, 1):
        resp, reason = "pom_with_com", "recall_thd_over_12_months"
    elif thd_far and outcome != "" and not released and s.mappa_level in (2, 3):
        resp, reason = "com", "parole_mappa_2_3"
    elif thd_far and not released:
        resp, reason = "pom_with_com", "thd_over_12_months"
    elif s.recall:
        resp, reason = "com", "recall_case"
    elif s.immigration_case:
        resp, reason = "com", "immigration_case"
    elif erd is None:
        resp, reason = "pom", "release_date_unknown"
    else:
        is_open = estate == "male_open" and reception is not None and reception >= dt.date(2021, 3, 31)
        if s.early_allocation:
            handover, reason = add_months(erd, -15), "early_allocation"
        elif s.sentence_type == "indeterminate":
            handover = add_months(erd, -12)
            reason = "indeterminate_open" if is_open else "indeterminate"
        elif add_months(s.sentence_start_date, 10) >= erd:
            handover, reason = None, "determinate_short"
        elif s.parole_eligibility_date:
            handover, reason = add_months(erd, -12), "determinate_parole"
        else:
            handover, reason = add_months(erd, -8) - dt.timedelta(days=14), "determinate"
        com_allocated = handover
        if handover and is_open and s.sentence_type == "indeterminate" and reception < handover:
            com_allocated = reception
        if handover is None:
            resp = "com"
        elif t < com_allocated:
            resp = "pom"
        elif t < handover:
            resp = "pom_with_com"
        else:
            resp = "com"
    if override:
        resp, reason = override, "override"
    upcoming = False
    if resp == "pom" and handover is not None:
        upcoming = (handover - t).days >= 1 and (handover - t).days <= 56
    overdue = False
    if resp == "com" and handover is not None and s.com_name == "" and s.com_email == "":
        overdue = (t - handover).days >= 2
    if s.immigration_case or resp not in ("pom", "pom_with_com"):
        recommended = "prison_pom"
    elif s.tier in ("A", "B"):
        recommended = "probation_pom"
    else:
        recommended = "prison_pom"
    return {
        "in_scope": True,
        "erd": erd,
        "handover": handover,
        "com_allocated": com_allocated,
        "responsibility": resp,
        "reason": reason,
        "upcoming": upcoming,
        "overdue": overdue,
        "recommended": recommended,
    }
