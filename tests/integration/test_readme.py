"""The README is a user's guide that must stay true: its example commands print what it shows,
its links lead somewhere, and the data dictionary lives in data/processed/README.md only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.paths import PROJECT_ROOT

from ..clirun import run_cli

README = PROJECT_ROOT / "README.md"


def console_examples(text: str) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for every ``$ asean-japan ...`` line in the README's
    ```console blocks; a ``...`` line stands for output left out."""
    examples: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                examples.append((line[2:], []))
            elif examples and line.strip() != "...":
                examples[-1][1].append(line.rstrip())
    return examples


EXAMPLES = console_examples(README.read_text(encoding="utf-8"))


def test_the_readme_has_five_worked_questions() -> None:
    text = README.read_text(encoding="utf-8")
    questions = re.findall(r"^\*\*(\d)\. (.+?)\*\*", text, re.M)
    assert [n for n, _ in questions] == ["1", "2", "3", "4", "5"]
    assert len(EXAMPLES) >= 5 and all(cmd.startswith("asean-japan ") for cmd, _ in EXAMPLES)


@pytest.mark.parametrize("command,expected", EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example_prints_what_the_readme_shows(
    command: str, expected: list[str], tmp_path: Path
) -> None:
    """Run as the README writes it (charts go to a temporary reports folder); every line the
    README shows must be in the output (a path line may differ before ``reports/``)."""
    # a forked child of this process: a real process with its own output, without a fresh
    # interpreter's imports (tests/clirun.py; tests/integration/test_cli.py runs `python -m analysis`)
    p = run_cli(*command.split()[1:], env={"ASEAN_JAPAN_REPORTS": str(tmp_path / "reports")})
    assert p.returncode == 0, p.stderr
    actual = [line.rstrip() for line in p.stdout.splitlines()]
    missing = [line for line in expected if not any(line.strip() in a for a in actual)]
    assert not missing, f"README shows lines `{command}` no longer prints: {missing}"


def test_the_china_overtook_japan_year_the_readme_gives() -> None:
    """Question 2's answer in prose: China ahead of Thailand's other partners from 2013 on."""
    from analysis import query

    t = query.overtake("CHN", "JPN").set_index("member")["ahead_since"]
    assert t["Thailand"] == 2013 and str(t["Thailand"]) == "2013"  # a whole year, not 2013.0
    assert "**2. When did China overtake Japan as Thailand's trade partner?** In 2013" in (
        README.read_text(encoding="utf-8")
    )


def test_the_data_dictionary_lives_in_data_processed_only() -> None:
    text = README.read_text(encoding="utf-8")
    assert "| column | type | unit | meaning |" not in text
    assert "<!-- generated: observations -->" not in text
    assert "<!-- generated: rankings -->" not in text
    assert "estimated_share" not in text and "n_partners" not in text
    assert "(data/processed/README.md)" in text


def test_readme_links_lead_somewhere() -> None:
    """Relative links name files that exist; an anchor names a heading of that file."""
    text = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#:]+)(#[^)]+)?\)", text)
    assert links
    for path, anchor in links:
        target = PROJECT_ROOT / path
        assert target.is_file(), f"README links to {path}, which does not exist"
        if anchor:
            headings = re.findall(r"^#+ (.+)$", target.read_text(encoding="utf-8"), re.M)
            slugs = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in headings}
            assert anchor[1:] in slugs, f"{path} has no heading for {anchor}"


def test_the_benchmark_block_is_a_whole_run_of_every_case() -> None:
    """The Benchmarks table is written by ``bench_build.py --readme`` from one run: every
    timed case of the benchmark is in it, with the command, the date, the machine, its load
    and the targets not met said plainly (a case added without a new run fails here)."""
    import importlib
    import sys

    sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
    try:
        bench = importlib.import_module("bench_build")
    finally:
        sys.path.remove(str(PROJECT_ROOT / "benchmarks"))
    text = README.read_text(encoding="utf-8")
    start, end = text.index(bench.BLOCK[0]), text.index(bench.BLOCK[1])
    block = text[start:end]
    assert re.search(
        r"Measured with `python benchmarks/bench_build\.py[^`]*` on \d{4}-\d\d-\d\d", block
    )
    assert "cores; load average" in block and "- targets not met: " in block
    rows = {line.split()[0] for line in re.findall(r"```\n(.*?)```", block, re.S)[0].splitlines()}
    timed = set(bench.CASES) - set(bench.CHECKS)
    assert timed <= rows, f"cases not in the README's table: {sorted(timed - rows)}"
    for check in bench.CHECKS:  # each yardstick gave our rows, row for row
        engine = check.removesuffix("_check")
        assert re.search(
            rf"- --check {engine}: [\d,]+ rows of ours, 0 on one side only, 0 differ", block
        )
