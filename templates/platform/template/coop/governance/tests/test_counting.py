"""Quorum and majorities at the exact thresholds, with exact arithmetic."""
from fractions import Fraction

from coop.governance.counting import AGAINST, FOR, ORDINARY, SPECIAL, count

RULES = {"quorum_percent": 50, "ordinary_majority_percent": 50, "special_majority_percent": 75}


def ballots(n_for, n_against, n_abstain=0, cls="worker"):
    return [(cls, FOR)] * n_for + [(cls, AGAINST)] * n_against + [(cls, "abstain")] * n_abstain


def test_ordinary_needs_more_than_the_majority():
    assert not count(ballots(5, 5), eligible=10, kind=ORDINARY, rules=RULES).passed  # exactly 50%
    assert count(ballots(6, 5), eligible=11, kind=ORDINARY, rules=RULES).passed
    assert not count(ballots(0, 0, 5), eligible=10, kind=ORDINARY, rules=RULES).passed  # nothing cast


def test_special_needs_at_least_the_majority():
    assert count(ballots(3, 1), eligible=4, kind=SPECIAL, rules=RULES).passed  # exactly 75%
    assert not count(ballots(74, 26, 0), eligible=100, kind=SPECIAL, rules=RULES).passed
    assert count(ballots(75, 25), eligible=100, kind=SPECIAL, rules=RULES).passed


def test_two_thirds_is_exact_not_rounded():
    rules = dict(RULES, special_majority_percent=Fraction(200, 3))
    assert count(ballots(2, 1), eligible=3, kind=SPECIAL, rules=rules).passed
    rules = dict(RULES, special_majority_percent=67)
    assert not count(ballots(2, 1), eligible=3, kind=SPECIAL, rules=rules).passed  # 66.67% < 67%


def test_quorum_at_the_exact_threshold_and_abstentions_count():
    assert count(ballots(4, 0, 1), eligible=10, kind=ORDINARY, rules=RULES).quorum_met  # 5 of 10 = 50%
    assert not count(ballots(4, 0), eligible=10, kind=ORDINARY, rules=RULES).passed  # 4 of 10
    assert not count(ballots(1, 0), eligible=0, kind=ORDINARY, rules=RULES).quorum_met
    assert count(ballots(1, 0), eligible=3, kind=ORDINARY, rules=dict(RULES, quorum_percent="33.33")).quorum_met


def test_abstentions_are_not_votes_cast():
    tally = count(ballots(2, 1, 7), eligible=10, kind=ORDINARY, rules=RULES)
    assert tally.for_share == Fraction(2, 3) and tally.passed


def test_class_weighted_voting_scales_each_class():
    rules = dict(RULES, class_weighted_voting=True)
    weights = {"worker": 60, "user": 40}
    # workers: 1 for, 1 against (50%); users: 10 for (100%) → 0.6*0.5 + 0.4*1 = 70%
    votes = ballots(1, 1, cls="worker") + ballots(10, 0, cls="user")
    tally = count(votes, eligible=12, kind=ORDINARY, rules=rules, weights=weights)
    assert tally.for_share == Fraction(7, 10)
    assert count(votes, eligible=12, kind=SPECIAL, rules=dict(rules, special_majority_percent=70), weights=weights).passed
    # the same votes without weighting: 11 of 12
    assert count(votes, eligible=12, kind=ORDINARY, rules=RULES, weights=weights).for_share == Fraction(11, 12)


def test_a_class_that_did_not_vote_does_not_dilute_the_others():
    rules = dict(RULES, class_weighted_voting=True)
    tally = count(ballots(1, 1, cls="worker"), eligible=5, kind=ORDINARY, rules=rules, weights={"worker": 60, "user": 40})
    assert tally.for_share == Fraction(1, 2) and not tally.passed
