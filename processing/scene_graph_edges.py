"""Adding relations to the graph under construction: the one place that checks both ends are nodes."""

from __future__ import annotations

from .scene_graph_nodes import is_node
from .scene_graph_state import ParseState


def add_relation(state: ParseState, subjects, predicate: str, objects) -> None:
    """One (subject, predicate, object) per pair of node tokens; nothing for an empty predicate."""
    if not predicate:
        return
    for subject in subjects:
        for obj in objects:
            if subject.i != obj.i and is_node(state, subject) and is_node(state, obj):
                state.graph.relations.append((subject, predicate, obj))
