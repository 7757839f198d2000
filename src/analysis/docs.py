"""The generated parts of ``data/processed/README.md``: the datasets and the two tables' columns.

They come from the source declarations (``sources/``) and the schema (``schema.py``), so the data
dictionary cannot drift from the code: ``tests/test_schema.py`` fails when the README differs
from what this module renders. ``python -m analysis.docs`` rewrites the README in place.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .paths import PROJECT_ROOT
from .schema import OBSERVATIONS, RANKINGS, markdown

README = PROJECT_ROOT / "data" / "processed" / "README.md"
BLOCK = re.compile(r"(<!-- generated: (\w+) -->\n)(.*?)(<!-- end generated -->)", re.S)


def datasets_table() -> str:
    """Every dataset any source yields, with its source, dimension, measures and coverage."""
    from .sources import REGISTRY

    lines = [
        "| dataset | source | dimension | measures | partners | coverage |",
        "|---|---|---|---|---|---|",
    ]
    for src in REGISTRY.values():
        for d in src.datasets:
            lines.append(
                f"| `{d.name}` | `{src.name}` ({src.kind}) | {d.dimension} | "
                f"{', '.join(f'`{m}`' for m in d.measures)} | {d.partners} | "
                f"{src.coverage.replace('|', '/')} |"
            )
    context = [s.name for s in REGISTRY.values() if s.role == "context"]
    if context:
        lines.append("")
        lines.append(
            "Context sources (shown beside the rankings, never ranked; written as "
            "`context_<source>.csv`): " + ", ".join(f"`{c}`" for c in context) + "."
        )
    return "\n".join(lines)


def blocks() -> dict[str, str]:
    return {
        "datasets": datasets_table(),
        "observations": markdown(OBSERVATIONS),
        "rankings": markdown(RANKINGS),
    }


def render(text: str) -> str:
    """``text`` with every generated block replaced by what the code declares now."""
    generated = blocks()

    def repl(m: re.Match) -> str:
        return m.group(1) + generated[m.group(2)] + "\n" + m.group(4)

    return BLOCK.sub(repl, text)


def main(path: Path = README) -> int:
    text = path.read_text(encoding="utf-8")
    new = render(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
        print(f"rewrote the generated blocks of {path}")
    else:
        print(f"{path} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
