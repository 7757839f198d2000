"""The HTML report as a reader gets it: loaded in headless Chromium (Debian's `chromium`),
offline (no request leaves the machine), no broken link, findings first, every notebook page
titled and linked both ways.

The report comes from the session's one run of the main job (``job`` in conftest.py): the
notebooks are not executed again here. Without Chromium these tests fail, saying how to
install it; they never skip.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from analysis.captions import CAPTIONS, caption
from analysis.jobs import NOTEBOOKS
from analysis.report import notebook_title

from ..browser import INSTALL_HINT, Browser, broken_links, find_chromium, remote_requests

PAGES = ("index.html", *(n.replace(".ipynb", ".html") for n in NOTEBOOKS))
# every test here on the main job's worker (most read its report): one Chromium for the module
pytestmark = pytest.mark.xdist_group("job")


@pytest.fixture(scope="module")
def browser():
    binary = find_chromium()
    if binary is None:
        pytest.fail(INSTALL_HINT)
    with Browser(binary) as b:
        yield b


@pytest.fixture(scope="module")
def html_dir(job) -> Path:
    rc, _, root = job
    assert rc == 0
    return root / "reports" / "html"


@pytest.fixture(scope="module")
def loaded(browser: Browser, html_dir: Path) -> dict:
    """Every page of the report loaded once (all at once): page name -> what Chromium saw."""
    return dict(zip(PAGES, browser.load_all([(html_dir / n).as_uri() for n in PAGES]), strict=True))


@pytest.fixture(scope="module")
def index(html_dir: Path) -> BeautifulSoup:
    return BeautifulSoup((html_dir / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_the_checks_catch_a_cdn_script_and_broken_links(browser: Browser, tmp_path: Path) -> None:
    """The two checks below can fail: a hand-made page (test input, not data) with a CDN
    script, a missing image, a missing page and a missing anchor is caught on each count."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><html><head><script src="https://cdn.example.invalid/x.js"></script>'
        '</head><body><h1 id="here">x</h1><a href="#here">ok</a><a href="#gone">a</a>'
        '<a href="gone.html">b</a><img src="gone.png"></body></html>',
        encoding="utf-8",
    )
    seen = browser.load(page.as_uri())
    assert remote_requests(seen) == ["https://cdn.example.invalid/x.js"]
    problems = "\n".join(broken_links(seen))
    for bad in ("#gone", "gone.html: no such file", "gone.png", "cdn.example.invalid"):
        assert bad in problems
    assert f"{page.as_uri()}#here" not in problems


@pytest.mark.parametrize("name", PAGES)
def test_no_request_leaves_the_machine(loaded: dict, name: str) -> None:
    page = loaded[name]
    assert page.requested[0].endswith(name)  # the page itself, from disk
    assert remote_requests(page) == [], f"{name} asks the network for {remote_requests(page)}"


@pytest.mark.parametrize("name", PAGES)
def test_no_broken_link(loaded: dict, name: str) -> None:
    page = loaded[name]
    assert page.links, f"{name} has no link at all"
    problems = broken_links(page)
    assert not problems, f"{name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_page_is_titled_and_linked_both_ways(
    loaded: dict, html_dir: Path, name: str
) -> None:
    """Titled with the notebook's own first heading (not "Notebook"), a link back to the
    index, and the index links the page under that title."""
    from analysis.jobs import notebook_source
    from analysis.report import read_notebook

    title = notebook_title(read_notebook(notebook_source(name)))  # from the tracked source
    page_name = name.replace(".ipynb", ".html")
    page = loaded[page_name]
    assert title and page.title == title
    assert (html_dir / "index.html").as_uri() in page.links
    index_links = loaded["index.html"].links
    assert (html_dir / page_name).as_uri() in index_links
    soup = BeautifulSoup((html_dir / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find("a", href=page_name).get_text(strip=True) == title


def test_index_opens_with_the_findings(index: BeautifulSoup) -> None:
    """The findings in words, then the contents list, Japan's ranks, the claims, figures,
    notebooks, sources."""
    order = [s["id"] for s in index.find_all(["nav", "section"], id=True)]
    assert order == ["findings", "contents", "ranks", "claims", "figures", "notebooks", "sources"]
    contents = {a["href"] for a in index.find("nav", id="contents").find_all("a")}
    assert {f"#{s}" for s in order if s != "contents"} <= contents
    # every figure is listed in the contents and has a caption in words, not its file name
    for fig in index.find_all("figure"):
        assert f"#{fig['id']}" in contents
        words = fig.figcaption.get_text(" ", strip=True)
        assert fig["id"] not in words and len(words.split()) >= 25
        assert "Source:" in words


def test_rank_table_shows_trade_oda_and_fdi(job, index: BeautifulSoup) -> None:
    """The trade columns are the README's table (query.japan_rank_table), and the ODA and FDI
    groups are there too, from the snapshot the job used."""
    _, _, root = job
    mp = pytest.MonkeyPatch()
    mp.setenv("ASEAN_JAPAN_DATA", str(root / "data"))
    try:
        from analysis.query import japan_rank_table

        trade = japan_rank_table()
    finally:
        mp.undo()
    table = index.find("section", id="ranks").find("table", class_="ranks")
    groups = [th.get_text(" ", strip=True) for th in table.thead.find_all("th", class_="group")]
    assert [g.split()[0] for g in groups] == ["trade", "ODA", "ODA", "FDI", "FDI"]
    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in table.tbody.find_all("tr")
    }
    assert list(rows) == list(trade["member"])
    years = [c for c in trade.columns if c != "member"]
    for _, r in trade.iterrows():
        assert rows[r["member"]][: len(years)] == [r[y] for y in years]
    # Japan is Thailand's largest source of FDI stock in ASEANstats' latest year (the last
    # cell, with that year: Viet Nam's IMF DIP positions run later)
    assert rows["Thailand"][-1] == "1 (2022)"


def test_claims_show_verdicts_with_evidence(job, index: BeautifulSoup) -> None:
    _, _, root = job
    verdicts = pd.read_csv(root / "data" / "processed" / "claims.csv", keep_default_na=False)
    evidence = pd.read_csv(root / "data" / "processed" / "claims_evidence.csv")
    section = index.find("section", id="claims")
    for v in verdicts.itertuples(index=False):
        row = section.find("tr", id=f"claim-{v.claim_id}")
        assert row is not None and v.sentence in row.get_text()
        then, now = (b.get_text(strip=True) for b in row.find_all(class_="badge"))
        assert (then, now) == (v.verdict, v.latest_verdict)
        text = row.get_text(" ", strip=True)
        assert f"{v.n_supported} of {v.n_cases} cases" in text
        assert f"{v.latest_supported} of {v.latest_cases} cases" in text
        cases = row.find_next_sibling("tr").find("table", class_="evidence").tbody.find_all("tr")
        assert len(cases) == (evidence["claim_id"] == v.claim_id).sum() >= v.n_cases


def test_every_figure_has_a_caption(job) -> None:
    """Each figure the job wrote has a title and caption in captions.CAPTIONS, and CAPTIONS holds
    none for a figure the job no longer draws."""
    _, _, root = job
    written = sorted(p.name for p in (root / "reports" / "figures").glob("*.png"))
    assert written
    for name in written:
        title, text = caption(name)
        assert title and text and "{" not in title + text, name
    keys = {"bump-{member}-trade.png" if n.startswith("bump-") else n for n in written}
    assert keys == set(CAPTIONS)


def test_report_opens_with_the_findings(index: BeautifulSoup) -> None:
    """The findings come first (before the contents box), each with its command, and each
    figure link points to a figure the report shows."""
    from analysis.findings import key_findings

    section = index.find("section", id="findings")
    nav = index.find("nav", id="contents")
    assert section is not None and nav is not None
    assert section.sourceline < nav.sourceline
    items = section.find("ol", class_="findings").find_all("li", recursive=False)
    found = key_findings()
    assert len(items) == len(found)
    for li, f in zip(items, found, strict=True):
        text = li.get_text(" ", strip=True)
        assert f.text in " ".join(text.split()) and f.command in text
        target = li.find("a")["href"].lstrip("#")
        assert index.find(id=target) is not None, target
