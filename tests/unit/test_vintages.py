"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_vintages.py: Vintages and
revisions, on small hand-built vintages (named as such: not data)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from analysis.rawstore import RawRecord, RawStore, sha256_bytes

from ..clirun import run_cli

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><message:StructureSpecificData '
    'xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message">'
    "<message:DataSet>"
)


def handmade_imts(values: dict[tuple[str, str, str, int], float]) -> bytes:
    """Hand-built SDMX-ML (not data): (reporter, indicator, counterpart, year) -> US dollars."""
    series: dict[tuple, list] = {}
    for (rep, ind, cp, year), v in values.items():
        series.setdefault((rep, ind, cp), []).append((year, v))
    body = "".join(
        f'<Series COUNTRY="{r}" INDICATOR="{i}" COUNTERPART_COUNTRY="{c}" FREQUENCY="A">'
        + "".join(f'<Obs TIME_PERIOD="{y}" OBS_VALUE="{v}"/>' for y, v in obs)
        + "</Series>"
        for (r, i, c), obs in series.items()
    )
    return (HEAD + body + "</message:DataSet></message:StructureSpecificData>").encode()


def _save(root: Path, vintage: str, data: bytes) -> None:
    RawStore("imf_imts", root=root).write_vintage(
        vintage,
        [
            (
                RawRecord(
                    "reported.xml",
                    "http://127.0.0.1/handmade",
                    {},
                    f"{vintage}T00:00:00",
                    200,
                    sha256_bytes(data),
                    len(data),
                    "application/xml",
                    "handmade",
                    "handmade",
                ),
                data,
            )
        ],
        [],
    )


OLD = {  # Viet Nam's exports, hand-built: Japan ahead of Korea
    ("VNM", "XG_FOB_USD", "G001", 2024): 100e6,
    ("VNM", "XG_FOB_USD", "JPN", 2024): 30e6,
    ("VNM", "XG_FOB_USD", "KOR", 2024): 20e6,
    ("VNM", "XG_FOB_USD", "USA", 2024): 50e6,
}


NEW = {
    **OLD,
    ("VNM", "XG_FOB_USD", "KOR", 2024): 35e6,  # revised: Korea overtakes Japan
    ("VNM", "XG_FOB_USD", "CHN", 2024): 5e6,
}  # a new partner


def test_cli_vintages_and_diff(tmp_path: Path) -> None:
    raw = tmp_path / "data" / "raw"
    _save(raw, "2026-01-01", handmade_imts(OLD))
    _save(raw, "2026-02-01", handmade_imts(NEW))
    env = {"ASEAN_JAPAN_DATA": str(tmp_path / "data")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return run_cli(*args, env=env)  # a forked child of this process (clirun.py)

    p = run("vintages")
    assert p.returncode == 0 and "2026-02-01" in p.stdout
    assert p.stdout.startswith("Fetched vintages of the live sources")  # a title line
    p = run("diff", "imf_imts", "2026-01-01", "2026-02-01")
    assert p.returncode == 0 and "values revised: 2" in p.stdout and "KOR" in p.stdout
    p = run("diff", "imf_imts", "2026-01-01", "2025-12-31")
    assert p.returncode == 1 and "no vintage '2025-12-31'" in p.stderr
    manifest = json.loads((raw / "imf_imts" / "2026-01-01" / "manifest.json").read_text())
    assert manifest["files"][0]["file"] == "reported.xml"
