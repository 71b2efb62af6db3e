"""Outside-in helpers: everything is made through the public HTTP API with JWT, as a phone or a
browser would. Only the superuser is created directly (the brief allows it)."""

import json
import uuid
from datetime import datetime, timedelta

from django.db import transaction

from tests.openapi import CheckedClient

ROOT_PASSWORD = "root-password-123"
PASSWORD = "visitor-pass-2023!"


def make_root():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root", "root@example.org", ROOT_PASSWORD)


def login(username, password=PASSWORD):
    anon = CheckedClient()
    r = anon.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")
    assert r.status_code == 200, (username, r.status_code, r.content[:300])
    body = r.json()
    assert set(body) >= {"access", "refresh"}
    client = CheckedClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    return client


def post(client, path, body, expect=201):
    r = client.post(path, body, format="json")
    assert r.status_code == expect, (path, r.status_code, r.content[:600])
    return r.json()


def raw_post(client, path, data: bytes, content_type="application/json"):
    return client.generic("POST", path, data, content_type=content_type)


def count(client, path, **params):
    r = client.get(path, params)
    assert r.status_code == 200, (path, r.status_code, r.content[:300])
    return r.json()["count"]


def all_results(client, path, **params):
    params = {"page_size": 200, **params}
    r = client.get(path, params)
    assert r.status_code == 200, (path, r.status_code, r.content[:300])
    body = r.json()
    out = list(body["results"])
    page = 2
    while body["next"]:
        r = client.get(path, {**params, "page": page})
        body = r.json()
        out += body["results"]
        page += 1
    return out


class World:
    """A scheme as its people set it up: root makes the scheme and its manager; the manager adds
    the sites and people."""

    def __init__(self, name, prefix, hourly_rate="18.37", weekly_target=1, n_visitors=4, root=None):
        self.root = root or login("root", ROOT_PASSWORD)
        self.scheme = post(self.root, "/api/v1/schemes/",
                           {"name": name, "hourly_rate": hourly_rate, "weekly_target": weekly_target})
        self.sid = self.scheme["id"]
        self.prefix = prefix
        self.manager_user = post(self.root, "/api/v1/users/", {
            "scheme": self.sid, "username": f"{prefix}-manager", "password": PASSWORD, "role": "manager",
            "first_name": "Mara", "last_name": "Manager", "email": f"{prefix}-manager@example.org"})
        self.manager = login(f"{prefix}-manager")
        self.visitor_users = []
        self.visitors = []
        for i in range(n_visitors):
            u = self.add_user(f"{prefix}-visitor{i}", "visitor", animal_welfare_trained=True,
                              joined_on="2015-01-01")
            self.visitor_users.append(u)
            self.visitors.append(login(u["username"]))
        self.custody_user = self.add_user(f"{prefix}-custody", "custody")
        self.custody = login(self.custody_user["username"])

    def add_user(self, username, role, **extra):
        body = {"scheme": self.sid, "username": username, "password": PASSWORD, "role": role,
                "first_name": username.split("-")[-1].title(), "last_name": "Tester",
                "email": f"{username}@example.org", **extra}
        return post(self.manager, "/api/v1/users/", body)

    def add_site(self, name, kind="custody_suite", cells=20, active=True):
        return post(self.manager, "/api/v1/sites/",
                    {"scheme": self.sid, "name": name, "kind": kind, "cells": cells, "active": active})

    def vid(self, i):
        return self.visitor_users[i]["id"]


def iso(dt: datetime) -> str:
    return dt.isoformat()


def custody_body(site_id, visitors, arrived, delay_min=2, stay_min=60, status="submitted",
                 counts=None, issues=(), delay_reason=None, **extra):
    """arrived: aware datetime; counts: dict of seen, refused, not_offered, unavailable, observed."""
    c = {"seen": 0, "refused": 0, "not_offered": 0, "unavailable": 0, "observed": 0, **(counts or {})}
    offered = c["seen"] + c["refused"]
    present = offered + c["not_offered"] + c["unavailable"] + c["observed"]
    admitted = arrived + timedelta(minutes=delay_min)
    left = admitted + timedelta(minutes=stay_min)
    if delay_reason is None:
        delay_reason = "Suite busy" if delay_min > 5 else ""
    body = {
        "client_uuid": str(uuid.uuid4()),
        "site": site_id,
        "visitors": list(visitors),
        "arrived_at": iso(arrived),
        "admitted_at": iso(admitted),
        "left_at": iso(left),
        "delay_reason": delay_reason,
        "detainees_present": present,
        "detainees_offered": offered,
        "detainees_seen": c["seen"],
        "detainees_refused": c["refused"],
        "detainees_not_offered": c["not_offered"],
        "detainees_unavailable": c["unavailable"],
        "detainees_observed": c["observed"],
        "issues": list(issues),
        "comments": "",
        "status": status,
    }
    body.update(extra)
    return body


def animal_body(site_id, visitors, arrived, stay_min=60, status="submitted", issues=(), **extra):
    body = {
        "client_uuid": str(uuid.uuid4()),
        "site": site_id,
        "visitors": list(visitors),
        "arrived_at": iso(arrived),
        "left_at": iso(arrived + timedelta(minutes=stay_min)),
        "animals_seen": 6,
        "records_checked": True,
        "kennels_observed": True,
        "vehicles_observed": False,
        "training_observed": True,
        "issues": list(issues),
        "comments": "",
        "status": status,
    }
    body.update(extra)
    return body


def dumps(obj) -> bytes:
    return json.dumps(obj).encode()


def built_once(django_db_blocker, build):
    """What `build()` makes through the API, once per module, inside a transaction rolled back at
    the end; each test runs in its own savepoint (the `db` fixture), so what a test posts is gone
    for the next one and the database is left as found."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            make_root()
            yield build()
            transaction.set_rollback(True)
