"""The HTTP client against the fake server: retries, backoff, timeouts, no retry on 4xx."""

from __future__ import annotations

import socket

import pytest

from ingest.download.client import Client, FetchError
from ingest.download.tables import ClientSettings
from tests.download.fakes import Reply

FAST = ClientSettings(
    connect_timeout_seconds=0.2, read_timeout_seconds=0.2, max_attempts=4, backoff_seconds=1.0,
    delay_seconds=0.0,
)  # fmt: skip


def client(settings: ClientSettings = FAST) -> tuple[Client, list[float]]:
    """A client whose pauses are recorded, never slept."""
    slept: list[float] = []
    return Client(settings, sleep=slept.append), slept


def test_500_then_success_is_retried_with_exponential_backoff(server):
    path = server.route("/t", Reply(500, b"boom"), Reply(502, b"bad gateway"), Reply(200, b"ok"))
    c, slept = client()
    fetched = c.get(server.base_url + path)
    assert (fetched.status, fetched.body, fetched.attempts) == (200, b"ok", 3)
    assert server.hits[path] == 3
    assert slept == [1.0, 2.0]  # backoff 1 s, then 2 s


def test_persistent_5xx_gives_up_after_bounded_attempts(server):
    path = server.route("/t", Reply(503, b"unavailable"))
    c, slept = client()
    with pytest.raises(FetchError) as err:
        c.get(server.base_url + path)
    assert server.hits[path] == 4 and err.value.attempts == 4
    assert err.value.status == 503
    assert "HTTP 503" in str(err.value) and "gave up after 4 attempts" in str(err.value)
    assert slept == [1.0, 2.0, 4.0]


def test_404_is_not_retried(server):
    path = server.route("/t", Reply(404, b"no such table"))
    c, slept = client()
    with pytest.raises(FetchError) as err:
        c.get(server.base_url + path)
    assert server.hits[path] == 1 and err.value.attempts == 1 and err.value.status == 404
    assert "not retried" in str(err.value)
    assert slept == []


def test_429_is_retried_with_backoff(server):
    path = server.route("/t", Reply(429, b"slow down"), Reply(200, b"ok"))
    c, slept = client()
    fetched = c.get(server.base_url + path)
    assert (fetched.status, fetched.body, fetched.attempts) == (200, b"ok", 2)
    assert server.hits[path] == 2 and slept == [1.0]


def test_429_honours_retry_after(server):
    path = server.route(
        "/t", Reply(429, b"slow down", headers=(("Retry-After", "7"),)), Reply(200, b"ok")
    )
    c, slept = client()
    assert c.get(server.base_url + path).body == b"ok"
    assert slept == [7.0]  # the server's 7 s, not the 1 s backoff


def test_retry_after_shorter_than_the_backoff_keeps_the_backoff(server):
    path = server.route(
        "/t", Reply(503, b"busy", headers=(("Retry-After", "0"),)), Reply(503, b"busy"),
        Reply(200, b"ok"),
    )  # fmt: skip
    c, slept = client()
    assert c.get(server.base_url + path).attempts == 3
    assert slept == [1.0, 2.0]


def test_persistent_429_gives_up_naming_it(server):
    path = server.route("/t", Reply(429, b"slow down", headers=(("Retry-After", "2"),)))
    c, slept = client()
    with pytest.raises(FetchError) as err:
        c.get(server.base_url + path)
    assert server.hits[path] == 4 and err.value.status == 429
    assert "HTTP 429" in str(err.value) and "gave up after 4 attempts" in str(err.value)
    assert slept == [2.0, 2.0, 4.0]


def test_retry_after_beyond_the_limit_fails_at_once(server):
    path = server.route("/t", Reply(429, b"later", headers=(("Retry-After", "3600"),)))
    c, slept = client()
    with pytest.raises(FetchError, match="retry after 3600 s"):
        c.get(server.base_url + path)
    assert server.hits[path] == 1 and slept == []


def test_read_timeout_is_retried_then_succeeds(server):
    path = server.route("/t", Reply(200, b"late", delay=2.0), Reply(200, b"ok"))
    fetched = client()[0].get(server.base_url + path)
    assert fetched.body == b"ok" and fetched.attempts == 2 and server.hits[path] == 2


def test_persistent_timeout_fails_naming_it(server):
    path = server.route("/t", Reply(200, b"late", delay=2.0))
    settings = ClientSettings(0.2, 0.2, max_attempts=2, backoff_seconds=0, delay_seconds=0)
    with pytest.raises(FetchError) as err:
        client(settings)[0].get(server.base_url + path)
    assert "timed out" in str(err.value) and err.value.status is None
    assert server.hits[path] == 2


def test_truncated_body_is_retried_then_succeeds(server):
    path = server.route("/t", Reply(200, b"half", declared_length=100), Reply(200, b"whole"))
    fetched = client()[0].get(server.base_url + path)
    assert fetched.body == b"whole" and fetched.attempts == 2


def test_persistent_truncated_body_fails(server):
    path = server.route("/t", Reply(200, b"half", declared_length=100))
    with pytest.raises(FetchError) as err:
        client()[0].get(server.base_url + path)
    assert "truncated body" in str(err.value) and server.hits[path] == 4


def test_connection_refused_is_retried_and_named():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c, slept = client()
    with pytest.raises(FetchError) as err:
        c.get(f"http://127.0.0.1:{port}/t")
    assert "connection error" in str(err.value) and err.value.attempts == 4
    assert len(slept) == 3


def test_polite_delay_between_calls(server):
    path = server.route("/t", Reply(200, b"ok"))
    settings = ClientSettings(0.2, 0.2, max_attempts=1, backoff_seconds=0, delay_seconds=5.0)
    slept: list[float] = []
    c = Client(settings, sleep=slept.append, clock=lambda: 100.0)  # time stands still
    c.get(server.base_url + path)
    assert slept == []  # the first call does not wait
    c.get(server.base_url + path)
    assert slept == [5.0]


def test_identifies_itself():
    c, _ = client()
    assert c.session.headers["User-Agent"].startswith("kzmigration-download/")
