"""`make load`: the app run as production runs it -- gunicorn, a Celery worker and beat on
PostgreSQL and Redis, all on 127.0.0.1 -- driven by locust (bench/locustfile.py): 50 users for
2 minutes mixing wing pages, dashboards, search, the national view and session logging.
The 50 sign in first, one after another (timed and reported on their own line): on a wing,
people sign in over the morning, not all within five seconds, and a sign-in is a deliberately
slow password hash (PBKDF2), so a storm of them would measure the hash, not the pages.
Prints requests/s, the median and 95th percentile per page and the errors as a Markdown
table, then checks that nothing was lost: every session locust saw saved is in the database,
and the weekly figures equal a clean recompute's.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/load.py [--small] [--users 50] [--time 2m]

--small loads 12 prisons and 8,500 prisoners (generate_estate), rather than the national 120
and 85,000. Without --no-load the estate is generated, loaded and every past week computed
(recompute_compliance), as a service that has run for a while has them. Not part of the test run."""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omic.settings")

from run import ensure_database  # noqa: E402 (bench/run.py, beside this file)

PASSWORD = "load-test-password-2026"  # noqa: S105 (the load run's own users, on 127.0.0.1)
OUT = ROOT / "var" / "load"


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(args, env: dict) -> None:
    manage("migrate", "--no-input", "-v", "0", env=env)
    manage("collectstatic", "--no-input", "-v", "0", env=env)
    if not args.no_load:
        prisons, prisoners = (12, 8500) if args.small else (120, 85000)
        manage(
            "generate_estate",
            "--prisons",
            str(prisons),
            "--prisoners",
            str(prisoners),
            "--weeks",
            "12",
            env=env,
        )
        # Every past week computed, as a service that has run for a while has them (each week
        # is computed while it is open). A first load computes only the open weeks
        # (keywork/recompute.py): the dashboards and behind lists would have less to show.
        manage("recompute_compliance", env=env)


def plan(run: str) -> dict:
    """Who signs in: per prison (up to 12) its governor, its admin and a wing manager of two of
    its wings, and two HQ users; what they may see; the surnames people search for."""
    import django

    django.setup()
    from django.db.models import Count

    from omic import dates
    from omic.models import CustodySpell, Prison, Prisoner, User, Wing

    today = dates.today()
    users = []

    def add(username, role, prisons=(), wings=()):
        user, _ = User.objects.get_or_create(username=username, defaults={"role": role})
        user.role = role
        user.set_password(PASSWORD)
        user.save()
        user.prisons.set(prisons)
        user.wings.set(wings)
        in_custody = CustodySpell.objects.filter(dates.covering(today, "reception_date", "release_date"))
        in_custody = in_custody.filter(wing__in=wings) if wings else in_custody.filter(prison__in=prisons)
        shown_wings = wings or Wing.objects.filter(prison__in=prisons)[:6]
        users.append(
            {
                "username": username,
                "role": role,
                "prisons": [p.code for p in prisons]
                or list(Prison.objects.values_list("code", flat=True)[:12]),
                "wings": [(w.prison_id, w.code) for w in shown_wings]
                or list(Wing.objects.values_list("prison_id", "code")[:12]),
                "prisoners": list(in_custody.values_list("prisoner_id", flat=True)[:200]),
            }
        )

    busy = Prison.objects.annotate(n=Count("spells")).filter(estate="male_closed").order_by("-n")[:12]
    for prison in busy:
        code = prison.code.lower()
        add(f"load-governor-{code}", "governor", prisons=[prison])
        add(f"load-admin-{code}", "admin", prisons=[prison])
        wings = list(prison.wings.order_by("code")[:2])
        if wings:
            add(f"load-wing-{code}", "wing_manager", wings=wings)
    add("load-hq-1", "hq")
    add("load-hq-2", "hq")
    surnames = list(Prisoner.objects.order_by("?").values_list("last_name", flat=True)[:100])
    return {"run": run, "users": users, "surnames": surnames}


def sign_in(base: str, plan: dict, count: int) -> tuple[list[dict], list[float]]:
    """Sign `count` sessions in through the sign-in page, one at a time, spreading them over the
    plan's users (each locust user gets its own session: two clients on one session would race
    on its form tokens). Returns each session's user and cookies, and the sign-in times in ms."""
    import re

    import requests

    csrf = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    logins, taken = [], []
    for i in range(count):
        user = i % len(plan["users"])
        client = requests.Session()
        page = client.get(f"{base}/login/", timeout=30)
        data = {
            "csrfmiddlewaretoken": csrf.search(page.text).group(1),
            "username": plan["users"][user]["username"],
            "password": PASSWORD,
        }
        started = time.perf_counter()
        answer = client.post(f"{base}/login/", data, allow_redirects=False, timeout=30)
        taken.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 302:
            raise SystemExit(f"{data['username']} could not sign in: {answer.status_code}")
        logins.append({"user": user, "cookies": client.cookies.get_dict()})
    return logins, taken


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(url, timeout=2).status == 200:  # noqa: S310 (our http address)
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def stats_table(path: Path, seconds: float) -> tuple[str, int, int]:
    """The locust stats as a Markdown table; the total requests and failures."""
    rows = list(csv.DictReader(path.open()))
    lines = ["| page | requests | req/s | median ms | p95 ms | errors |", "|---|---:|---:|---:|---:|---:|"]
    total = failures = 0
    for row in rows:
        name = "**all**" if row["Name"] == "Aggregated" else f"`{row['Type']} {row['Name']}`"
        lines.append(
            f"| {name} | {row['Request Count']} | {float(row['Requests/s']):.1f} | {row['50%']} "
            f"| {row['95%']} | {row['Failure Count']} |"
        )
        if row["Name"] == "Aggregated":
            total, failures = int(row["Request Count"]), int(row["Failure Count"])
    return "\n".join(lines), total, failures


def check_nothing_lost(saved: list[dict], run: str) -> list[str]:
    """Every session locust saw saved is in the database once, and the weekly figures the
    worker kept up to date are those of a clean recompute of the open weeks."""
    from keywork import compliance
    from keywork.models import PrisonerWeek, PrisonWeek, RecomputeRequest, Session
    from omic import dates

    problems = []
    stored = set(Session.objects.filter(notes__startswith=run).values_list("notes", flat=True))
    missing = [s for s in saved if s["notes"] not in stored]
    if missing:
        problems.append(f"{len(missing)} of {len(saved)} sessions saved by the app are not in the database")
    if len(stored) != len(saved):  # a request cut off as the run stopped would show here
        problems.append(f"{len(stored)} sessions of this run stored, {len(saved)} reported saved")
    if RecomputeRequest.objects.exists():
        problems.append(f"{RecomputeRequest.objects.count()} recomputes left in the outbox")
    week_from, week_to = dates.open_weeks()

    def figures():
        weeks = {"week_start__range": (week_from, week_to)}
        prison = PrisonWeek.objects.filter(**weeks).order_by("prison_id", "week_start")
        prisoner = PrisonerWeek.objects.filter(**weeks).order_by("prison_id", "week_start", "prisoner_id")
        return (
            list(
                prison.values_list(
                    "prison_id", "week_start", "delivered_minutes", "sessions", "prisoners_seen"
                )
            ),
            list(
                prisoner.values_list(
                    "prison_id", "week_start", "prisoner_id", "delivered_minutes", "sessions"
                )
            ),
        )

    kept = figures()
    compliance.recompute(week_from=week_from, week_to=week_to)
    if figures() != kept:
        problems.append("the weekly figures differ from a clean recompute of the open weeks")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="12 prisons, 8,500 prisoners")
    parser.add_argument("--no-load", action="store_true", help="reuse the estate already loaded")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--time", default="2m")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--locust", default=str(Path(sys.executable).parent / "locust"))
    args = parser.parse_args()
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(name):
            raise SystemExit(f"set {name}: the load runs against a real PostgreSQL and Redis")
    ensure_database(os.environ["DATABASE_URL"])
    env = {**os.environ, "HTTPS": "false", "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING"}
    env.setdefault("SECRET_KEY", "load-only-not-a-secret-" + "x" * 40)
    os.environ.update(env)
    prepare(args, env)
    run = f"load-run-{int(time.time())}"
    OUT.mkdir(parents=True, exist_ok=True)
    plan_file, saved_file = OUT / "plan.json", OUT / "saved.json"
    load_plan = plan(run)

    port = 8765
    base = f"http://127.0.0.1:{port}"
    python = [sys.executable, "-m"]
    commands = [
        # keep-alive beyond the clients' pauses (1-3 s): gunicorn's default 2 s closes
        # connections just as a client reuses them (connection resets at the client)
        [*python, "gunicorn", "omic.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
         "--threads", str(args.threads), "--keep-alive", "30"],  # fmt: skip
        [*python, "celery", "-A", "omic", "worker", "-c", "1", "--loglevel=WARNING"],
        [*python, "celery", "-A", "omic", "beat", "--loglevel=WARNING", "-s", str(OUT / "beat")],
    ]
    services = [subprocess.Popen(command, cwd=ROOT, env=env) for command in commands]
    try:
        wait_until_up(f"{base}/help/")
        load_plan["logins"], sign_in_ms = sign_in(base, load_plan, args.users)
        plan_file.write_text(json.dumps(load_plan))
        started = time.monotonic()
        locust_env = {**env, "LOAD_PLAN": str(plan_file), "LOAD_SAVED": str(saved_file)}
        subprocess.run(
            [args.locust, "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(args.users),
             "-r", "10", "-t", args.time, "--host", base, "--csv", str(OUT / "run"), "--only-summary",
             "--stop-timeout", "30"],
            cwd=ROOT, env=locust_env, check=False,
        )  # fmt: skip
        seconds = time.monotonic() - started
        # let the worker finish the recomputes the sessions asked for
        from keywork.models import RecomputeRequest

        deadline = time.monotonic() + 120
        while RecomputeRequest.objects.exists() and time.monotonic() < deadline:
            time.sleep(1)
        time.sleep(5)
    finally:
        for proc in services:
            proc.terminate()
        for proc in services:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
    table, total, failures = stats_table(OUT / "run_stats.csv", seconds)
    saved = json.loads(saved_file.read_text())
    problems = check_nothing_lost(saved, run)
    print(f"\n{args.users} users, {args.time}, {'--small' if args.small else 'national'} estate\n")
    print(table)
    taken = sorted(sign_in_ms)
    print(
        f"\nSign-in (POST /login/, {len(taken)} one after another before the run): median "
        f"{taken[len(taken) // 2]:.0f} ms, slowest {taken[-1]:.0f} ms"
    )
    print(f"\n{total} requests, {failures} errors; {len(saved)} sessions logged, all checked in the database")
    print("nothing lost" if not problems else "PROBLEMS:\n" + "\n".join(problems))
    sys.exit(1 if problems or failures else 0)


if __name__ == "__main__":
    main()
