"""The committee and secretariat at work, for ``bench/load.py``.

Each simulated person has their own token. ``ACCORD_LOAD_PACED=1``: a pause of 1 to 3 s
before each request after a person's first, as someone reading the page takes; ``0``: none,
so every person keeps a request in flight.
"""

import json
import os
import random

from locust import FastHttpUser, between, constant, task

WORLD = json.loads(open(os.environ["ACCORD_LOAD_WORLD"]).read())  # noqa: SIM115
PACED = os.environ.get("ACCORD_LOAD_PACED") == "1"
_numbers = {"member": iter(range(10**9)), "staff": iter(range(10**9))}


class Person(FastHttpUser):
    abstract = True
    kind = ""
    wait_time = between(1.0, 3.0) if PACED else constant(0)

    def on_start(self):
        index = next(_numbers[self.kind])
        tokens = WORLD[f"{self.kind}_tokens"]
        self.headers = {
            "Authorization": f"Token {tokens[index % len(tokens)]}",
            "Accept": "application/json",
        }
        self.rng = random.Random(f"{self.kind}-{index}")
        self.first = True

    def get(self, url, name):
        self.pause()
        self.client.get(url, headers=self.headers, name=name)

    def post(self, url, body, name):
        self.pause()
        self.client.post(url, json=body, headers=self.headers, name=name)

    def pause(self):
        # locust pauses after each round; a person reading pauses before each click.
        if PACED and not self.first:
            self.wait()
        self.first = False


class Member(Person):
    """A committee member: the list, a proposal, a ballot, a vote and a change of mind."""

    kind = "member"
    fixed_count = 50

    @task
    def work(self):
        self.get("/api/v1/proposals/", "list")
        self.get(f"/api/v1/proposals/{self.rng.choice(WORLD['visible'])}/", "open")
        voting = self.rng.choice(WORLD["voting"])
        self.get(f"/api/v1/proposals/{voting}/ballot/", "ballot")
        first, second = self.rng.sample(["for", "against", "abstain"], 2)
        self.post(f"/api/v1/proposals/{voting}/vote/", {"choice": first}, "vote")
        self.post(f"/api/v1/proposals/{voting}/vote/", {"choice": second}, "change vote")


class Staff(Person):
    """Secretariat staff: the queue, a proposal and its reviews, a tally, the log, exposure."""

    kind = "staff"
    fixed_count = 10

    @task
    def work(self):
        self.get("/api/v1/proposals/?status=submitted,in_review", "staff: queue")
        proposal = self.rng.choice(WORLD["visible"])
        self.get(f"/api/v1/proposals/{proposal}/", "staff: open")
        self.get(f"/api/v1/proposals/{proposal}/reviews/", "staff: reviews")
        self.get(f"/api/v1/proposals/{self.rng.choice(WORLD['voting'])}/ballot/", "staff: ballot")
        self.get("/api/v1/decision-log/", "staff: decision log")
        self.get("/api/v1/exposure/", "staff: exposure")
