"""Adding relations to the graph under construction: the one place that checks both ends are nodes."""

from __future__ import annotations

from .scene_graph_nodes import is_node
from .scene_graph_state import ParseState


def add_relation(state: ParseState, subjects, predicate: str, objects) -> None:
    """One (subject, predicate, object) per pair of node tokens; nothing for an empty predicate."""
    if not predicate:
        return
    if state.graph.owned_parts:
        # "black hat on mans head": the parser's place is the owner, the caption's is its part
        objects = [state.graph.owned_parts.get(obj.i, obj) if predicate != "have" else obj for obj in objects]
    for subject in subjects:
        for obj in objects:
            if subject.i != obj.i and is_node(state, subject) and is_node(state, obj):
                state.graph.relations.append((subject, predicate, obj))
