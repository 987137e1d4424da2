"""Counting votes exactly, with the numbers from governance.yml. No floats anywhere.

- Quorum: at least quorum_percent of the voting members voted (abstentions count as voting).
- Votes cast: FOR + AGAINST (abstentions are not cast).
- Ordinary resolution: passes when FOR is MORE THAN ordinary_majority_percent of votes cast.
- Special resolution: passes when FOR is AT LEAST special_majority_percent of votes cast.
- Class-weighted voting: each class's votes count as its vote_weight_percent of the whole,
  shared among the classes that cast votes (a class with no weight carries none).
"""
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

FOR, AGAINST, ABSTAIN = "for", "against", "abstain"
ORDINARY, SPECIAL = "ordinary", "special"


@dataclass(frozen=True)
class Tally:
    eligible: int
    voted: int
    votes_for: int
    votes_against: int
    abstentions: int
    for_share: Fraction  # FOR / votes cast, weighted by class when that is on
    quorum_met: bool
    majority_met: bool

    @property
    def passed(self):
        return self.quorum_met and self.majority_met


def _fraction(value):
    return Fraction(str(value))


def for_share(ballots, weights=None):
    """FOR / cast; ballots are (member_class, choice) pairs; weights map class → percent."""
    counts = Counter((cls, choice) for cls, choice in ballots)
    if not weights:
        cast = sum(n for (_, choice), n in counts.items() if choice in (FOR, AGAINST))
        votes_for = sum(n for (_, choice), n in counts.items() if choice == FOR)
        return Fraction(votes_for, cast) if cast else Fraction(0)
    weighted_for = weighted_cast = Fraction(0)
    for cls in {cls for cls, _ in counts}:
        cast = counts[(cls, FOR)] + counts[(cls, AGAINST)]
        weight = _fraction(weights.get(cls) or 0)
        if cast and weight:
            weighted_for += weight * Fraction(counts[(cls, FOR)], cast)
            weighted_cast += weight
    return weighted_for / weighted_cast if weighted_cast else Fraction(0)


def count(ballots, *, eligible, kind, rules, weights=None):
    """Tally a resolution. rules is governance.yml's `governance` mapping."""
    ballots = list(ballots)
    choices = Counter(choice for _, choice in ballots)
    voted = len(ballots)
    quorum_met = eligible > 0 and Fraction(voted, eligible) * 100 >= _fraction(rules["quorum_percent"])
    share = for_share(ballots, weights if rules.get("class_weighted_voting") else None)
    cast = choices[FOR] + choices[AGAINST]
    if kind == SPECIAL:
        majority_met = cast > 0 and share * 100 >= _fraction(rules["special_majority_percent"])
    else:
        majority_met = cast > 0 and share * 100 > _fraction(rules["ordinary_majority_percent"])
    return Tally(
        eligible=eligible, voted=voted, votes_for=choices[FOR], votes_against=choices[AGAINST],
        abstentions=choices[ABSTAIN], for_share=share, quorum_met=quorum_met, majority_met=majority_met,
    )
