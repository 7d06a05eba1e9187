"""A fake BNS/Taldau server on 127.0.0.1 and answers built from the real figures in ../shared/data.

The bodies are generated here, at test time, from the public copies (never committed):
- a BNS table export (CSV, tab-separated, every field quoted, UTF-8 BOM, Russian header) of
  table 6567 (migration balance) from armanbostybayev-maker__kaz-Data/migration_balance.json and
  of table 6584 (population) from .../population.json, with upper-case Russian region names;
- a Taldau GetIndexData answer of index 704447 from
  open-data-kazakhstan__average-per-capita-nominal-cash-income/output.csv.

Only the layout around the figures is made up: the national row is the sum of the regions (an
identity for these two additive measures; written only for years with all 20 regions), and the
district and breakdown rows (sex) carry the publisher symbols `x` / `-`, not figures.
"""

from __future__ import annotations

import csv
import json
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ingest.regions import REGIONS_CSV

KAZDATA = "armanbostybayev-maker__kaz-Data"
TALDAU_CSV = "open-data-kazakhstan__average-per-capita-nominal-cash-income/output.csv"
BNS_PATH = "/api/iblock/element/{id}/csv/file/ru/"
TALDAU_PATH = "/ru/Api/GetIndexData/{id}?period=7&dics=67"
REPUBLIC = "РЕСПУБЛИКА КАЗАХСТАН"
# (region KATO, district name as BNS prints it, its published symbol): layout only, no figures
DISTRICTS = [("110000000", "АККОЛЬСКИЙ РАЙОН", "x"), ("110000000", "КОСШЫ Г.А.", "-")]
HEADER = ["NAM", "DAT", "PERIOD", "КАТО(по каталогу)", "LКАТО(по каталогу)",
          "СПТМ (по каталогу)", "LСПТМ (по каталогу)", "СП", "LСП", "VAL"]  # fmt: skip
NAMES = {
    "6567": "Сальдо миграции по всем потокам(Человек)",
    "6584": "Численность населения(Человек)",
}
SOURCE_JSON = {"6567": "migration_balance.json", "6584": "population.json"}


# --------------------------------------------------------------------------- the fake server


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    declared_length: int | None = None  # announce this Content-Length (a body cut short)
    delay: float = 0.0  # wait before answering (a server slower than the read timeout)
    headers: tuple[tuple[str, str], ...] = ()  # more headers (e.g. Retry-After)


class FakeServer:
    """Routes `path?query` to a queue of replies; the last reply repeats. Counts every hit."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.hits: Counter[str] = Counter()
        self.release = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                reply = server.next_reply(self.path)
                if reply.delay:
                    server.release.wait(reply.delay)
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    length = reply.declared_length or len(reply.body)
                    self.send_header("Content-Length", str(length))
                    for name, value in reply.headers:
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(reply.body)
                    self.wfile.flush()
                except OSError:
                    pass  # the client gave up (timeout): nothing to answer
                self.close_connection = True

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def next_reply(self, path: str) -> Reply:
        with self._lock:
            self.hits[path] += 1
            queue = self.routes.get(path)
            if not queue:
                return Reply(404, b"<html><title>404 Not Found</title></html>", "text/html")
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def route(self, path: str, *replies: Reply) -> str:
        self.routes[path] = list(replies)
        return path

    def bns(self, table_id: str, *replies: Reply) -> str:
        return self.route(BNS_PATH.format(id=table_id), *replies)

    def taldau(self, index_id: str, *replies: Reply) -> str:
        return self.route(TALDAU_PATH.format(id=index_id), *replies)


# --------------------------------------------------------------------------- bodies


def bns_region_names() -> dict[str, str]:
    """KATO -> the upper-case Russian name a BNS export prints (`Г.АСТАНА`, `ОБЛАСТЬ АБАЙ`)."""
    with open(REGIONS_CSV, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    names = {}
    for row in rows:
        if row["valid_to"]:
            continue  # South Kazakhstan: not in the current frame these files use
        name = row["region_name_ru"].upper()
        if name.startswith("ГОРОД "):
            name = "Г." + name.removeprefix("ГОРОД ")
        names[row["region_code"]] = name
    return names


def bns_value(value: float) -> str:
    """As a BNS export prints VAL: `24 876`, `-7 141`."""
    text = f"{abs(value):,.0f}".replace(",", " ") if float(value).is_integer() else str(value)
    return ("-" if value < 0 else "") + text


def bns_export_rows(public_copies: Path, table_id: str) -> list[list[str]]:
    """The rows (header first) of a BNS table export built from the real figures."""
    doc = json.loads((public_copies / KAZDATA / SOURCE_JSON[table_id]).read_text(encoding="utf-8"))
    names = bns_region_names()
    nam = NAMES[table_id]
    rows = [HEADER]
    for year, by_kato in doc["values"].items():
        dat, period = f"{year} год", f"{year}12"

        def row(region, value, sex="Всего", nam=nam, dat=dat, period=period):
            return [nam, dat, period, region, "0", "Всего", "0", sex, "0", value]

        if len(by_kato) == len(names):  # the national row only where every region is there
            rows.append(row(REPUBLIC, bns_value(sum(by_kato.values()))))
        for kato, value in by_kato.items():
            rows.append(row(names[kato], bns_value(value)))
            rows.append(row(names[kato], "x", sex="Мужчины"))  # a breakdown row: layout only
        for _kato, district, symbol in DISTRICTS:
            rows.append(row(district, symbol))
    return rows


def tsv_quoted(rows: list[list[str]]) -> bytes:
    """Tab-separated, every field quoted, CRLF, UTF-8 with a BOM: as stat.gov.kz serves it."""
    lines = ["\t".join('"' + f.replace('"', '""') + '"' for f in r) for r in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def taldau_answer(public_copies: Path) -> list[dict]:
    """GetIndexData/704447 as Taldau returns it, from the flattened real figures. `terms` ids:
    741880 is the Republic (Taldau's id); the others are placeholders (the parser ignores them)."""
    by_region: dict[str, list[dict]] = {}
    with open(public_copies / TALDAU_CSV, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            year = row["date"][:4]
            by_region.setdefault(row["region"], []).append(
                {"name": f"{year} год", "date": f"31.12.{year}", "value": row["value"]}
            )
    return [
        {
            "terms": [741880 if region == REPUBLIC else 900000 + i],
            "termNames": [region],
            "periods": sorted(periods, key=lambda p: p["date"][-4:]),
        }
        for i, (region, periods) in enumerate(by_region.items())
    ]


def ok_csv(body: bytes) -> Reply:
    return Reply(200, body, "text/csv; charset=utf-8")


def ok_json(body: bytes) -> Reply:
    return Reply(200, body, "application/json; charset=utf-8")


HTML_ERROR = Reply(
    200,
    "<!DOCTYPE html><html><head><title>Технические работы</title></head><body>…</body></html>"
    .encode(),
    "text/html; charset=utf-8",
)  # fmt: skip
