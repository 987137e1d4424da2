"""Year-end surplus allocation, exact to the cent.

The surplus is split by the profile (reserve, education, patronage, community); the patronage
part is shared by each member's share of patronage. Every part is computed as an exact
fraction of cents, rounded down, and the cents left over go one by one to the parts with the
largest remainders (ties: in the order given), so the parts always add up to the surplus.
"""
from decimal import Decimal
from fractions import Fraction

CENT = Decimal("0.01")
FUNDS = ("reserve", "education", "community")


def largest_remainder(total_cents, exact_parts):
    """Round exact (Fraction) cent amounts to integers that sum to total_cents."""
    floors = [int(part // 1) for part in exact_parts]
    left = total_cents - sum(floors)
    order = sorted(range(len(exact_parts)), key=lambda i: (-(exact_parts[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def allocate(surplus, split, patronage):
    """Return [(kind, key, Decimal amount)]: key is None for funds, the member key for patronage.

    surplus: Decimal with at most two decimals; split: {reserve_percent, education_percent,
    patronage_percent, community_percent} adding up to 100; patronage: {key: Decimal quantity}.
    """
    surplus = Decimal(surplus)
    if surplus != surplus.quantize(CENT):
        raise ValueError("The surplus must be an amount to the cent.")
    if surplus < 0:
        raise ValueError("There is no surplus to allocate.")
    percents = {k: Fraction(str(split[f"{k}_percent"])) for k in (*FUNDS, "patronage")}
    if sum(percents.values()) != 100:
        raise ValueError("The surplus split must add up to 100.")
    total_cents = int(surplus * 100)
    lines = [(kind, None, Fraction(total_cents) * percents[kind] / 100) for kind in FUNDS]
    pool = Fraction(total_cents) * percents["patronage"] / 100
    weights = {key: Fraction(str(q)) for key, q in patronage.items() if q and Decimal(q) > 0}
    whole = sum(weights.values())
    if whole:
        lines += [("patronage", key, pool * w / whole) for key, w in weights.items()]
    else:
        lines.append(("patronage_unallocated", None, pool))
    cents = largest_remainder(total_cents, [exact for _, _, exact in lines])
    return [(kind, key, (Decimal(c) / 100).quantize(CENT)) for (kind, key, _), c in zip(lines, cents)]
