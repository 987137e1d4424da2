"""Counting votes exactly, with the numbers from governance.yml. No floats anywhere.

- Quorum: at least quorum_percent of the voting members voted (abstentions count as voting).
- Votes cast: FOR + AGAINST (abstentions are not cast).
- Ordinary resolution: passes when FOR is MORE THAN ordinary_majority_percent of votes cast.
- Special resolution: passes when FOR is AT LEAST special_majority_percent of votes cast.
- Block: a block counts as a vote against; when the rules' decision_method is consent a single
  block stops a proposal. The consent tool passes (quorum met) unless someone blocks (objects).
- Poll, dot vote, ranked choice: see options_outcome() (no class weights; quorum as above).
- Class-weighted voting: each class's votes count as its vote_weight_percent of the whole,
  shared among the classes that cast votes (a class with no weight carries none).
"""
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

FOR, AGAINST, ABSTAIN, BLOCK = "for", "against", "abstain", "block"
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
    blocks: int = 0

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


def count(ballots, *, eligible, kind, rules, weights=None, consent=False, blocks_stop=False):
    """Tally a resolution. rules is governance.yml's `governance` mapping (as snapshot on the proposal)."""
    raw = list(ballots)
    blocks = sum(1 for _, choice in raw if choice == BLOCK)
    ballots = [(cls, AGAINST if choice == BLOCK else choice) for cls, choice in raw]
    choices = Counter(choice for _, choice in ballots)
    voted = len(ballots)
    quorum_met = eligible > 0 and Fraction(voted, eligible) * 100 >= _fraction(rules["quorum_percent"])
    share = for_share(ballots, weights if rules.get("class_weighted_voting") else None)
    cast = choices[FOR] + choices[AGAINST]
    if (consent or blocks_stop) and blocks:
        majority_met = False
    elif consent:
        majority_met = True  # consent: passes unless someone blocks (the quorum still applies)
    elif kind == SPECIAL:
        majority_met = cast > 0 and share * 100 >= _fraction(rules["special_majority_percent"])
    else:
        majority_met = cast > 0 and share * 100 > _fraction(rules["ordinary_majority_percent"])
    return Tally(
        eligible=eligible, voted=voted, votes_for=choices[FOR], votes_against=choices[AGAINST] - blocks,
        abstentions=choices[ABSTAIN], for_share=share, quorum_met=quorum_met, majority_met=majority_met,
        blocks=blocks,
    )


def poll(choices, n_options):
    """Votes per option (choices are option indexes); the winner is the single option with most votes."""
    totals = [0] * n_options
    for choice in choices:
        totals[int(choice)] += 1
    return _winner(totals)


def dots(allocations, n_options):
    """Dots per option (each allocation is a list of dots per option)."""
    totals = [0] * n_options
    for allocation in allocations:
        for index, n in enumerate(allocation[:n_options]):
            totals[index] += int(n)
    return _winner(totals)


def _winner(totals):
    best = max(totals) if totals else 0
    leaders = [i for i, n in enumerate(totals) if n == best]
    return {"totals": totals, "winner": leaders[0] if best and len(leaders) == 1 else None}


def instant_runoff(rankings, n_options):
    """Ranked choice: drop the option with fewest first preferences until one has a majority.

    Ties for last place drop the option with the fewest first preferences in the original count,
    then the higher index (deterministic). Returns the rounds and the winner (None if no ballots).
    """
    continuing = set(range(n_options))
    first_count = None
    rounds = []
    while continuing:
        totals = dict.fromkeys(sorted(continuing), 0)
        for ranking in rankings:
            for option in ranking:
                if option in continuing:
                    totals[option] += 1
                    break
        if first_count is None:
            first_count = dict(totals)
        rounds.append({str(k): v for k, v in totals.items()})
        active = sum(totals.values())
        if not active:
            return {"rounds": rounds, "winner": None}
        leader = max(totals, key=lambda k: (totals[k], -k))
        if Fraction(totals[leader], active) > Fraction(1, 2) or len(continuing) == 1:
            return {"rounds": rounds, "winner": leader}
        loser = min(continuing, key=lambda k: (totals[k], first_count[k], -k))
        continuing.discard(loser)
    return {"rounds": rounds, "winner": None}
