"""How FACTUAL train writes candidate colour names: inside an attribute value, or inside a node name.

Backs COLOUR_WORDS in processing/scene_graph_lexicon.py: a colour name is kept when train writes it in an
attribute value at least twice and at least five times as often as in a node name ("cream" loses to
"ice cream", "olive" to "olives").

    python benchmarks/count_colour_words.py [--words khaki cream ...]
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import Counter
from pathlib import Path

from parser_quality import DEFAULT_DATA_DIR


# Single-word CSS Color Module Level 4 named colours (https://www.w3.org/TR/css-color-4/#named-colors)
# that are not in COLOUR_WORDS yet, plus common colour names from Wikipedia's "List of colors".
CANDIDATES = (
    "aqua aquamarine azure bisque chartreuse chocolate coral cornsilk crimson cyan fuchsia goldenrod indigo ivory "
    "khaki lavender lime linen magenta navy olive orchid plum salmon sienna snow thistle tomato turquoise violet "
    "wheat bronze burgundy copper cream mauve ochre rust charcoal"
).split()


def triples(scene_graph: str) -> list[list[str]]:
    """'( a , is , b ) , ( a , on , c )' -> [['a', 'is', 'b'], ['a', 'on', 'c']]"""
    found = [[part.strip() for part in inner.split(",")] for inner in re.findall(r"\(([^()]*)\)", scene_graph)]
    return [parts for parts in found if len(parts) == 3]


def count_uses(scene_graphs, words) -> tuple[Counter, Counter]:
    """(attribute-value uses, node-name uses) of each word, counted per triple."""
    in_value, in_name = Counter(), Counter()
    for scene_graph in scene_graphs:
        for subject, predicate, value in triples(scene_graph):
            names = [subject] if predicate == "is" else [subject, value]
            for word in words:
                in_value[word] += predicate == "is" and word in value.split()
                in_name[word] += any(word in name.split() for name in names)
    return in_value, in_name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data_dir", type=Path, default=DEFAULT_DATA_DIR, help="folder holding factual/train.csv")
    parser.add_argument("--words", nargs="+", default=CANDIDATES, help="colour names to count")
    args = parser.parse_args()
    with open(args.data_dir / "factual" / "train.csv", newline="") as handle:
        scene_graphs = [row["scene_graph"] for row in csv.DictReader(handle)]
    in_value, in_name = count_uses(scene_graphs, args.words)
    for word in sorted(args.words, key=lambda word: -in_value[word]):
        keep = in_value[word] >= 2 and in_value[word] >= 5 * in_name[word]
        print(f"{word:12s} attribute {in_value[word]:4d}  node name {in_name[word]:4d}  {'keep' if keep else ''}")


if __name__ == "__main__":
    main()
