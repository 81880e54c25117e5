"""`make load`'s users (locust): staff signed in with their roles, mixing the pages they use
most -- wing pages, dashboards, search, the national view -- and logging sessions on the
wing. Driven by bench/load.py, which signs each user's session in beforehand and writes the
plan (the sessions, which prisons, wings and prisoners) to LOAD_PLAN, and reads back the
sessions saved (LOAD_SAVED) to check them."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import threading

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115 (read once at import)
RUN = PLAN["run"]
SAVED: list[dict] = []
_saved_lock = threading.Lock()
_logins = itertools.count()  # each locust user takes the next signed-in session

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]*)"')
SELECTED = re.compile(r'<option value="([^"]+)" selected')
OPTION = re.compile(r'<option value="([^"]+)"')
KINDS = ["structured_interview", "acct_review", "family_visit", "activity_conversation", "other"]


class Staff(HttpUser):
    """One signed-in member of staff; the role decides which pages they open."""

    wait_time = between(1, 3)

    def on_start(self):
        login = PLAN["logins"][next(_logins) % len(PLAN["logins"])]
        self.me = PLAN["users"][login["user"]]
        self.client.cookies.update(login["cookies"])

    @task(3)
    def wing_page(self):
        prison, wing = random.choice(self.me["wings"])
        self.client.get(f"/prisons/{prison}/wings/{wing}/", name="/prisons/[code]/wings/[wing]/")

    @task(2)
    def dashboard(self):
        if self.me["role"] == "wing_manager":
            return self.wing_page()
        prison = random.choice(self.me["prisons"])
        self.client.get(f"/prisons/{prison}/", name="/prisons/[code]/")

    @task(2)
    def search(self):
        self.client.get(f"/search/?q={random.choice(PLAN['surnames'])}", name="/search/?q=[surname]")

    @task(1)
    def national(self):
        if self.me["role"] == "wing_manager":
            return self.search()
        self.client.get("/hq/", name="/hq/")

    @task(2)
    def log_session(self):
        if self.me["role"] not in ("wing_manager", "admin"):
            return self.wing_page()
        number = random.choice(self.me["prisoners"])
        address = f"/prisoners/{number}/sessions/new/"
        form = self.client.get(address, name="/prisoners/[number]/sessions/new/")
        if form.status_code != 200:
            return
        key_worker = SELECTED.search(form.text) or OPTION.search(form.text)
        if key_worker is None:
            return  # nobody may hold a session with this prisoner today
        today = dt.date.today()
        minutes = random.randint(15, 90)
        notes = f"{RUN} {random.getrandbits(48):012x}"
        data = {
            "csrfmiddlewaretoken": CSRF.search(form.text).group(1),
            "form_token": (FORM_TOKEN.search(form.text) or [None, ""])[1],
            "key_worker": key_worker.group(1),
            "date_0": today.day, "date_1": today.month, "date_2": today.year,
            "minutes": minutes,
            "kind": random.choice(KINDS),
            "notes": notes,
        }  # fmt: skip
        with self.client.post(
            address,
            data,
            name="/prisoners/[number]/sessions/new/ (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                with _saved_lock:
                    SAVED.append({"prison_number": number, "minutes": minutes, "notes": notes})
                response.success()
            else:
                response.failure(f"session not saved: {response.status_code}")


@events.test_stop.add_listener
def _write_saved(**kwargs):
    with open(os.environ["LOAD_SAVED"], "w") as out:
        json.dump(SAVED, out)
