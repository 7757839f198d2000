"""The command line: real processes, real exit codes, one-paragraph errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..replay import ReplayServer, Reply
from ..unit.test_cli import run


def run_real(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The command as a user starts it, `python -m analysis` in a fresh interpreter: the entry
    point itself, for the tests that say so."""
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def test_rank_reads_the_snapshot() -> None:
    """Through the real entry point (a fresh interpreter reading the snapshot from disk)."""
    p = run_real("rank", "VNM", "--year", "2019", "--top", "4")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].startswith("Viet Nam's top trade partners (exports + imports), 2019")
    assert "CHN" in lines[2] and "JPN" in lines[5]  # China 1st, Japan 4th in Viet Nam's 2019 trade


def test_build_without_inputs_fails_in_one_paragraph(tmp_path: Path) -> None:
    env = {"ASEAN_JAPAN_SHARED": str(tmp_path / "nothing"), "ASEAN_JAPAN_DATA": str(tmp_path / "d")}
    p = run_real("build", env=env)  # the real entry point's error path and exit code
    assert p.returncode == 1  # a data problem, not a usage or network one
    assert "no raw inputs found" in p.stderr and "Traceback" not in p.stderr
    assert "\n\n" not in p.stderr.strip()


def test_fetch_failure_names_source_and_url(tmp_path: Path) -> None:
    srv = ReplayServer()
    srv.start()
    try:
        from analysis.sources import imf_imts

        for path, _ in imf_imts.queries().values():
            srv.routes[path] = [
                Reply(200, b"<html><body>maintenance</body></html>", {"Content-Type": "text/html"})
            ]
        env = {"ASEAN_JAPAN_IMF_BASE_URL": srv.url, "ASEAN_JAPAN_DATA": str(tmp_path / "d")}
        p = run("fetch", "imf_imts", env=env)
    finally:
        srv.stop()
    assert p.returncode == 1  # the server answered, with the wrong thing: a data problem
    assert "[imf_imts]" in p.stderr and srv.url in p.stderr and "HTML page" in p.stderr
    kept = [p for p in (tmp_path / "d" / "raw").rglob("*") if p.is_file() and p.name != ".lock"]
    assert not kept  # nothing but the source's fetch lock, which holds nothing


def test_exit_codes_and_messages_for_wrong_input() -> None:
    """2 for usage (unknown economy, bad flag value), 1 for an empty answer; one paragraph."""
    p = run("rank", "VNMM")
    assert (
        p.returncode == 2 and "unknown economy 'VNMM'" in p.stderr and "VNM (Viet Nam)" in p.stderr
    )
    p = run("rank", "VNM", "--year", "3000")
    message = " ".join(p.stderr.split())  # one paragraph, wrapped at 100 columns
    # Viet Nam Customs' December 2025 table is the last year ranked
    assert p.returncode == 1 and "years with data there: 1960-2025" in message
    assert "No trade dataset of the snapshot ranks Viet Nam's partners in 3000" in message
    p = run("rank", "VNM", "--top", "0")
    assert p.returncode == 2 and "expected a whole number >= 1" in p.stderr
    p = run("--version")
    assert p.returncode == 0 and p.stdout.startswith("asean-japan ")
    for q in (p,):
        assert "Traceback" not in q.stderr


def test_rank_uses_the_datasets_own_variant_and_basis() -> None:
    p = run(
        "rank",
        "THA",
        "--dataset",
        "aseanstats_fdi",
        "--measure",
        "fdi_inward_stock",
        "--year",
        "2022",
    )
    assert p.returncode == 0, p.stderr
    assert "basis reported" in p.stdout.splitlines()[0] and "JPN" in p.stdout.splitlines()[2]
    p = run("rank", "VNM", "--dataset", "baci_major_partners", "--year", "2024", "--top", "5")
    assert p.returncode == 0 and "partner set major_13" in p.stdout.splitlines()[0]
    assert "among 13 major partners" in p.stdout.splitlines()[0]


def test_chart_writes_png_svg_and_the_rows_drawn(tmp_path: Path) -> None:
    import csv

    p = run("chart", "THA", "--dimension", "fdi", "--out", str(tmp_path))
    assert p.returncode == 0, p.stderr
    stem = tmp_path / "THA-fdi"
    assert stem.with_suffix(".png").stat().st_size > 10_000
    assert stem.with_suffix(".svg").read_text().lstrip().startswith("<?xml")
    rows = list(csv.DictReader(stem.with_suffix(".csv").open()))
    assert {r["country"] for r in rows} == {"THA"} and "JPN" in {r["partner"] for r in rows}
    p = run("chart", "VNMM")
    assert p.returncode == 2 and "unknown economy" in p.stderr


def test_rank_of_an_oda_dataset_needs_no_more_flags_and_names_donors() -> None:
    """Choosing an ODA dataset reads its headline measure (net ODA received); donors and agencies
    come out as names (Global Fund, EU Institutions), not codes alone."""
    p = run("rank", "THA", "--dataset", "oecd_dac2a_qwids", "--year", "2019")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].startswith("Thailand's top donors by net ODA received (current US$), 2019")
    assert "oda_received_net_current" not in lines[0]  # the measure in words, not its id
    assert "Global Fund (AIDS, TB, malaria)" in p.stdout and "EU Institutions" in p.stdout


def test_rank_says_why_shares_are_empty_and_who_is_not_ranked() -> None:
    """Thailand's net ODA received in 2019 totals below zero (Japan's loan repayments exceed
    every donor's new money): no share column of NaN without a word, but a note with the total,
    Japan named as left out of the ranks with its negative net flow, and the gross measure that
    ranks every donor; a year with a positive total shows shares (and still names the donors
    repaid more than they gave)."""
    p = run("rank", "THA", "--dataset", "oecd_dac2a_qwids", "--year", "2019")
    assert p.returncode == 0, p.stderr
    table = p.stdout.split("Note:")[0]
    assert "NaN" not in table
    notes = " ".join(p.stdout.split("Note:")[1:]).replace("\n      ", " ")
    assert "No shares: Thailand's net total with all partners in 2019 is -344.8" in notes
    assert "Not ranked, net flow below zero" in notes and "Japan -505.0" in notes
    assert "--dataset oecd_dac2a_bilateral --measure oda_received_gross_current" in notes
    p = run("rank", "VNM", "--dataset", "oecd_dac2a_qwids", "--year", "2008", "--top", "3")
    assert p.returncode == 0, p.stderr
    assert "No shares" not in p.stdout and "Kuwait -0.4" in p.stdout  # repaid a little
    first = p.stdout.splitlines()[2].split()
    assert first[:2] == ["1", "JPN"] and first[-3] == "26.7"  # Japan 26.7 % of Viet Nam's ODA


def test_rank_names_donors_a_net_extract_leaves_out() -> None:
    """The bilateral DAC extract omits net values at or below zero: Japan, Viet Nam's largest
    gross donor in 2022, has no net row that year, and the table says so instead of silently
    ranking the United States first."""
    p = run(
        "rank",
        "VNM",
        "--dataset",
        "oecd_dac2a_bilateral",
        "--measure",
        "oda_received_net_current",  # 2022, the price base year: every donor priced
        "--year",
        "2022",
        "--top",
        "3",
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[2].split()[:2] == ["1", "USA"]
    notes = p.stdout.split("Note:", 1)[1].replace("\n      ", " ")
    assert "In the gross figures but with no net value here" in notes
    assert "Japan (gross 386.8)" in notes
    # asked at constant prices, 2022 says where its ranking is
    p = run("rank", "VNM", "--dataset", "oecd_dac2a_bilateral", "--measure",
            "oda_received_net_const2022", "--year", "2022")  # fmt: skip
    message = " ".join(p.stderr.split())
    assert p.returncode == 1 and "--measure oda_received_net_current" in message


def test_chart_titles_say_the_measure_in_words() -> None:
    """`chart` and the notebooks' explorer title a chart from the same words as `rank`."""
    import matplotlib

    matplotlib.use("Agg")
    from analysis.explore import draw

    fig = draw("THA", "oda")
    title = fig.axes[0].get_title()
    assert title.startswith("Thailand's top 5 donors by net ODA received (current US$)")
    assert "oda_received" not in title


def test_a_closed_pipe_ends_quietly() -> None:
    """`asean-japan rank SGP | head -1`: the reader is gone before the answer is written (its
    end of the pipe closed at once, while the command still imports); the command ends with
    the shell's code for a closed pipe (141) and no error paragraph."""
    p = subprocess.Popen(
        [sys.executable, "-m", "analysis", "rank", "SGP"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=60) == 141 and err == "", err


def test_an_unreachable_host_is_not_retried_and_the_hint_names_the_setting(tmp_path: Path) -> None:
    """Connection refused (a closed port on 127.0.0.1) is asked once, not five times like a
    timeout; the message names the variable that points the source elsewhere. Under -q the
    progress line of a failed source is short; the paragraph is the error itself."""
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        "ASEAN_JAPAN_IMF_BASE_URL": f"http://127.0.0.1:{port}",
        "ASEAN_JAPAN_DATA": str(tmp_path / "data"),
        "ASEAN_JAPAN_RETRIES": "4",
    }
    p = run("fetch", "imf_imts", env=env)
    message = " ".join(p.stderr.split())
    assert p.returncode != 0 and "gave up after 1 attempt: the connection was refused" in message
    assert "set ASEAN_JAPAN_IMF_BASE_URL to a mirror" in message
    assert "attempt 1 of" not in message  # no retry was announced
    p = run(
        "fetch",
        "--all",
        "-q",
        env={
            **env,
            "ASEAN_JAPAN_OECD_BASE_URL": env["ASEAN_JAPAN_IMF_BASE_URL"],
            "ASEAN_JAPAN_WORLDBANK_BASE_URL": env["ASEAN_JAPAN_IMF_BASE_URL"],
        },
    )
    lines = [ln for ln in p.stderr.splitlines() if "going on" in ln]
    assert lines and all(len(ln) <= 140 for ln in lines), lines


def test_a_live_dataset_not_fetched_says_so() -> None:
    p = run("rank", "VNM", "--dataset", "oecd_dac2a")
    message = " ".join(p.stderr.split())
    assert p.returncode == 1 and "oecd_dac2a (oda) is not in the snapshot" in message
    assert "run `asean-japan fetch oecd_dac2a`" in message and "trade" not in message
    p = run("rank", "VNM", "--dataset", "vietnam_gsp")
    assert p.returncode == 2 and "did you mean vietnam_gso?" in p.stderr


def test_help_imports_no_source_module() -> None:
    """`asean-japan --help` builds the parser without the sources (and pandas), so it answers
    at once; --dataset is checked when given (benchmarks/ has the timing)."""
    code = (
        "import sys; from analysis.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('pandas', 'analysis.sources') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
