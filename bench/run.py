"""`make bench`: national-scale timings for the loader and the compliance engine.

Uses the database in DATABASE_URL (default omic_bench; created if missing), a national
estate from generate_estate (120 prisons, 85,000 prisoners, 52 weeks; and the same with
generate_estate's default 12 weeks, loaded first), and prints a
Markdown table for the README. Pass --small for a quick run."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omic.settings")


def loaded_files() -> set[str]:
    from omic.loading import registered_kinds

    return {kind.name for kind in registered_kinds()}


def ensure_database(url: str) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()


class Rows(list):
    """Timings, each printed as soon as it is measured (a long run shows its progress)."""

    def append(self, row: tuple[str, str]) -> None:
        print(f"{row[0]}: {row[1]}", file=sys.stderr, flush=True)
        super().append(row)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="12 prisons, 8,500 prisoners (a quick check)")
    parser.add_argument("--end", default="2026-11-22")
    parser.add_argument("--no-load", action="store_true", help="reuse the estate already loaded")
    parser.add_argument(
        "--pages-only", action="store_true", help="only the pages' server times, on the estate already loaded"
    )
    parser.add_argument("--fresh-on-dashboard", type=int, metavar="SESSION_ID", help=argparse.SUPPRESS)
    parser.add_argument("--load-with-worker", metavar="DIR", help=argparse.SUPPRESS)
    parser.add_argument("--expect", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fresh_on_dashboard:
        import django

        django.setup()
        fresh_on_dashboard(args.fresh_on_dashboard, dt.date.fromisoformat(args.end))
        return
    if args.load_with_worker:
        import django

        django.setup()
        load_with_worker(Path(args.load_with_worker), json.loads(args.expect))
        return
    if args.pages_only:
        import django

        django.setup()
        from bench.pages import measure_pages

        print_table("pages", measure_pages())
        return
    prisons, prisoners, weeks = (12, 8500, 52) if args.small else (120, 85000, 52)
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from keywork import compliance, services
    from keywork.models import Session
    from omic.models import User

    call_command("migrate", verbosity=0)
    loaded = loaded_files()
    rows = Rows()
    estates = [(weeks, "load_omic, empty database", "load_omic again (changes nothing)")]
    if not args.small:
        # the acceptance command: generate_estate's default of 12 weeks of sessions
        first = "load_omic of the 12-week estate (generate_estate's default), empty database"
        estates.insert(0, (12, first, None))
    for estate_weeks, first_label, again_label in [] if args.no_load else estates:
        out = ROOT / "var" / "bench" / f"estate-{prisons}-{prisoners}-{estate_weeks}-{args.end}"
        if not (out / "sessions.csv").exists():
            started = time.perf_counter()
            call_command(
                "generate_estate",
                prisons=prisons,
                prisoners=prisoners,
                weeks=estate_weeks,
                seed=1,
                end=dt.date.fromisoformat(args.end),
                out=str(out),
                verbosity=0,
            )
            rows.append((f"generate_estate ({estate_weeks} weeks)", f"{time.perf_counter() - started:.1f} s"))
        # rows of the files load_omic loads
        lines = sum(len(f.read_bytes().splitlines()) - 1 for f in out.glob("*.csv") if f.name in loaded)
        # the issue's own figure: the median of three first loads (runs vary by a quarter
        # on a shared machine); the 52-week estate once, then again unchanged
        for label, times in ((first_label, 3 if estate_weeks == 12 else 1), (again_label, 1)):
            if label is None:
                continue
            taken = []
            for _ in range(times):
                if label == first_label:
                    empty_database()
                started = time.perf_counter()
                command = [sys.executable, "manage.py", "load_omic", str(out), "-v", "0"]
                subprocess.run(command, cwd=ROOT, check=False)
                taken.append(time.perf_counter() - started)
            took = statistics.median(taken)
            runs = f" (median of {times}: {', '.join(f'{t:.1f}' for t in taken)} s)" if times > 1 else ""
            rows.append((label, f"{lines:,} rows in {took:.1f} s = {lines / took:,.0f} rows/s{runs}"))
        if estate_weeks == 12:
            rows.append(with_worker(out, lines, args.end))

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load
    end = dt.date.fromisoformat(args.end)
    start = end - dt.timedelta(weeks=weeks) + dt.timedelta(days=1)
    for label in ("full-year recompute (fresh table swapped in)", "full-year recompute again"):
        result = compliance.recompute(week_from=start, week_to=end)
        rows.append(
            (
                label,
                f"{result.seconds:.1f} s: {result.prisoner_weeks:,} prisoner-weeks, "
                f"{result.prison_weeks:,} prison-weeks",
            )
        )
    result = compliance.recompute(week_from=end - dt.timedelta(days=7), week_to=end)
    rows.append(
        (
            "open-week reconciliation (2 weeks, every prison)",
            f"{result.seconds:.2f} s: {result.prisoner_weeks:,} prisoner-weeks",
        )
    )

    session = Session.objects.filter(date__gte=end - dt.timedelta(days=6)).order_by("id").first()
    timings = []
    for _ in range(20):
        result = compliance.recompute(
            week_from=session.date,
            week_to=session.date,
            prison_ids=[session.prison_id],
            prisoner_ids=[session.prisoner_id],
        )
        timings.append(result.seconds * 1000)
    timings.sort()
    rows.append(
        ("one session's incremental recompute (median of 20)", f"{timings[len(timings) // 2]:.1f} ms")
    )
    user, _ = User.objects.get_or_create(username="bench", defaults={"role": "admin"})
    started = time.perf_counter()
    services.correct_session(
        session=session,
        corrected_by=user,
        reason="bench",
        minutes=session.duration_minutes % 240 + 1,
        today=end,
    )
    rows.append(
        (
            "correct_session (validate, write, audit; Celery eager recompute)",
            f"{(time.perf_counter() - started) * 1000:.0f} ms",
        )
    )

    measured = subprocess.run(
        [sys.executable, __file__, "--end", args.end, "--fresh-on-dashboard", str(session.pk)],
        env={**os.environ, "REDIS_URL": BENCH_REDIS_URL},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    timings = json.loads(next(line for line in measured.stdout.splitlines() if line.startswith("[")))
    rows.append(
        (
            "session corrected to fresh on the dashboard, through a real Celery worker (median of 5)",
            f"{statistics.median(timings) * 1000:.0f} ms",
        )
    )

    from bench.handover import measure_loaded_estate

    estate_folder = ROOT / "var" / "bench" / f"estate-{prisons}-{prisoners}-{weeks}-{args.end}"
    rows.extend(measure_loaded_estate(estate_folder, end))

    from bench.pages import measure_pages

    rows.extend(measure_pages())
    print_table(f"{prisons} prisons, {prisoners:,} prisoners, {weeks} weeks", rows)


def print_table(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n| {title} | time |")
    print("|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")


def empty_database() -> None:
    """The estate and the weeks computed from it removed, and the server checkpointed, so
    that each first load starts from the same state (CHECKPOINT is a superuser's or
    pg_checkpoint's right; otherwise the server checkpoints when it will)."""
    from django.db import DatabaseError, connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE omic_prison, omic_prisoner, keywork_prison_week, keywork_prisoner_week CASCADE")
        with contextlib.suppress(DatabaseError):
            cur.execute("CHECKPOINT")
    connection.close()


BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def with_worker(folder: Path, lines: int, end: str) -> tuple[str, str]:
    """The same first load as production runs it: REDIS_URL set, so that load_omic hands the
    recompute to a worker and returns; and when the worker has computed every week."""
    from django.db import connection

    from keywork.models import PrisonerWeek, PrisonWeek

    expected = [PrisonWeek.objects.count(), PrisonerWeek.objects.count()]  # from the eager load
    connection.close()
    measured = subprocess.run(
        [
            sys.executable,
            __file__,
            "--end",
            end,
            "--load-with-worker",
            str(folder),
            "--expect",
            json.dumps(expected),
        ],
        env={**os.environ, "REDIS_URL": BENCH_REDIS_URL},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    returned, ready = json.loads(next(line for line in measured.stdout.splitlines() if line.startswith("[")))
    return (
        "the same, with Redis and a Celery worker as in production: until load_omic returns "
        "(the recompute queued); until the worker has computed every week",
        f"{lines:,} rows in {returned:.1f} s = {lines / returned:,.0f} rows/s; weeks ready at {ready:.1f} s",
    )


def load_with_worker(folder: Path, expected: list[int]) -> None:
    """Print [seconds until load_omic returned, seconds until the weeks were computed] for a
    first load with a real worker on Redis. Runs in a process of its own, started with
    REDIS_URL set; the worker takes the default queue of the bench's own Redis database."""
    import redis
    from django.conf import settings

    from keywork.models import PrisonerWeek, PrisonWeek

    empty_database()
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    with celery_worker("celery"):
        started = time.perf_counter()
        command = [sys.executable, "manage.py", "load_omic", str(folder), "-v", "0"]
        subprocess.run(command, cwd=ROOT, check=False, stdout=subprocess.DEVNULL)
        returned = time.perf_counter() - started
        while [PrisonWeek.objects.count(), PrisonerWeek.objects.count()] != expected:
            if time.perf_counter() - started > 600:
                raise RuntimeError("the worker did not compute the weeks within 10 minutes")
            time.sleep(0.05)
        ready = time.perf_counter() - started
    print(json.dumps([returned, ready]))


@contextlib.contextmanager
def celery_worker(queue: str) -> Iterator[None]:
    """A real worker (a process of its own) on this process's broker, taking `queue`."""
    from django.conf import settings

    from omic.celery import app

    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "omic",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            queue,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,  # the timings are this process's output
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not answer within 60 s")
        yield
    finally:
        worker.terminate()
        worker.wait(10)


def fresh_on_dashboard(session_id: int, today: dt.date, times: int = 5) -> None:
    """Print the seconds from correcting a session (the service call, whose commit enqueues
    the recompute) until its prison-week on the dashboard shows the new minutes, with a real
    worker on Redis taking the task from a queue of the bench's own. Runs in a process of its
    own, started with REDIS_URL set, so that Celery is not eager here."""

    from keywork import services
    from keywork.models import PrisonWeek, Session
    from omic import dates
    from omic.celery import app
    from omic.models import User

    queue = f"bench-{os.getpid()}"
    app.conf.task_routes = {"keywork.tasks.*": {"queue": queue}}
    app.amqp.flush_routes()
    with celery_worker(queue):
        session = Session.objects.get(pk=session_id)
        user = User.objects.get(username="bench")
        week = dates.week_start(session.date)
        timings = []
        for _ in range(times):
            session.refresh_from_db()
            shown = PrisonWeek.objects.get(prison_id=session.prison_id, week_start=week).delivered_minutes
            minutes = session.duration_minutes % 240 + 1
            expected = shown - session.duration_minutes + minutes
            started = time.perf_counter()
            services.correct_session(
                session=session, corrected_by=user, reason="bench", minutes=minutes, today=today
            )
            while (
                PrisonWeek.objects.get(prison_id=session.prison_id, week_start=week).delivered_minutes
                != expected
            ):
                if time.perf_counter() - started > 30:
                    raise RuntimeError("the dashboard did not change within 30 s")
                time.sleep(0.005)
            timings.append(time.perf_counter() - started)
        print(json.dumps(timings))


if __name__ == "__main__":
    main()
