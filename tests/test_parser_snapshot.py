"""The rule parser's graphs on a fixed sample of FACTUAL dev captions equal a committed snapshot.

Any change of output shows up here; when a rule change is meant to change graphs, look at the diff and
regenerate the snapshot with `python benchmarks/dump_parser_graphs.py --snapshot`.
"""

import csv
import importlib.util
import json
from pathlib import Path

import pytest

from processing.scene_graph import SceneGraph
from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="no English spaCy pipeline installed",
)

SNAPSHOT_PATH = Path(__file__).parent / "data" / "parser_snapshot_factual_dev.json"


def _dev_captions(data_dir: Path, split: str) -> list[str]:
    with open(data_dir / "factual" / f"{split}.csv", newline="", encoding="utf-8") as handle:
        return [row["caption"] for row in csv.DictReader(handle)]


def test_dev_graphs_match_the_snapshot(parser, shared_data_dir):
    snapshot = json.loads(SNAPSHOT_PATH.read_text(encoding="utf-8"))
    assert set(snapshot) == {"random_dev", "length_dev", "long_dev"}
    for split, entries in snapshot.items():
        captions = _dev_captions(shared_data_dir, split)
        parsed = parser.parse_batch([captions[entry["row"]] for entry in entries])
        for entry, graph in zip(entries, parsed, strict=True):
            assert graph == SceneGraph.from_json(entry["graph"]), f"{split} row {entry['row']}: {graph.caption!r}"
