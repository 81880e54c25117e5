"""Real services a test starts and stops itself: a Redis server on a free port, and a Celery
worker (a subprocess) on the test database and a given broker."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """`redis-server --port N --save ''` of the test's own, stopped and started on the same port."""

    def __init__(self, port: int | None = None):
        assert shutil.which("redis-server"), "the broker fault tests need Debian's redis-server"
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        pytest.fail(f"redis-server did not answer on port {self.port} within 10 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point this process's Celery app (what the services publish through) at `url`."""
    from omic.celery import app

    def reset(broker_url):
        app.conf.broker_url = broker_url
        # Celery keeps its connection and producer pools (kombu's, shared per address: they are
        # left open for the next user of that address).
        app._pool = None
        app.amqp._producer_pool = None

    before = app.conf.broker_url
    reset(url)
    try:
        yield
    finally:
        reset(before)


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def celery_worker(*, broker_url: str, queue: str | None = None) -> Iterator[subprocess.Popen]:
    """`celery worker` (solo pool) on the test database and `broker_url`, answering pings.
    With `queue`, the keywork tasks this process sends go to that queue, which only this
    worker reads (so no other worker on a shared Redis can take them)."""
    from omic.celery import app

    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": broker_url}
    routes = app.conf.task_routes
    if queue:
        app.conf.task_routes = {"keywork.tasks.*": {"queue": queue}}
    app.amqp.flush_routes()
    # Celery keeps the router it first built: a task sent by an earlier test would
    # otherwise leave this one routing to the default queue.
    app.amqp.router = app.amqp.Router()
    command = [sys.executable, "-m", "celery", "-A", "omic", "worker", "--pool=solo", "--loglevel=WARNING"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
    if queue:
        command += ["-Q", queue]
    proc = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if app.control.ping(timeout=0.5):
                break
            if proc.poll() is not None:
                pytest.fail(f"the Celery worker exited with status {proc.returncode}")
        else:
            pytest.fail("the Celery worker did not answer within 30 s")
        yield proc
    finally:
        app.conf.task_routes = routes
        app.amqp.flush_routes()
        app.amqp.router = app.amqp.Router()
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_for(condition, *, seconds: float = 20, every: float = 0.1):
    """condition() once it is true, or its last value after `seconds`."""
    deadline = time.monotonic() + seconds
    value = condition()
    while not value and time.monotonic() < deadline:
        time.sleep(every)
        value = condition()
    return value


PG_BIN = "/usr/lib/postgresql/15/bin"


class PostgresServer:
    """A PostgreSQL 15 server of the test's own (Debian's binaries) in a directory of its own, on
    a free port, trust authentication for `postgres`; stopped and started again on the same
    data; remove() stops it and deletes the data."""

    def __init__(self):
        assert os.path.exists(f"{PG_BIN}/pg_ctl"), "the database fault test needs Debian's postgresql-15"
        # Not under pytest's tmp_path: that is private to root, and the server may not be root.
        directory = self.directory = tempfile.mkdtemp(prefix="omic-test-pg-")
        self.data = os.path.join(directory, "pgdata")
        self.port = free_port()
        # PostgreSQL refuses to run as root: then it runs as the postgres system user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        os.makedirs(self.data)
        if self.as_user:
            shutil.chown(directory, "postgres")
            shutil.chown(self.data, "postgres")
        self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self.as_user, f"{PG_BIN}/{program}", *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self.directory,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", f"{self.data}/log", "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> None:
        where = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        command = ["psql", *where, "-c", f"CREATE DATABASE {name}"]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)
