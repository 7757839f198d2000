"""asean-japan: partner rankings of Japan and the ASEAN members in trade, FDI and ODA.

Data flow (one way): sources/<dataset>.py (fetch -> data/raw, parse) -> observations.py
(tidy, validated) -> rank.py (rankings) -> pipeline.py (data/processed) -> plots.py -> notebooks.
"""

__version__ = "0.1.0"
