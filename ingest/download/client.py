"""A polite HTTP client: one requests.Session, connect/read timeouts, bounded retries with
exponential backoff on 5xx, 429 (Too Many Requests), timeouts, connection errors and bodies cut
short; no retry on other 4xx; a pause between two calls. A 429 or 503 that says `Retry-After`
(seconds or an HTTP date, read by urllib3's Retry) is retried after that long, when it is at
most MAX_RETRY_AFTER_SECONDS; a longer wait fails at once, naming it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from urllib3.exceptions import InvalidHeader
from urllib3.util import Retry

from ingest.download.tables import ClientSettings

USER_AGENT = "kzmigration-download/0.1 (warehouse of Kazakhstan internal migration)"
MAX_RETRY_AFTER_SECONDS = 300.0
# the statuses urllib3 honours Retry-After on (Retry.RETRY_AFTER_STATUS_CODES)
RETRY_AFTER_STATUSES = frozenset(Retry.RETRY_AFTER_STATUS_CODES)


class FetchError(Exception):
    """The URL could not be fetched; `status` is the last HTTP status seen (None: no answer)."""

    def __init__(self, message: str, *, status: int | None, attempts: int) -> None:
        super().__init__(message)
        self.status = status
        self.attempts = attempts


@dataclass
class Fetched:
    url: str
    status: int
    body: bytes
    content_type: str
    attempts: int


@dataclass
class Client:
    settings: ClientSettings
    session: requests.Session = field(default_factory=requests.Session)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    waits: list[float] = field(default_factory=list)  # every pause taken (backoff and polite)
    _last_call: float | None = None
    _retry_after: float | None = None  # seconds the last answer asked to wait (Retry-After)

    def __post_init__(self) -> None:
        self.session.headers["User-Agent"] = USER_AGENT

    def _pause(self, seconds: float) -> None:
        if seconds > 0:
            self.waits.append(seconds)
            self.sleep(seconds)

    def _polite_wait(self) -> None:
        if self._last_call is not None:
            self._pause(self.settings.delay_seconds - (self.clock() - self._last_call))

    def _once(self, url: str) -> tuple[Fetched | None, str, int | None]:
        """One request. Returns (answer, "", status) on success, or (None, reason, status) for a
        retryable failure; raises FetchError for a failure that must not be retried."""
        s = self.settings
        self._polite_wait()
        timeout = (s.connect_timeout_seconds, s.read_timeout_seconds)
        try:
            response = self.session.get(url, timeout=timeout, stream=True)
        except requests.RequestException as exc:
            self._last_call = self.clock()
            return _network_failure(exc, status=None)
        try:
            status = response.status_code
            what = f"HTTP {status} {response.reason or ''}".strip()
            if status >= 500 or status == 429:
                self._retry_after = _retry_after(response, status)
                return None, what, status
            if 400 <= status < 500:
                raise FetchError(f"{what} (client error, not retried)", status=status, attempts=1)
            if not 200 <= status < 300:
                raise FetchError(f"{what} (unexpected status)", status=status, attempts=1)
            try:
                body = response.content  # read here: a body cut short or stalled fails here
            except requests.RequestException as exc:
                return _network_failure(exc, status=status)
            declared = response.headers.get("Content-Length", "")
            encoded = response.headers.get("Content-Encoding", "identity") not in ("", "identity")
            if declared.isdigit() and not encoded and int(declared) != len(body):
                return None, f"truncated body: {len(body)} of {declared} bytes", status
            content_type = response.headers.get("Content-Type", "")
            return Fetched(url, status, body, content_type, 1), "", status
        finally:
            response.close()
            self._last_call = self.clock()

    def get(self, url: str) -> Fetched:
        """GET with bounded retries. Raises FetchError naming the last reason."""
        attempts = self.settings.max_attempts
        reason, status = "", None
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                backoff = self.settings.backoff_seconds * 2 ** (attempt - 2)
                self._pause(max(backoff, self._retry_after or 0.0))
            self._retry_after = None
            try:
                fetched, reason, status = self._once(url)
            except FetchError as exc:
                exc.attempts = attempt
                raise
            if fetched is not None:
                fetched.attempts = attempt
                return fetched
        raise FetchError(f"{reason} (gave up after {attempts} attempts)", status=status,
                         attempts=attempts)  # fmt: skip


def _retry_after(response: requests.Response, status: int) -> float | None:
    """The Retry-After of a 429/503 in seconds (None: absent or unreadable); raises FetchError
    when the server asks for a longer wait than this client will take."""
    value = response.headers.get("Retry-After")
    if not value or status not in RETRY_AFTER_STATUSES:
        return None
    try:
        seconds = Retry().parse_retry_after(value)
    except InvalidHeader:
        return None
    if seconds > MAX_RETRY_AFTER_SECONDS:
        raise FetchError(
            f"HTTP {status}: the server asks to retry after {seconds:.0f} s (more than "
            f"{MAX_RETRY_AFTER_SECONDS:.0f} s); run `make download` again later",
            status=status, attempts=1,
        )  # fmt: skip
    return seconds


def _network_failure(
    exc: requests.RequestException, *, status: int | None
) -> tuple[None, str, int | None]:
    """Timeouts, refused or dropped connections and bodies cut short are retried; anything else
    (an invalid URL, too many redirects) is not."""
    reason = str(exc)
    if isinstance(exc, requests.Timeout) or "timed out" in reason.lower():
        return None, f"timed out ({type(exc).__name__}: {_short(reason, 120)})", status
    if isinstance(exc, requests.exceptions.ChunkedEncodingError) or "IncompleteRead" in reason:
        return None, f"truncated body: {_short(reason)}", status
    if isinstance(exc, requests.ConnectionError):
        return None, f"connection error: {_short(reason)}", status
    raise FetchError(f"request failed: {_short(reason)}", status=status, attempts=1) from exc


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
