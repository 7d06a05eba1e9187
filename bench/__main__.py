"""`python -m bench [--sizes 1e6,1e7,1e8]` (`make bench SIZES=...`): see bench/runner.py."""

from __future__ import annotations

import argparse

from bench.runner import rerender, run
from bench.sizes import parse_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--sizes",
        default="1e6,1e7,1e8",
        help="synthetic sizes in rows, comma-separated (default 1e6,1e7,1e8)",
    )
    parser.add_argument(
        "--skip-sample",
        action="store_true",
        help="only the synthetic sizes (no sample refresh, no app pages)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=7200,
        help="seconds per synthetic size (ingest + refresh) before it is stopped and reported",
    )
    parser.add_argument(
        "--keep-previous",
        action="store_true",
        help="carry over the runs of bench/results/latest.json that this invocation does not redo",
    )
    parser.add_argument(
        "--rerender",
        action="store_true",
        help="only rewrite the newest report from its JSON (nothing is measured)",
    )
    parser.add_argument(
        "--with-proposals",
        default="",
        help="what-if: apply bench/proposals/<NN>-*.patch to the code snapshot, e.g. 01,03",
    )
    args = parser.parse_args(argv)
    if args.rerender:
        for path in rerender():
            print(f"wrote {path}")
        return 0
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    run(
        sizes,
        skip_sample=args.skip_sample,
        timeout_s=args.timeout,
        keep_previous=args.keep_previous,
        proposals=tuple(p.strip() for p in args.with_proposals.split(",") if p.strip()),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
