"""Server time of the busiest pages (issues 14 and 16's speed acceptance): the allocation page, the
key workers page, the staff page, search, the governor's dashboard, the planning page and the
largest wing's page, for a typical prison (the median by prisoners in custody) and the largest,
as a signed-in admin of both; and the national view as HQ. Django's test Client runs the whole
request in this process (middleware, views, templates, the database), without a network.

Runs against the estate bench/run.py has loaded (`python bench/run.py --no-load --pages-only`)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

REQUESTS = 50
WARM_UP = 3


def _prisons_by_size() -> list[tuple[str, int]]:
    from django.db.models import Count

    from omic import dates
    from omic.models import CustodySpell

    today = dates.today()
    return list(
        CustodySpell.objects.filter(dates.in_custody_on(today))
        .values_list("prison_id")
        .annotate(n=Count("*"))
        .order_by("n", "prison_id")
    )


def _common_surname(code: str) -> str:
    from django.db.models import Count

    from omic.models import Prisoner

    return (
        Prisoner.objects.filter(spells__prison_id=code)
        .values_list("last_name", flat=True)
        .annotate(n=Count("*"))
        .order_by("-n", "last_name")
        .first()
    )


def _largest_wing(code: str) -> tuple[str, int]:
    from django.db.models import Count

    from omic import dates
    from omic.models import CustodySpell

    return (
        CustodySpell.objects.filter(dates.in_custody_on(dates.today()), prison_id=code, wing__isnull=False)
        .values_list("wing__code")
        .annotate(n=Count("*"))
        .order_by("-n", "wing__code")
        .first()
    )


def timed(get: Callable[[], object], times: int = REQUESTS) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds of `times` calls, after a few to warm up."""
    for _ in range(WARM_UP):
        get()
    taken = []
    for _ in range(times):
        started = time.perf_counter()
        get()
        taken.append((time.perf_counter() - started) * 1000)
    return statistics.median(taken), statistics.quantiles(taken, n=20)[-1]


def measure_pages() -> list[tuple[str, str]]:
    from django.conf import settings
    from django.test import Client

    from omic.models import Prison, User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # No collectstatic on the bench: the plain storage (the manifest's hashing is not the page's cost).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    sizes = _prisons_by_size()
    typical, largest = sizes[len(sizes) // 2], sizes[-1]
    admin, _ = User.objects.update_or_create(
        username="bench-admin", defaults={"role": "admin", "must_change_password": False, "is_active": True}
    )
    admin.prisons.set(Prison.objects.filter(pk__in=[typical[0], largest[0]]))
    hq, _ = User.objects.update_or_create(
        username="bench-hq", defaults={"role": "hq", "must_change_password": False, "is_active": True}
    )
    client, hq_client = Client(), Client()
    client.force_login(admin)
    hq_client.force_login(hq)
    rows = []
    for label, (code, size) in (("typical", typical), ("largest", largest)):
        surname = _common_surname(code)
        wing = _largest_wing(code)
        pages = {
            "allocation page": (client, f"/prisons/{code}/allocate/"),
            "key workers page": (client, f"/prisons/{code}/key-workers/"),
            "staff page": (client, f"/prisons/{code}/staff/"),
            f"search for {surname!r}": (client, f"/search/?q={surname}"),
            "governor's dashboard": (client, f"/prisons/{code}/"),
            "planning page": (client, f"/prisons/{code}/planning/"),
            f"wing page ({wing[0]}, {wing[1]:,} prisoners)": (client, f"/prisons/{code}/wings/{wing[0]}/"),
            # the handover dashboard's longest list, and its BCST list
            "handover dashboard (no POM list)": (client, f"/prisons/{code}/handover/?list=no_pom"),
            "handover dashboard (upcoming handovers)": (client, f"/prisons/{code}/handover/"),
            "BCST page": (client, f"/prisons/{code}/bcst/"),
            "POMs page": (client, f"/prisons/{code}/poms/"),
        }
        if label == "largest":
            pages["national view (HQ)"] = (hq_client, "/hq/")
        for page, (who, url) in pages.items():
            response = who.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            median, p95 = timed(lambda who=who, url=url: who.get(url))
            rows.append(
                (
                    f"{page}, {label} prison ({code}, {size:,} in custody), {REQUESTS} requests",
                    f"median {median:.0f} ms, 95th percentile {p95:.0f} ms",
                )
            )
            print(f"{rows[-1][0]}: {rows[-1][1]}", flush=True)
    return rows
