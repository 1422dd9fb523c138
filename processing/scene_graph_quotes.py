"""Quoted text: the `word` node FACTUAL writes for what a sign, wall or shirt reads.

The caption cleaner (scene_graph_text.py) turns a quote that no writing noun introduces into one placeholder
noun; these rules name it `word` and relate it the way FACTUAL's train split does: the red wall says `` cola ''
-> (word, on, wall); `` 2 brothers '' sign -> (words, on, sign); `` diamond '' written on baseball bat ->
(word, write on, baseball bat) (the ordinary verb rules). Those are all 3 of its captions with such a quote.
"""

from __future__ import annotations

from .scene_graph_clauses import subjects_of
from .scene_graph_coordination import nominal_conjuncts
from .scene_graph_edges import add_relation
from .scene_graph_nodes import node_name
from .scene_graph_predicates import preposition_phrase
from .scene_graph_state import ParseState
from .scene_graph_text import WRITING_NOUNS


# Verbs whose object is the text a thing shows ("says", "reads").
SHOWING_VERBS = {"say", "read"}
# A quote before a noun is written on it; this label stands in for spaCy's `compound` so the quote is a node
# of its own and the noun's name stays the noun ("`` 2 brothers '' sign" -> sign).
_ON_NOUN = "quoted_on"


def mark_quoted_text(state: ParseState) -> None:
    """A placeholder that modifies a noun stops being part of the noun's name; one a writing noun says
    ("lettering that says `` ecalite ''") is that noun's text, no second node. (scene_graph_nodes.node_name
    names the others `word`.)"""
    for index in sorted(state.quoted_text):  # most captions have none: no pass over their tokens
        token = state.tokens[index]
        named = _naming_noun(state, token)
        if named is not None:
            # "holding the sign `` what 's a pilot worth ? ''": the parser makes the sign a compound of the
            # text; the sign keeps the text's place (pilot, hold, sign), and the text makes no node.
            state.quoted_text.discard(token.i)
            state.graph.name_overrides[token.i] = node_name(state, named)
            state.graph.hidden.add(named.i)
        elif token.dep_ == "compound" and state.nominal(token.head):
            state.relabel(token, dep=_ON_NOUN)
        else:
            showing = _shown_by(state, token)
            if showing and all(subject.lower_ in WRITING_NOUNS for subject in showing):
                state.graph.hidden.add(token.i)


def _naming_noun(state: ParseState, token):
    """The noun right before a quote that the parser made the quote's compound ("the sign `` ... ''")."""
    before = state.tokens[token.i - 1] if token.i > 0 else None
    if before is not None and before.dep_ == "compound" and before.head.i == token.i and state.nominal(before):
        return before
    return None


def is_shown_text(state: ParseState, token) -> bool:
    """Whether a direct object is quoted text that its subject says or reads (no (wall, say, word))."""
    return token.i in state.quoted_text and bool(_shown_by(state, token))


def relate_quoted_text(state: ParseState, token) -> None:
    """ "the red wall says `` cola ''" -> (word, on, wall); "`` 2 brothers '' sign" -> (word, on, sign)."""
    if token.dep_ == _ON_NOUN:
        add_relation(state, [token], "on", [token.head])
    elif is_shown_text(state, token):
        showing = _shown_by(state, token)
        state.graph.verbs_with_relation.add(token.head.i)
        add_relation(state, [token], "on", showing)
        # 'a sign that says "stop" on a pole': the parser hangs the place on the text; it places the sign.
        for prep in state.kids(token):
            words, place = preposition_phrase(state, prep) if prep.dep_ == "prep" else ([], None)
            if place is not None:
                state.graph.consumed_preps.add(prep.i)
                add_relation(state, showing, " ".join(words), nominal_conjuncts(state, place))


def _shown_by(state: ParseState, token) -> list:
    verb = token.head
    if token.dep_ != "dobj" or state.lemma(verb.text, verb.tag_) not in SHOWING_VERBS:
        return []
    return subjects_of(state, verb)
