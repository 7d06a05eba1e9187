"""Fixtures of the download tests: the fake server on 127.0.0.1 and bodies built from the real
figures (see fakes.py)."""

from __future__ import annotations

import json

import pytest

from tests.download.fakes import FakeServer, bns_export_rows, taldau_answer, tsv_quoted


@pytest.fixture()
def server():
    fake = FakeServer()
    fake.thread.start()
    yield fake
    fake.release.set()
    fake.httpd.shutdown()
    fake.httpd.server_close()


@pytest.fixture(autouse=True)
def only_local_network(monkeypatch):
    """No proxy may see the fake server's traffic; the real hosts are never called."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture()
def base_urls_env(server, monkeypatch):
    """BNS_BASE_URL and TALDAU_BASE_URL point at the fake server."""
    monkeypatch.setenv("BNS_BASE_URL", server.base_url)
    monkeypatch.setenv("TALDAU_BASE_URL", server.base_url)
    return server


@pytest.fixture(scope="session")
def bns_6567(public_copies) -> bytes:
    return tsv_quoted(bns_export_rows(public_copies, "6567"))


@pytest.fixture(scope="session")
def bns_6584(public_copies) -> bytes:
    return tsv_quoted(bns_export_rows(public_copies, "6584"))


@pytest.fixture(scope="session")
def taldau_704447(public_copies) -> bytes:
    return json.dumps(taldau_answer(public_copies), ensure_ascii=False).encode("utf-8")
