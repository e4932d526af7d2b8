"""eval-matching: the CLEF 2020 Task 2 formats, the scores by hand, the command on tiny files."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from workbench.cli.main import main
from workbench.evaluation.matching import MatchingDataError, Release, parse_split, scores
from workbench.factchecks.matching import clean_tweet, fact_check_text

# The release's formats: a header whose first field is empty, quoted fields that span lines.
CLAIMS = (
    "\tvclaim\ttitle\n"
    "0\tThe Eiffel Tower was sold for scrap in 1925.\tWas the Eiffel Tower Sold for Scrap?\n"
    '1\t"Drinking ""bleach"" cures the flu,\nsays a viral post."\tDoes Bleach Cure the Flu?\n'
    "2\tA shark was photographed swimming on a flooded highway in Houston.\tShark on Highway?\n"
    "3\tThe moon landing footage was filmed in a studio in Nevada.\tWas the Moon Landing Faked?\n"
    "4\tEating carrots gives people night vision.\tDo Carrots Improve Night Vision?\n"
)
TRAIN = (
    "\ttweet_content\n"
    "1\tWow, a SHARK swimming down the flooded highway in #Houston https://t.co/abc\n"
    "2\tSo they filmed the moon landing in a Nevada studio?? — Some One (@someone) May 1, 2020\n"
)
TRAIN_QRELS = "1\t0\t2\t1\n2\t0\t3\t1\n"
DEV = "\ttweet_content\n7\tMy aunt says drinking bleach cures the flu. pic.twitter.com/xyz\n"
DEV_QRELS = "7\t0\t1\t1\n"


@pytest.fixture
def release(tmp_path):
    root = tmp_path / "v3.0"
    for split, queries, qrels in (("train", TRAIN, TRAIN_QRELS), ("dev", DEV, DEV_QRELS)):
        (root / split).mkdir(parents=True)
        (root / split / "tweets.queries.tsv").write_text(queries, encoding="utf-8")
        (root / split / "tweet-vclaim-pairs.qrels").write_text(qrels, encoding="utf-8")
    (root / "verified_claims.docs.tsv").write_text(CLAIMS, encoding="utf-8")
    return tmp_path


def test_scores_by_hand():
    rankings = [["a", "b", "c"], ["x", "y", "z", "w", "v"], ["p", "q"], ["m"]]
    relevant = [{"b"}, {"y", "v"}, {"r"}, {"m"}]
    # AP: 1/2, (1/2 + 2/5) / 2, 0, 1; first hit at 2, 2, none, 1.
    assert scores(rankings, relevant) == {
        "map@5": 0.4875,
        "mrr": 0.5,
        "recall@1": 0.25,
        "recall@5": 0.75,
    }


def test_only_the_first_five_count():
    assert scores([["a", "b", "c", "d", "e", "gold"]], [{"gold"}])["recall@5"] == 0.0


def test_release_formats_are_read(release):
    data = Release(release)
    collection = data.collection()
    assert collection.ids == ["0", "1", "2", "3", "4"]
    assert collection.claims[1] == 'Drinking "bleach" cures the flu,\nsays a viral post.'
    train, dev = data.splits()
    assert train.relevant == {"1": {"2"}, "2": {"3"}} and list(dev.queries) == ["7"]


def test_tweets_are_cleaned():
    assert clean_tweet("A #Shark on @realDonaldTrump's road https://t.co/x") == (
        "A Shark on realDonaldTrump real Donald Trump's road"
    )
    assert clean_tweet("#DeepStateFiles by @BetoORourke #Vote2020") == (
        "DeepStateFiles Deep State Files by BetoORourke Beto O Rourke Vote2020 Vote 2020"
    )
    assert clean_tweet("Moon fake — Some One (@someone) May 1, 2020") == "Moon fake"
    assert fact_check_text("Carrots help.", "Do Carrots Help?") == "Carrots help. Do Carrots Help?"


def test_bad_qrels_line_is_one_sentence():
    with pytest.raises(MatchingDataError, match="Line 1"):
        parse_split("x", TRAIN, "1 0 2\n")


def test_cli_json_on_train_and_dev(release, embedder):
    result = CliRunner().invoke(main, ["eval-matching", "--data", str(release), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"data", "fact_checks", "method", "splits"}
    assert report["fact_checks"] == 5 and set(report["splits"]) == {"train", "dev"}
    for split in report["splits"].values():
        assert set(split) == {"queries", "matcher", "bm25"}
        for method in ("matcher", "bm25"):
            assert set(split[method]) == {"map@5", "mrr", "recall@1", "recall@5"}
    assert report["splits"]["train"]["matcher"]["map@5"] == 1.0
    assert report["splits"]["dev"]["matcher"]["recall@1"] == 1.0


def test_cli_scores_another_split(release, embedder, tmp_path):
    queries, qrels = tmp_path / "q.tsv", tmp_path / "q.qrels"
    queries.write_text(DEV, encoding="utf-8")
    qrels.write_text(DEV_QRELS, encoding="utf-8")
    args = ["eval-matching", "--data", str(release), "--queries", str(queries)]
    result = CliRunner().invoke(main, [*args, "--qrels", str(qrels)])
    assert result.exit_code == 0, result.output
    assert "queries " in result.stdout and "train" not in result.stdout
    assert CliRunner().invoke(main, args).exit_code == 2  # --queries without --qrels


def test_cli_bad_data_folder_is_one_sentence(tmp_path):
    result = CliRunner().invoke(main, ["eval-matching", "--data", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No CLEF 2020 Task 2 data")
    assert "Traceback" not in result.output and result.stderr.count("\n") == 1


def test_copies_of_one_fact_check_are_ranked_once_as_the_first(embedder):
    from workbench.factchecks.matching import ClaimMatcher, same_factcheck_key

    texts = [
        'Drinking "bleach" cures the flu.',  # the first copy
        "A shark swam down a flooded highway in Houston.",
        "Drinking \u2018bleach\u2019  cures the FLU.",  # a copy: other quotes, case and spacing
        "Carrots give people night vision.",
    ]
    matcher = ClaimMatcher(texts, embedder.encode(texts), embedder)
    ranked = [m.index for m in matcher.rank(["does bleach cure the flu"], k=4)[0]]
    assert ranked[0] == 0 and 2 not in ranked and sorted(ranked) == [0, 1, 3]
    # the same text rated by another publisher is another fact-check, shown as well
    keys = [same_factcheck_key(t, "False", "Desk A") for t in texts]
    keys[2] = same_factcheck_key(texts[2], "False", "Desk B")
    matcher = ClaimMatcher(texts, embedder.encode(texts), embedder, keys=keys)
    assert {0, 2} <= {m.index for m in matcher.rank(["does bleach cure the flu"], k=4)[0]}
