"""Dependency-parse rules: one spaCy `Doc` -> one `SceneGraph`, following FACTUAL conventions.

Conventions (shared/data/PROVENANCE.md, docs/method.md §3): lemmatised heads; verb and preposition merged
("surf in"); multi-word prepositions kept whole ("in front of", "on top of", "next to"); copula plus
adjective gives an attribute; the passive is inverted; possession is `have`; quantities are digit
attributes; conjunctions are expanded. The rules read Penn tags and dependency labels only (the
`attribute_ruler`/`lemmatizer` pipes are off for speed, see scene_graph_lemmas.py).

Class chain: TokenTable (scene_graph_tokens.py, per-doc token tables) -> NodeRules
(scene_graph_nodes.py, objects, names, spans) -> AttributeRules (scene_graph_attributes.py) ->
_GraphBuilder here (relations). Word lists: scene_graph_lexicon.py; lemmas: scene_graph_lemmas.py.
"""

from __future__ import annotations

from .scene_graph import SceneGraph
from .scene_graph_attributes import AttributeRules
from .scene_graph_lemmas import ADJECTIVE_TAGS, ADVERB_TAGS, NOUN_TAGS, VERB_TAGS, TagLemmatizer
from .scene_graph_lexicon import (
    ADVERBIAL_PREPOSITION_HEADS,
    ARTICLE_KEPT_PART_NOUNS,
    CANONICALISED_PREPOSITIONS,
    CONTAINER_PREPOSITION,
    GARMENTS,
    LOCATIVE_PASSIVE_VERBS,
    PART_NOUN_PREPOSITION,
    POSSESSION_VERBS,
    RELATIVE_PRONOUNS,
)


_SUBJECT_INHERITING_DEPS = {"conj", "advcl", "xcomp", "pcomp"}


class _GraphBuilder(AttributeRules):
    """Collects nodes, attributes and relations of one doc; `build()` returns the SceneGraph."""

    def __init__(self, doc, lemmatizer: TagLemmatizer):
        super().__init__(doc, lemmatizer)
        self.relational_modifiers: set[int] = set()  # adjectives/adverbs used as predicate heads
        self.relations: list[tuple] = []  # (subject token, predicate, object token)
        self.attributes: list[tuple] = []  # (node token, attribute text, (start, end))
        self.verbs_with_relation: set[int] = set()
        self.fused: set[int] = set()  # shade words already part of a colour attribute

    # ------------------------------------------------------------ subjects
    def subjects_of(self, verb, depth: int = 0) -> list:
        if depth > 6:
            return []
        agent_free_passive = self.lemma(verb.text, verb.tag_) in LOCATIVE_PASSIVE_VERBS or not any(
            child.dep_ == "agent" for child in self.kids(verb)
        )
        for child in self.kids(verb):
            if child.dep_ == "nsubj" or (child.dep_ == "nsubjpass" and agent_free_passive):
                if child.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                    return self._nominal_conjuncts(verb.head)
                return self._nominal_conjuncts(child)
        expletive = any(child.dep_ == "expl" for child in self.kids(verb))
        if expletive:
            for child in self.kids(verb):
                if child.dep_ == "attr" and self.nominal(child):
                    return self._nominal_conjuncts(child)
        for child in self.lefts(verb):
            if child.dep_ in ("npadvmod", "compound", "nmod") and self.nominal(child):
                return self._nominal_conjuncts(child)
        if verb.dep_ in ("acl", "relcl") and self.nominal(verb.head):
            # "trees and bushes growing on the lawn": the parser hangs the participle on the last
            # conjunct, but it describes them all (FACTUAL expands it to every conjunct).
            first = verb.head
            while first.dep_ == "conj" and self.nominal(first.head) and first.head.i < first.i:
                first = first.head
            return self._nominal_conjuncts(first)
        head = verb.head
        if verb.dep_ in _SUBJECT_INHERITING_DEPS and head.tag_ in VERB_TAGS and head.i != verb.i:
            return self.subjects_of(head, depth + 1)
        if verb.dep_ == "xcomp" and head.dep_ == "acomp":
            return self.subjects_of(head.head, depth + 1)  # "a player is about to hit the ball"
        return []

    def _nominal_conjuncts(self, token) -> list:
        return [self.resolve(tok) for tok in self.conjuncts(token) if self.nominal(tok)]

    def objects_of(self, token) -> list:
        return self._nominal_conjuncts(token)

    def is_reciprocal(self, token) -> bool:
        return token.lower_ == "other" and any(child.lower_ == "each" for child in self.kids(token))

    # ---------------------------------------------------------- predicates
    def verb_predicate(self, verb) -> str:
        lemma = self.lemma(verb.text, verb.tag_)
        if lemma == "be":
            return ""
        if verb.lower_ in POSSESSION_VERBS:
            return "have"
        particles = [child.lower_ for child in self.kids(verb) if child.dep_ == "prt"]
        return " ".join([lemma, *particles])

    @staticmethod
    def _join(*parts: str) -> str:
        """Join predicate parts, dropping a word the parser gave twice ("extend out" + "out from")."""
        words: list[str] = []
        for word in " ".join(parts).split():
            if not words or words[-1] != word:
                words.append(word)
        return " ".join(words)

    def preposition_phrase(self, prep):
        """(predicate words, object token) of a preposition, merging complex prepositions:
        "out of", "in between", "on top of", "in front of", "to the left of"."""
        words = [prep.lower_]
        previous = self.tokens[prep.i - 1] if prep.i > 0 else None
        if previous is not None and previous.dep_ in ("prep", "prt") and not self.kids(previous):
            # "in between the tracks": the tagger splits the complex preposition into siblings
            words.insert(0, previous.lower_)
            self.consumed_preps.add(previous.i)
        current = prep
        for _ in range(4):
            objects = [child for child in self.kids(current) if child.dep_ == "pobj"]
            if objects:
                return self._part_noun_phrase(words, objects[0])
            gerund_object = self._gerund_compound(current)
            if gerund_object is not None:
                return words, gerund_object
            nominal_complements = [c for c in self.kids(current) if c.dep_ == "pcomp" and self.nominal(c)]
            if nominal_complements:
                return words, nominal_complements[0]
            chained = [child for child in self.kids(current) if child.dep_ == "prep"]
            if not chained:
                return words, None
            current = chained[0]
            self.consumed_preps.add(current.i)
            words.append(current.lower_)
        return words, None

    def _gerund_compound(self, prep):
        """"on cutting board": the tagger reads a gerund + object; it is one noun ("cutting board")."""
        for gerund in self.kids(prep):
            if gerund.dep_ == "pcomp" and gerund.tag_ == "VBG":
                for obj in self.kids(gerund):
                    if obj.dep_ == "dobj" and obj.tag_ in NOUN_TAGS and obj.i == gerund.i + 1:
                        self.name_prefixes[obj.i] = [gerund.lower_]
                        self.hidden.add(gerund.i)
                        return obj
        return None

    def _part_noun_phrase(self, words, pobj):
        part = pobj.lower_
        of_object = self._of_object(pobj) if part in PART_NOUN_PREPOSITION else None
        if of_object is None and part in PART_NOUN_PREPOSITION and self._has_pronoun_of(pobj):
            self.hidden.add(pobj.i)
            return words, None  # "on top of it": the part noun is no object; the referent is unknown
        if of_object is None:
            return words, pobj
        self.hidden.add(pobj.i)
        canonical = PART_NOUN_PREPOSITION[part]
        if canonical and len(words) == 1 and words[0] in CANONICALISED_PREPOSITIONS:
            words = [canonical]
        modifiers = [child.lower_ for child in self.lefts(pobj) if child.dep_ in ("amod", "compound")]
        if part in ARTICLE_KEPT_PART_NOUNS:
            modifiers = [child.lower_ for child in self.lefts(pobj) if child.dep_ in ("det", "amod", "compound")]
        return [*words, *modifiers, part, "of"], of_object

    # ----------------------------------------------------------- relations
    def add_relation(self, subjects, predicate: str, objects) -> None:
        if not predicate:
            return
        for subject in subjects:
            for obj in objects:
                if subject.i != obj.i and self.is_node(subject) and self.is_node(obj):
                    self.relations.append((subject, predicate, obj))

    def relate_preposition(self, prep) -> None:
        if prep.i in self.consumed_preps:
            return
        words, obj = self.preposition_phrase(prep)
        if obj is not None and self.is_reciprocal(obj):
            self._relate_reciprocal(prep, " ".join(words))
            return
        if obj is None:
            return
        head = prep.head
        if obj.lower_ in RELATIVE_PRONOUNS and head.dep_ == "relcl" and self.nominal(head.head):
            obj = head.head  # "sand on which a girl is walking" -> (girl, walk on, sand)
        objects = self.objects_of(obj)
        predicate_words = " ".join(words)
        if words == ["in"] and obj.lower_ in GARMENTS:
            predicate_words = "wear"  # "a girl in a pink shirt": FACTUAL writes (girl, wear, shirt)
        if self.nominal(head):
            self._relate_noun_preposition(head, words, predicate_words, objects)
        elif predicate_words == "wear" and head.tag_ in VERB_TAGS:
            self.add_relation(self.subjects_of(head), "wear", objects)
        elif head.tag_ in VERB_TAGS:
            self._relate_verb_preposition(head, predicate_words, objects)
        elif head.tag_ in ADJECTIVE_TAGS or head.tag_ in ADVERB_TAGS:
            self._relate_modifier_preposition(head, predicate_words, objects)

    def _relate_noun_preposition(self, head, words, predicate_words: str, objects) -> None:
        subjects = self._nominal_conjuncts(head)
        if words == ["with"]:
            self._relate_with(head, subjects, objects)
        elif words != ["of"]:
            self.add_relation(subjects, predicate_words, objects)
        elif head.lower_ in CONTAINER_PREPOSITION:
            # "a plate of food" -> (food, on, plate); "a glass of wine" -> (wine, in, glass)
            self.add_relation(objects, CONTAINER_PREPOSITION[head.lower_], subjects)
        else:
            # "the tail of the horse" -> (horse, have, tail): FACTUAL's possession.
            self.add_relation(objects, "have", subjects)

    def _relate_with(self, head, subjects, objects) -> None:
        """"a bowl with flowers in it" -> (flower, in, bowl); otherwise FACTUAL keeps `with`
        (even for body parts: "a dog with long ears" -> (dog, with, ear))."""
        for obj in objects:
            # "on it" hangs on the accompanied noun or, as often, on the container itself
            candidates = self.kids(obj) + [child for child in self.kids(head) if child.i > obj.i]
            container_preps = [
                child for child in candidates
                if child.dep_ == "prep" and any(g.lower_ in ("it", "them") for g in self.kids(child))
            ]
            if container_preps:
                self.consumed_preps.update(child.i for child in container_preps)
                self.add_relation([obj], container_preps[0].lower_, subjects)
            else:
                self.add_relation(subjects, "with", [obj])

    def _relate_verb_preposition(self, verb, predicate_words: str, objects) -> None:
        subjects = self.subjects_of(verb)
        verb_words = self.verb_predicate(verb)
        predicate = self._join(verb_words, predicate_words)
        if subjects:
            self.verbs_with_relation.add(verb.i)
        self.add_relation(subjects, predicate, objects)

    def _relate_modifier_preposition(self, modifier, predicate_words: str, objects) -> None:
        """"next to", "close to", "full of", "bigger than": the modifier heads the predicate."""
        if modifier.tag_ in ADVERB_TAGS and modifier.lower_ not in ADVERBIAL_PREPOSITION_HEADS:
            return
        self.relational_modifiers.add(modifier.i)
        predicate = f"{modifier.lower_} {predicate_words}"
        owner = modifier.head
        if self.nominal(owner) and modifier.dep_ in ("amod", "advmod"):
            self.add_relation(self._nominal_conjuncts(owner), predicate, objects)
        elif owner.tag_ in VERB_TAGS:
            self._relate_verb_preposition(owner, predicate, objects)

    def _relate_reciprocal(self, prep, predicate_words: str) -> None:
        """"two buses next to each other" -> (bus, next to, bus)."""
        head = prep.head
        if head.tag_ in ADJECTIVE_TAGS or head.tag_ in ADVERB_TAGS:
            predicate_words = f"{head.lower_} {predicate_words}"
            self.relational_modifiers.add(head.i)
            head = head.head
        if self.nominal(head):
            subjects = self._nominal_conjuncts(head)
        else:
            subjects = self.subjects_of(head)
            predicate_words = f"{self.verb_predicate(head)} {predicate_words}".strip()
        for subject in subjects:
            if self.is_node(subject):
                self.relations.append((subject, predicate_words, subject))

    def _is_stray_object(self, token) -> bool:
        """"wearing a red hat and a blue scarf": the parser may coordinate the second object with the
        verb instead of the first object; it is still an object of that verb."""
        head = token.head
        return (
            token.dep_ == "conj" and self.nominal(token) and head.tag_ in VERB_TAGS
            and any(child.dep_ == "dobj" and child.i < token.i for child in self.kids(head))
        )

    def relate_direct_object(self, obj) -> None:
        verb = obj.head
        if verb.tag_ not in VERB_TAGS or not self.nominal(obj):
            return
        subjects = self.subjects_of(verb)
        if subjects:
            self.verbs_with_relation.add(verb.i)
        # "driving down the road" parsed as a bare preposition plus a direct object: merge them.
        dangling = [
            child.lower_
            for child in self.kids(verb)
            if child.dep_ == "prep" and verb.i < child.i < obj.i and not self.kids(child)
        ]
        predicate = " ".join([self.verb_predicate(verb), *dangling]).strip()
        self.add_relation(subjects, predicate, self.objects_of(obj))

    def relate_gapped_clause(self, verb) -> None:
        """"the water the bird is standing on", "the rope the man is holding": the modified noun is
        the missing object of the relative clause (the parser may also make it a second subject)."""
        if verb.tag_ not in VERB_TAGS:
            return
        children = self.kids(verb)
        subjects = [c for c in children if c.dep_ == "nsubj" and self.nominal(c)]
        if verb.dep_ in ("relcl", "ccomp") and self.nominal(verb.head):
            target = verb.head
        elif len(subjects) >= 2:
            target, subjects = subjects[0], subjects[1:]
        else:
            return
        if not subjects or any(
            c.dep_ in ("dobj", "attr", "ccomp", "xcomp") and c.lower_ not in RELATIVE_PRONOUNS for c in children
        ):
            return
        if any(c.lower_ in ("when", "why", "how") for c in children):
            return
        stranded = [c for c in children if c.dep_ in ("prep", "prt") and c.i > verb.i and not self.kids(c)]
        has_other_preps = any(c.dep_ == "prep" and self.kids(c) for c in children)
        where = ["in"] if any(c.lower_ == "where" for c in children) else []  # "the house where they live"
        if stranded or not has_other_preps:
            words = [c.lower_ for c in stranded] or where
            predicate = self._join(self.lemma(verb.text, verb.tag_), *words)
            self.consumed_preps.update(c.i for c in stranded)
            self.verbs_with_relation.add(verb.i)
            self.add_relation(self._nominal_conjuncts(subjects[0]), predicate, self.objects_of(target))

    def relate_passive_agent(self, agent) -> None:
        """"the ball is thrown by the man" -> (man, throw, ball)."""
        verb = agent.head
        if self.lemma(verb.text, verb.tag_) in LOCATIVE_PASSIVE_VERBS:
            # "cars parked by the building": a place, not an agent.
            words, obj = self.preposition_phrase(agent)
            if obj is not None:
                self._relate_verb_preposition(verb, " ".join(words), self.objects_of(obj))
            return
        agents = [child for child in self.kids(agent) if child.dep_ == "pobj" and self.nominal(child)]
        patients = [child for child in self.kids(verb) if child.dep_ == "nsubjpass" and self.nominal(child)]
        if not patients and verb.dep_ == "acl" and self.nominal(verb.head):
            patients = [verb.head]
        for agent_token in agents:
            for patient in patients:
                self.verbs_with_relation.add(verb.i)
                self.add_relation(self.objects_of(agent_token), self.verb_predicate(verb), self.objects_of(patient))

    def relate_possession_auxiliary(self, noun) -> None:
        """"the bird has beak": the tagger makes `has` an auxiliary of the noun."""
        if any(child.dep_ == "aux" and child.lower_ in POSSESSION_VERBS for child in self.kids(noun)):
            subjects = [child for child in self.kids(noun) if child.dep_ == "nsubj" and self.nominal(child)]
            if subjects:
                self.add_relation(self._nominal_conjuncts(subjects[0]), "have", self.objects_of(noun))

    def relate_possessive(self, owner) -> None:
        if self.nominal(owner) and self.nominal(owner.head):
            self.add_relation([self.resolve(owner)], "have", self._nominal_conjuncts(owner.head))

    # ---------------------------------------------------------------- build
    def build(self) -> SceneGraph:
        for token in self.tokens:  # resolve partitives first so hidden heads are known everywhere
            if self.nominal(token):
                self.resolve(token)
        for token in self.tokens:
            if token.dep_ in ("relcl", "ccomp", "ROOT"):
                self.relate_gapped_clause(token)
        for token in self.tokens:
            if token.dep_ == "prep":
                self.relate_preposition(token)
            elif token.dep_ == "dobj" or self._is_stray_object(token):
                self.relate_direct_object(token)
            elif token.dep_ == "agent":
                self.relate_passive_agent(token)
            elif token.dep_ == "poss":
                self.relate_possessive(token)
            if self.nominal(token):
                self.relate_possession_auxiliary(token)
        for token in self.tokens:
            if token.dep_ == "acomp":
                self.copula_attributes(token)
            elif token.tag_ in VERB_TAGS:
                self.state_attributes(token)
            if self.is_node(token):
                self.modifier_attributes(token)
        return self._to_scene_graph()

    def _to_scene_graph(self) -> SceneGraph:
        names = {token.i: self.node_name(token) for token in self.tokens if self.is_node(token)}
        objects = list(dict.fromkeys(names.values()))
        relations, relation_spans, seen = [], [], set()
        for subject, predicate, obj in self.relations:
            if subject.i not in names or obj.i not in names:
                continue  # a token hidden after the relation was found (e.g. a part noun)
            triple = (names[subject.i], predicate, names[obj.i])
            if (subject.i, predicate, obj.i) not in seen:
                seen.add((subject.i, predicate, obj.i))
                relations.append(triple)
                relation_spans.append((self.node_span(subject), self.node_span(obj)))
        attributes, attribute_spans, seen_attributes = [], [], set()
        for node, value, span in self.attributes:
            if node.i not in names:
                continue
            if (node.i, span) not in seen_attributes:
                seen_attributes.add((node.i, span))
                attributes.append((names[node.i], value))
                attribute_spans.append(span)
        return SceneGraph(
            caption=self.text,
            objects=objects,
            attributes=attributes,
            relations=relations,
            attribute_spans=attribute_spans,
            relation_spans=relation_spans,
        )


def build_scene_graph(doc, lemmatizer: TagLemmatizer) -> SceneGraph:
    return _GraphBuilder(doc, lemmatizer).build()
