"""What committee members do, for ``bench/load.py``: list, open a proposal, read its ballot,
vote, change the vote. Each simulated user is one member (its own token); no think time, so
N users keep N requests in flight. ``ACCORD_LOAD_TARGET=list`` requests only the list,
``ACCORD_LOAD_TARGET=trivial`` only the ceiling endpoint, ``ACCORD_LOAD_TARGET=paced`` the
member round with 1 to 3 s between a member's requests (reading before the next click).
"""

import json
import os
import random

from locust import FastHttpUser, between, constant, task

WORLD = json.loads(open(os.environ["ACCORD_LOAD_WORLD"]).read())  # noqa: SIM115
TARGET = os.environ.get("ACCORD_LOAD_TARGET", "member")
_next = iter(range(10**9))


class Member(FastHttpUser):
    wait_time = between(1.0, 3.0) if TARGET == "paced" else constant(0)

    def on_start(self):
        index = next(_next)
        self.token = WORLD["tokens"][index % len(WORLD["tokens"])]
        self.headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        self.rng = random.Random(index)

    @task
    def work(self):
        if TARGET == "trivial":
            self.client.get("/bench/trivial/", headers=self.headers, name="trivial")
            return
        if TARGET == "list":
            self.client.get("/api/v1/proposals/", headers=self.headers, name="list only")
            return
        # Paced: a pause before each request after the first (locust pauses after the round).
        pause = self.wait if TARGET == "paced" else (lambda: None)
        get, post = self.client.get, self.client.post
        get("/api/v1/proposals/", headers=self.headers, name="list")
        pause()
        get(f"/api/v1/proposals/{self.rng.choice(WORLD['visible'])}/", headers=self.headers,
            name="open")  # fmt: skip
        pause()
        voting = self.rng.choice(WORLD["voting"])
        get(f"/api/v1/proposals/{voting}/ballot/", headers=self.headers, name="ballot")
        first, second = self.rng.sample(["for", "against", "abstain"], 2)
        for choice, name in ((first, "vote"), (second, "change vote")):
            pause()
            post(f"/api/v1/proposals/{voting}/vote/", json={"choice": choice},
                 headers=self.headers, name=name)  # fmt: skip
