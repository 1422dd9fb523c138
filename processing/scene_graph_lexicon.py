"""Closed word lists the scene-graph rules need (FACTUAL conventions, see shared/data/PROVENANCE.md).

These are linguistic classes (partitives, relational part nouns, materials), not dev-set captions.
"""

# Quantities become digit attributes ("five boats" -> (boat, is, 5)).
NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
    "eleven": "11", "twelve": "12", "dozen": "12",
}

# Partitive / collective heads: "a bunch of birds" is about the birds, so the head is skipped.
PARTITIVE_NOUNS = {
    "bunch", "group", "pair", "lot", "lots", "alot", "couple", "number", "row", "herd", "flock",
    "pile", "stack", "set", "few", "bit", "bits", "crowd", "team", "collection", "variety",
    "assortment", "line", "swarm", "bundle", "cluster", "handful", "array", "series",
    "kind", "sort", "type", "amount", "plenty", "mound", "heap", "patch", "thicket", "fleet", "pack",
    "litter", "batch", "load", "bevy", "clump", "grove", "slice", "piece", "pieces", "slices", "chunk",
    "scoop", "strip",
}

# Relational part nouns that turn "P the N of Y" into one multi-word predicate ("on top of").
# The value is FACTUAL's canonical preposition for the noun when the caption uses on/at/in
# ("at the top of" -> "on top of"); None keeps the caption's preposition.
PART_NOUN_PREPOSITION = {
    "top": "on", "side": "on", "edge": "on", "middle": "on", "back": "on", "surface": "on",
    "corner": "in", "end": "in", "front": None, "center": "in", "centre": "in",
    "bottom": None, "base": None, "rear": None, "left": None, "right": None, "front side": None,
    "inside": None, "outside": None, "underside": None, "tip": None,
}
CANONICALISED_PREPOSITIONS = {"on", "at", "in"}
# "to the left of" keeps its article: it is how both FACTUAL-style and ARO relations spell it.
ARTICLE_KEPT_PART_NOUNS = {"left", "right"}

# Adverb / adjective heads of complex prepositions ("next to", "close to", "out of").
ADVERBIAL_PREPOSITION_HEADS = {
    "next", "close", "out", "away", "ahead", "across", "up", "down", "along", "off", "back",
    "outside", "inside", "together", "right", "left", "apart", "far", "near", "closer", "over",
    "around", "behind", "underneath", "beneath", "atop",
}

# Noun modifiers that describe the head rather than name a kind of it ("metal poles").
MATERIAL_AND_COLOUR_NOUNS = {
    "metal", "wood", "wooden", "brick", "stone", "cement", "concrete", "plastic", "glass", "steel",
    "leather", "paper", "dirt", "gravel", "marble", "tile", "iron", "silver", "gold", "golden",
    "rubber", "asphalt", "cotton", "wool", "denim", "straw", "clay", "ceramic", "porcelain", "wicker",
    "bamboo", "chrome", "copper", "brass", "aluminum", "cardboard", "fur", "lace", "silk",
    "white", "black", "red", "blue", "green", "yellow", "orange", "purple", "pink", "brown",
    "grey", "gray", "tan", "beige", "maroon", "navy", "teal",
}

# Degree adverbs carry no visual fact of their own ("very large" -> large).
INTENSIFIERS = {"very", "really", "so", "too", "quite", "extremely", "pretty", "fairly", "rather", "somewhat"}

RELATIVE_PRONOUNS = {"that", "which", "who", "whom", "whose"}

# Verbs that mean possession are normalised to FACTUAL's `have`.
POSSESSION_VERBS = {"have", "has", "had", "having", "own", "owns"}

# "-ing" words that captions use as nouns; a fragment like "awning on the building" gets them tagged
# as a verb root.
ING_NOUNS = {
    "building", "awning", "ceiling", "clothing", "painting", "railing", "siding", "writing", "icing",
    "topping", "toppings", "frosting", "lettering", "landing", "opening", "crossing", "bedding",
    "filling", "seating", "carving", "drawing", "netting", "wiring", "lighting", "tubing", "molding",
    "moulding", "trimming", "stuffing", "pudding", "wedding", "paneling", "flooring", "covering",
    "dressing", "wing", "string", "ring", "shavings", "buildings", "paintings",
}

# Garments: "a girl in a pink shirt" means she wears it (FACTUAL writes `wear`).
GARMENTS = {
    "shirt", "t-shirt", "tshirt", "jacket", "coat", "dress", "hat", "cap", "pants", "jeans", "shorts",
    "suit", "wetsuit", "uniform", "sweater", "outfit", "jersey", "skirt", "costume", "vest", "hoodie",
    "clothes", "clothing", "shoes", "boots", "sneakers", "tie", "scarf", "gloves", "sunglasses", "glasses",
    "bikini", "helmet", "apron", "robe", "gown", "blouse", "tank", "top", "trunks", "sweatshirt",
    "overalls", "goggles", "jumpsuit", "raincoat", "parka", "tuxedo", "swimsuit", "leggings", "socks",
    "sandals", "beanie", "visor", "bandana", "pajamas", "kimono", "cardigan", "blazer", "trousers",
}

# Containers: "a plate of food" is food on a plate, "a glass of wine" wine in a glass.
CONTAINER_PREPOSITION = {
    "plate": "on", "tray": "on", "platter": "on", "dish": "on",
    "bowl": "in", "cup": "in", "glass": "in", "glasses": "in", "basket": "in", "box": "in", "bottle": "in",
    "jar": "in", "bag": "in", "bucket": "in", "pot": "in", "vase": "in", "mug": "in", "carton": "in",
    "crate": "in", "bin": "in", "pan": "in", "can": "in", "container": "in", "cart": "in", "barrel": "in",
}

# Positional adjectives name a part ("left shoe", "front legs"), FACTUAL keeps them in the node name.
POSITIONAL_MODIFIERS = {"left", "right", "front", "back", "rear"}

# Shade words fuse with the colour that follows ("dark green", "light brown").
SHADE_WORDS = {"dark", "light", "bright", "pale", "deep", "navy", "hot", "neon", "off"}
COLOUR_WORDS = {
    "white", "black", "red", "blue", "green", "yellow", "orange", "purple", "pink", "brown", "grey",
    "gray", "tan", "beige", "silver", "gold", "golden", "maroon", "teal",
}
COLOURED_WORDS = {"colored", "coloured", "toned", "hued"}

# Verbs whose passive "by" names a place, not an agent ("cars parked by the building").
LOCATIVE_PASSIVE_VERBS = {"park", "place", "locate", "situate", "position", "station", "seat", "set", "lay", "stand"}

# Determiner-like adjectives carry no visual fact ("many sheep", "other animals").
QUANTIFYING_ADJECTIVES = {
    "many", "several", "other", "multiple", "some", "few", "various", "numerous", "another", "same",
    "such", "certain", "own", "more", "most", "much", "enough", "both", "each", "every", "all",
}

# FACTUAL writes a material noun modifier in its adjective form ("wood table" -> wooden).
MATERIAL_ADJECTIVE_FORM = {"wood": "wooden", "gold": "golden"}

# FACTUAL resolves gendered pronouns to the person they stand for ("she is sitting" -> woman).
PRONOUN_NODES = {"he": "man", "she": "woman"}  # subjects only: "his"/"her" phrases are not swappable


# Gerunds that name a kind of thing by its purpose ("living room", "cutting board") belong in the
# node name; other participles ("sleeping man") are states, i.e. attributes.
PURPOSE_GERUNDS = {
    "living", "dining", "cutting", "parking", "swimming", "waiting", "washing", "changing", "baking",
    "frying", "fishing", "sailing", "shopping", "bathing", "chopping", "serving", "mixing", "drinking",
    "boarding", "landing", "loading", "rolling", "scrolling", "skating", "skiing", "surfing", "training",
    "walking", "writing", "reading", "seating", "sitting", "stuffing", "traffic",
}
