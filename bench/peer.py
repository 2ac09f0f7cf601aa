"""The peer: Datasette 0.65 from PyPI, in the bench's own virtualenv, never the project's.

    python -m bench.peer                 # create bench/out/peer-venv if missing (make bench-peer)
    python -m bench.peer --venv DIR      # elsewhere

Datasette pins its own versions of what the project also uses (uvicorn, Jinja, ...), and is
no dependency of the project: so it lives in a virtualenv of its own, created here by pip
from PyPI (`datasette==0.65.*`, with uvloop and httptools so that its uvicorn runs the
same event loop and HTTP parser as the project's `uvicorn[standard]`). bench.load starts
it on the flat copy (bench/flat.py) with the settings below.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).parent / "out"
VENV = OUT / "peer-venv"
REQUIREMENT = "datasette==0.65.*"
# The same server stack as the project's uvicorn[standard]: uvloop and httptools.
EXTRAS = ("uvloop", "httptools")
STAMP = ".installed"

# Datasette's settings in the benchmark, each to its advantage or neutral:
# -i (immutable): no per-request check whether the file changed, table counts computed once;
# suggest_facets off: no facet-suggestion queries on each table page (the project suggests
# none); sql_time_limit_ms 10000 (default 1000): a slow page is answered, not cut off with
# an error (wrk gives up after 10 s too); the URLs add _nocount=1 (no count(*) of the
# filtered rows: the project's list counts only when asked, count=true) and _size=50 (the
# project's page), and keep Datasette's default JSON shape (rows as arrays: less to write
# than the project's objects). The rest is Datasette's default: 3 SQL threads
# (num_sql_threads), one uvicorn worker with its access log (as `dprk-labor serve`).
SETTINGS = {"suggest_facets": "off", "sql_time_limit_ms": "10000"}
SIZE = 50


def datasette(venv: Path = VENV) -> Path:
    return venv / "bin" / "datasette"


def ensure(venv: Path = VENV) -> Path:
    """The Datasette executable of `venv`, the virtualenv created and filled if missing."""
    exe = datasette(venv)
    if (venv / STAMP).exists() and exe.exists():
        return exe
    print(f"creating {venv} with {REQUIREMENT} from PyPI", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, REQUIREMENT, *EXTRAS], check=True)
    (venv / STAMP).write_text(version(venv) + "\n")
    return exe


def version(venv: Path = VENV) -> str:
    out = subprocess.run(
        [str(datasette(venv)), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return out.replace("datasette, version ", "Datasette ")


def argv(venv: Path, flat: Path, port: int | str) -> list[str]:
    """The command line that serves `flat` (read-only, immutable) on 127.0.0.1:`port`."""
    out = [str(datasette(venv)), "serve", "-i", str(flat), "--host", "127.0.0.1"]
    out += ["--port", str(port)]
    for name, value in SETTINGS.items():
        out += ["--setting", name, value]
    return out


def main(args: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--venv", type=Path, default=VENV)
    ns = p.parse_args(args)
    ensure(ns.venv)
    print(f"{ns.venv}: {version(ns.venv)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
