"""Pressure events: situations that ask the player to decide, raised by the model's numbers.

Owns the table of event kinds (:data:`KINDS`): each has a trigger on the
months seen so far (thresholds on the views' numbers, never a month number
or a scenario's name) that returns its cause in words, and per role two or
three options, each a label, what follows, and the commands it gives (or
none, for "do nothing"). :func:`next_event` picks at most one event a month
with cooldowns, so the same seed and the same choices raise the same events.
The session (``game.session``) raises, records, replays and saves them.
Imports the ``agents`` package and the standard library; never pygame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping, Sequence


from agents import commands as cmd
from agents.lang import N_, _
from agents.view import MonthView
from agents.words import human

if TYPE_CHECKING:
    from game.session import Role

GAP_MONTHS = 6
"""Months between any two events, so a decision has time to show before the next one."""


@dataclass(frozen=True)
class Moment:
    """What a trigger sees: the views from month 0 to now, and who the player is."""

    views: Sequence[MonthView]
    role: "Role"

    @property
    def now(self) -> MonthView:
        return self.views[-1]

    @property
    def prev(self) -> MonthView:
        return self.views[-2]

    @property
    def start(self) -> MonthView:
        return self.views[0]

    def monthly(self, metric: str, back: int = 0) -> float | None:
        """This month's change of a cumulative metric (``back`` months earlier), or None before month 1."""
        i = len(self.views) - 1 - back
        if i < 1:
            return None
        return float(self.views[i].metrics[metric]) - float(self.views[i - 1].metrics[metric])


@dataclass(frozen=True)
class Cause:
    """Why an event is raised, in words with its numbers (in the language chosen when it is raised), and the
    country it is about (if any)."""

    text: str
    country: str = ""


Build = Callable[[Moment, str], "tuple[cmd.Command, ...] | None"]
"""(moment, the event's country) -> the option's commands; None when it makes no sense now
(a lever already there): the option is then left out."""


@dataclass(frozen=True)
class Option:
    """One answer: a button label, what follows in a sentence, and the commands it gives.

    The words are English catalogue keys (the table is built at import, before a language is chosen):
    :func:`raise_event` says them in the chosen language.
    """

    label: str
    consequence: str
    build: Build


@dataclass(frozen=True)
class EventKind:
    """A kind of situation: its trigger, and the options offered to each role it applies to (``title`` is an
    English catalogue key: :attr:`title_text` or a :class:`RaisedEvent` says it in the chosen language)."""

    id: str
    title: str
    trigger: Callable[[Moment], Cause | None]
    options: Mapping[str, tuple[Option, ...]]
    """Role id -> its options; the roles named here are the roles the event is offered to."""
    cooldown: int = 12
    """Months before this kind may be raised again."""

    @property
    def title_text(self) -> str:
        """The title in the chosen language."""
        return _(self.title)


@dataclass(frozen=True)
class Choice:
    """An option as raised: its words and the commands it will give."""

    label: str
    consequence: str
    commands: tuple[cmd.Command, ...]


@dataclass(frozen=True)
class RaisedEvent:
    """An event put to the player in ``month`` (the month its orders are given in).

    Its words (title, cause, choices) are in the language chosen when it was raised; a save keeps only
    ``month``, ``id`` and the answer, so replaying it in another language raises the same event.
    """

    month: int
    id: str
    title: str
    cause: str
    country: str
    choices: tuple[Choice, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------------------
# option builders


def nothing(m: Moment, country: str) -> tuple[cmd.Command, ...]:
    return ()


def levers(m: Moment, **values) -> tuple[cmd.Command, ...] | None:
    """Set levers, or None if every one is already at that value."""
    now = m.now.levers
    if all(now.get(k) == v for k, v in values.items()):
        return None
    return (cmd.SetLevers(levers=values),)


def raise_budget(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    budget = float(m.now.levers["enforcement_budget_usd"])
    return levers(m, enforcement_budget_usd=min(1e11, round(max(budget, 100e6) * 1.5, -6)))


def diplomacy(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    boost = float(m.now.levers["transit_cooperation_boost"])
    return levers(m, transit_cooperation_boost=round(min(1.0, boost + 0.2), 2))


def cut_budget(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    budget = float(m.now.levers["enforcement_budget_usd"])
    return levers(m, enforcement_budget_usd=round(budget * 0.75, -6)) if budget > 0 else None


def verify(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    return levers(m, location_verification=True)


def halve_lpp(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    lpp = float(m.now.levers["lpp_limit_h100e"])
    return levers(m, lpp_limit_h100e=float(round(lpp / 2))) if lpp >= 2 else None


def downgrade(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    i = m.now.codes.index(country)
    return (cmd.SetTier(country=country, tier=3),) if int(m.now.tier[i]) == 2 else None


def deal(m: Moment, country: str) -> tuple[cmd.Command, ...]:
    return (cmd.BilateralDeal(country=country, h100e_per_year=100_000.0),)


def agreement(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    i = m.now.codes.index(country)
    return None if bool(m.now.g2g[i]) else (cmd.G2GAgreement(country=country),)


def own_enforcement(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    i = m.now.codes.index(country)
    level = float(m.now.transit_enforcement[i])
    if level >= 1.0:
        return None
    return (cmd.CountryPolicy(country=country, policies={"transit_enforcement": round(min(1.0, level + 0.2), 2)}),)


def huawei_guidance(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    return levers(m, huawei_guidance=True)


def variants_for_fee(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    return levers(m, variant_policy="licence_fee")


def loosen_variants(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    looser = {"denied": "licence_fee", "licence_fee": "allowed"}.get(m.now.levers["variant_policy"])
    return levers(m, variant_policy=looser) if looser else None


def raise_caps(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    if not m.now.levers["tier2_caps"]:
        return None
    cap = float(m.now.levers["country_cap_h100e"])
    return levers(m, country_cap_h100e=min(1e9, round(cap * 1.5, -2)))


def remote_access(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    return levers(m, remote_access_controlled=True)


def tighter_weights(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    return levers(m, weights_controls=True, weights_control_ops=1e25)


def _policy(m: Moment, country: str, **values) -> tuple[cmd.Command, ...] | None:
    """Set the player's own government's policies (whatever country the event is about), or None if every
    one is already at that value."""
    country = m.role.country or ""
    if country not in m.now.codes:
        return None
    i = m.now.codes.index(country)
    now = {k: float(m.now.policies[k][i]) for k in values}
    if all(now[k] == float(v) for k, v in values.items()):
        return None
    return (cmd.CountryPolicy(country=country, policies=values),)


def steer_home_buyers(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    return _policy(m, country, domestic_purchase_share=1.0)


def keep_tier3_chips_out(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    return _policy(m, country, allow_tier3_chips=False)


def block_variants(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    return _policy(m, country, block_export_variants=True)


def sell_abroad(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    return _policy(m, country, export_domestic_chips=True)


def _subsidy(m: Moment) -> float:
    """The player's own government's chip subsidy in force (USD a year)."""
    return float(m.now.policies["subsidy_usd_per_year"][m.now.codes.index(m.role.country)])


def scale_up(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    return _policy(m, country, subsidy_usd_per_year=round(min(1e12, _subsidy(m) + 10e9), -8))


def trim_subsidy(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    return _policy(m, country, subsidy_usd_per_year=round(_subsidy(m) * 0.75, -8))


def hold_subsidy(m: Moment, country: str) -> tuple[cmd.Command, ...] | None:
    """Fix the subsidy where it is: the government's bot would keep raising it with denied imports."""
    return (cmd.CountryPolicy(country=m.role.country or "", policies={"subsidy_usd_per_year": _subsidy(m)}),)


DO_NOTHING = Option(N_("Do nothing"), N_("Nothing changes; the news will tell what follows."), nothing)


# ---------------------------------------------------------------------------
# triggers


def _hubs(v: MonthView) -> list[int]:
    """Rows of Tier 2 countries (not the rest-of-world aggregates): where smuggled chips are shipped from."""
    return [i for i, (c, t) in enumerate(zip(v.codes, v.tier)) if int(t) == 2 and not c.startswith("ROW")]


def _own(m: Moment) -> int | None:
    country = m.role.country
    return m.now.codes.index(country) if country in m.now.codes else None


RING_SHARE = 0.10
"""A seizure exposes a ring when the hub's smuggled flow this month is at least this share of its imports."""
RING_MIN_H100E = 1000.0


def smuggling_ring(m: Moment) -> Cause | None:
    """Customs seize a shipment at a hub through which much of the month's smuggling went."""
    v = m.now
    rows = _hubs(v)
    if m.role.country is not None:
        own = _own(m)
        rows = [own] if own in rows else []
    found = []
    for i in rows:
        seized, smuggled, imports = (float(v.flow_seized_h100e[i]), float(v.flow_smuggled_h100e[i]),
                                     float(v.imports_h100e[i]))
        if seized > 0 and smuggled >= RING_MIN_H100E and smuggled >= RING_SHARE * imports:
            found.append((smuggled, i, seized, imports))
    if not found:
        return None
    smuggled, i, seized, imports = max(found)
    ratio = smuggled / imports if imports > 0 else float("inf")
    share = _("{share} of what it imported").format(share=f"{ratio:.0%}") if ratio < 1 else (
        _("{times} times what it imported").format(times=f"{ratio:.1f}") if ratio < 100
        else _("far more than it imported"))
    return Cause(_("Customs in {country} seized {seized} H100e bound for Tier 3 this month; {passed} H100e "
                   "more got through ({share}).").format(country=_(v.names[i]), seized=human(seized),
                                                         passed=human(smuggled), share=share), v.codes[i])


SURGE_RATIO = 1.5
SURGE_MIN_H100E = 3000.0


def smuggling_surge(m: Moment) -> Cause | None:
    """The month's smuggling jumps: new networks found the grey premium worth it."""
    if len(m.views) < 3:
        return None
    now, before = m.monthly("smuggled_cum"), m.monthly("smuggled_cum", back=1)
    if now < SURGE_MIN_H100E or now < SURGE_RATIO * max(before, 1.0):
        return None
    b = m.now.metrics
    text = _("Smuggled chips reaching Tier 3 jumped from {before} to {now} H100e this month; {networks} networks "
             "ship at a grey premium of {premium}.").format(before=human(before), now=human(now),
                                                            networks=b["smuggling_networks"],
                                                            premium=f"{b['grey_premium']:.0%}")
    i = _own(m)
    if m.role.country is None:
        return Cause(text)
    if i is None or float(m.now.flow_smuggled_h100e[i]) < RING_MIN_H100E:
        return None  # a government is pressed only when many of the chips go through its own hubs
    return Cause(_("{text} {amount} H100e left through {country}.").format(
        text=text, amount=human(float(m.now.flow_smuggled_h100e[i])), country=_(m.now.names[i])), m.now.codes[i])


CAP_USED = 0.95
GOODWILL_DROP = 0.05


def _squeezed(v: MonthView, s: MonthView, i: int) -> bool:
    limit = float(v.cap_limit_h100e[i])
    return (limit > 0 and not bool(v.g2g[i]) and float(v.cap_used_h100e[i]) >= CAP_USED * limit
            and float(v.goodwill[i]) <= float(s.goodwill[i]) - GOODWILL_DROP)


def cap_squeeze(m: Moment) -> Cause | None:
    """A big Tier 2 buyer has just come to the end of its cap, souring: it offers investment for more chips."""
    v, p, s = m.now, m.prev, m.start
    found = [(float(v.imports_h100e[i]), i) for i in _hubs(v)
             if _squeezed(v, s, i) and not (int(p.tier[i]) == 2 and _squeezed(p, s, i))]
    if not found:
        return None
    _imports, i = max(found)
    return Cause(_("{country} has used {used} of its cap ({cap} H100e) and its goodwill towards the US fell from "
                   "{before} to {now}; its funds offer data-centre investment in the US for more chips.").format(
        country=_(v.names[i]), used=f"{float(v.cap_used_h100e[i]) / float(v.cap_limit_h100e[i]):.0%}",
        cap=human(float(v.cap_limit_h100e[i])), before=f"{float(s.goodwill[i]):.2f}",
        now=f"{float(v.goodwill[i]):.2f}"), v.codes[i])


OWN_CAP_USED = 0.9


def cap_binding(m: Moment) -> Cause | None:
    """The player's own country has just come close to its cap, without a security agreement."""
    i = _own(m)
    v, p = m.now, m.prev
    if i is None or int(v.tier[i]) != 2 or bool(v.g2g[i]):
        return None
    limit, used = float(v.cap_limit_h100e[i]), float(v.cap_used_h100e[i])
    was = float(p.cap_used_h100e[i]) >= OWN_CAP_USED * float(p.cap_limit_h100e[i]) > 0
    if limit <= 0 or used < OWN_CAP_USED * limit or was:
        return None
    return Cause(_("{country} has used {used} of its cap ({cap} H100e); data-centre builders warn that licences "
                   "will stop. Goodwill towards the US: {goodwill}, cooperation against transshipment: "
                   "{cooperation}.").format(country=_(v.names[i]), used=f"{used / limit:.0%}", cap=human(limit),
                                            goodwill=f"{float(v.goodwill[i]):.2f}",
                                            cooperation=f"{float(v.cooperation[i]):.2f}"), v.codes[i])


def rival_agreement(m: Moment) -> Cause | None:
    """Another Tier 2 country signs a security agreement while the player's country has none."""
    i = _own(m)
    v = m.now
    if i is None or int(v.tier[i]) != 2 or bool(v.g2g[i]):
        return None
    rival = next((e for e in v.events if e.kind == "g2g_signed" and e.country and e.country != v.codes[i]), None)
    if rival is None:
        return None
    return Cause(_("{rival} signed a security agreement with the US: its cap is multiplied. {country} has none; "
                   "its cooperation against transshipment is {cooperation}.").format(
        rival=_(v.names[v.codes.index(rival.country)]), country=_(v.names[i]),
        cooperation=f"{float(v.cooperation[i]):.2f}"), v.codes[i])


def agreement_refused(m: Moment) -> Cause | None:
    """The US declined the player's request for a security agreement."""
    i = _own(m)
    v = m.now
    if i is None or not any(e.kind == "g2g_refused" and e.country == v.codes[i] for e in v.events):
        return None
    return Cause(_("The US declined a security agreement with {country}: its cooperation against transshipment "
                   "is {cooperation}, too little for the US.").format(
        country=_(v.names[i]), cooperation=f"{float(v.cooperation[i]):.2f}"), v.codes[i])


DEMARCHE_SHARE = 0.01
"""Share of a Tier 2 country's imports (smoothed) in Tier 3 chips at which the US complains."""


def tier3_chips_demarche(m: Moment) -> Cause | None:
    """The player's country buys Tier 3 chips, and the US has noticed (its trust falls with their share)."""
    i = _own(m)
    if i is None:
        return None
    share, before = float(m.now.tier3_chip_share[i]), float(m.prev.tier3_chip_share[i])
    if share < DEMARCHE_SHARE or before >= DEMARCHE_SHARE or float(m.now.cooperation[i]) >= 1.0:
        return None  # a partner already at full cooperation loses nothing by them
    v = m.now
    return Cause(_("Tier 3-designed chips are {share} of what {country} imports; the US embassy warns that it "
                   "trusts partners less the more of them they buy (cooperation now {cooperation}).").format(
        share=f"{share:.1%}", country=_(v.names[i]), cooperation=f"{float(v.cooperation[i]):.2f}"), v.codes[i])


SEIZURES = 3


def seizure_spike(m: Moment) -> Cause | None:
    """Several shipments are seized in one month: enforcement is biting."""
    n = m.monthly("seizures_cum")
    if n is None or n < SEIZURES:
        return None
    return Cause(_("Enforcement seized {n} shipments this month ({seized} H100e); {passed} H100e still reached "
                   "Tier 3.").format(n=f"{n:.0f}", seized=human(m.monthly("seized_cum")),
                                     passed=human(m.monthly("smuggled_cum"))))


BREAKTHROUGH = 0.12
BREAKTHROUGH_MIN_H100E = 1000.0


def domestic_breakthrough(m: Moment) -> Cause | None:
    """Tier 3's domestic output jumps above its best month so far (a yield or capacity breakthrough,
    not a recovery from a dip)."""
    b = m.now.metrics["domestic_output_adversary"]
    best = max(v.metrics["domestic_output_adversary"] for v in m.views[:-1])
    if b < BREAKTHROUGH_MIN_H100E or best <= 0 or b < (1 + BREAKTHROUGH) * best:
        return None
    return Cause(_("Tier 3's domestic chip output reached {output} H100e this month, {rise} above its best month "
                   "so far ({best}): better yields and new capacity.").format(
        output=human(b), rise=f"{b / best - 1:.0%}", best=human(best)))


VARIANT_FLOOD = 2.0
"""US export variants arriving in a month, against the Tier 3 chips made that month, that make customs ask."""


def variant_flood(m: Moment) -> Cause | None:
    """US export variants (H20-class) outsell the home industry in the player's market."""
    arrived = m.monthly("variant_exports_cum")
    made = float(m.now.metrics["domestic_output_chips"])
    if arrived is None or made <= 0 or arrived < VARIANT_FLOOD * made:
        return None
    return Cause(_("{arrived} US export-variant chips arrived this month, {times} times the {made} chips your own "
                   "industry made: your buyers prefer them to home chips.").format(
        arrived=human(arrived), times=f"{arrived / made:.1f}", made=human(made)))


SUBSIDY_BILL = 2.0
"""The subsidy, against its level at the start, at which the finance ministry objects."""


def subsidy_bill(m: Moment) -> Cause | None:
    """The chip subsidy has doubled since the start: the finance ministry asks whether it pays."""
    i = _own(m)
    if i is None:
        return None
    now, start = float(m.now.policies["subsidy_usd_per_year"][i]), float(m.start.policies["subsidy_usd_per_year"][i])
    before = float(m.prev.policies["subsidy_usd_per_year"][i])
    if start <= 0 or now < SUBSIDY_BILL * start or before >= SUBSIDY_BILL * start:
        return None
    share = m.now.metrics["self_sufficiency_adversary"]
    return Cause(_("The chip subsidy is ${now} a year, {times} times ${start} at the start, and {share} of your "
                   "compute runs on home-designed chips.").format(
        now=human(now), times=f"{now / start:.1f}", start=human(start), share=f"{share:.0%}"))


OPEN_JUMP_MONTHS = 1.0


def weights_out(m: Moment) -> Cause | None:
    """A frontier model's weights get out (a leak), or open weights narrow what Tier 3 can build on."""
    leak = next((e for e in m.now.events if e.kind == "weights_leaked"), None)
    a, b = m.prev.metrics, m.now.metrics
    edge_then = a["frontier_gap_months"] - a["capability_gap_months"]
    edge_now = b["frontier_gap_months"] - b["capability_gap_months"]
    if leak is not None:
        return Cause(_("{leak}. Tier 3 labs can now build on it: the lead they face in capability is {capability} "
                       "months against {compute} in compute.").format(
            leak=leak.text, capability=f"{b['capability_gap_months']:.1f}",
            compute=f"{b['frontier_gap_months']:.1f}"))
    if edge_now - edge_then >= OPEN_JUMP_MONTHS:
        return Cause(_("A lab released open weights: the lead Tier 3 faces in capability fell to {capability} months "
                       "({fall} months in one month), against {compute} in compute.").format(
            capability=f"{b['capability_gap_months']:.1f}", fall=f"{edge_now - edge_then:.1f}",
            compute=f"{b['frontier_gap_months']:.1f}"))
    return None


REVENUE_FALL = 0.08


def vendor_lobbying(m: Moment) -> Cause | None:
    """US vendors' monthly sales fall sharply: they lobby over the sales the rules cost them."""
    now, before = m.monthly("us_vendor_revenue_cum"), m.monthly("us_vendor_revenue_cum", back=1)
    if now is None or before is None or before <= 0 or now > (1 - REVENUE_FALL) * before:
        return None
    denied = m.monthly("denied_cum")
    return Cause(_("US chip vendors sold ${sold} this month, {fall} less than the month before; {denied} H100e of "
                   "orders were denied.").format(sold=human(now), fall=f"{1 - now / before:.0%}",
                                                 denied=human(denied)))


# ---------------------------------------------------------------------------
# the table


KINDS: tuple[EventKind, ...] = (
    EventKind("smuggling_ring", N_("A smuggling ring exposed"), smuggling_ring, {
        "us_commerce": (
            Option(N_("Move the hub to Tier 3"), N_("Cuts the hub off from US chips: smugglers lose a route, its "
                   "buyers and goodwill are lost too."), downgrade),
            Option(N_("Halve the licence-free allowance"), N_("Shell companies need twice as many split orders; "
                   "honest small buyers need licences."), halve_lpp),
            DO_NOTHING),
        "bis_enforcement": (
            Option(N_("Raise the enforcement budget by half"), N_("More agents and audits: detection grows with the "
                   "square root of the budget."), raise_budget),
            Option(N_("Press the hub's government (diplomacy +0.2)"), N_("Transit countries cooperate more against "
                   "transshipment; cheaper than agents, slower to bite."), diplomacy),
            DO_NOTHING),
        "tier2_government": (
            Option(N_("Raise transit enforcement by 0.2"), N_("Customs check more shipments: fewer chips are diverted "
                   "and the US trusts you more, at a cost."), own_enforcement),
            DO_NOTHING),
    }, cooldown=18),
    EventKind("smuggling_surge", N_("Smuggling surges"), smuggling_surge, {
        "us_commerce": (
            Option(N_("Require chip location verification"), N_("Diverted chips report where they are: far easier "
                   "to find; vendors bear the cost."), verify),
            Option(N_("Raise the enforcement budget by half"), N_("More agents and audits against the new networks."),
                   raise_budget),
            DO_NOTHING),
        "bis_enforcement": (
            Option(N_("Require chip location verification"), N_("Diverted chips report where they are: far easier "
                   "to find."), verify),
            Option(N_("Raise the enforcement budget by half"), N_("More agents and audits against the new networks."),
                   raise_budget),
            DO_NOTHING),
        "tier2_government": (
            Option(N_("Raise transit enforcement by 0.2"), N_("Customs check more shipments through your hubs, at a "
                   "cost."), own_enforcement),
            DO_NOTHING),
    }),
    EventKind("seizure_spike", N_("Seizures spike"), seizure_spike, {
        "bis_enforcement": (
            Option(N_("Press on: budget up by half"), N_("Keep the networks on the run while they are exposed."),
                   raise_budget),
            Option(N_("Bank the savings: budget down a quarter"), N_("Enforcement costs less; detection falls with "
                   "the square root of the budget."), cut_budget),
            DO_NOTHING),
    }),
    EventKind("cap_squeeze", N_("A Tier 2 state offers investment for chips"), cap_squeeze, {
        "us_commerce": (
            Option(N_("Sign a bilateral deal (100k H100e a year)"), N_("It imports outside its cap and invests: vendor "
                   "sales and goodwill rise, more chips sit near Tier 3."), deal),
            Option(N_("Sign a security agreement"), N_("Its cap is multiplied and its goodwill improves."), agreement),
            Option(N_("Refuse"), N_("The cap stands: its goodwill and cooperation keep falling."), nothing)),
    }),
    EventKind("cap_binding", N_("Your chip cap runs out"), cap_binding, {
        "tier2_government": (
            Option(N_("Ask the US for a security agreement"), N_("It would multiply your cap; the US signs only if you "
                   "cooperate against transshipment."), agreement),
            Option(N_("Raise transit enforcement by 0.2 first"), N_("Earns the US's trust for a later request, at a "
                   "cost."), own_enforcement),
            DO_NOTHING),
    }),
    EventKind("rival_agreement", N_("A neighbour signs a security agreement"), rival_agreement, {
        "tier2_government": (
            Option(N_("Ask the US for one too"), N_("It would multiply your cap; the US signs only if you cooperate "
                   "against transshipment."), agreement),
            Option(N_("Raise transit enforcement by 0.2 first"), N_("Earns the US's trust for a later request, at a "
                   "cost."), own_enforcement),
            DO_NOTHING),
    }),
    EventKind("agreement_refused", N_("The US says no"), agreement_refused, {
        "tier2_government": (
            Option(N_("Raise transit enforcement by 0.2"), N_("Shows the US you act against transshipment; ask again "
                   "later."), own_enforcement),
            DO_NOTHING),
    }, cooldown=1),
    EventKind("tier3_chips_demarche", N_("The US objects to your Tier 3 chips"), tier3_chips_demarche, {
        "tier2_government": (
            Option(N_("Keep Tier 3 chips out"), N_("Your buyers lose a supply the cap does not cover; the US's trust "
                   "recovers as the chips leave your imports."), keep_tier3_chips_out),
            Option(N_("Raise transit enforcement by 0.2"), N_("Win the trust back another way, at a cost."),
                   own_enforcement),
            DO_NOTHING),
    }, cooldown=24),
    EventKind("domestic_breakthrough", N_("A Tier 3 chip breakthrough"), domestic_breakthrough, {
        "us_commerce": (
            Option(N_("Issue the Huawei guidance"), N_("Using Tier 3 chips anywhere becomes a violation: their foreign "
                   "buyers walk away."), huawei_guidance),
            Option(N_("Licence export variants for a fee"), N_("Tier 3 buyers stay on US variant chips, paying the US "
                   "a fee, instead of buying domestic ones."), variants_for_fee),
            DO_NOTHING),
        "tier3_government": (
            Option(N_("Scale up: subsidy +$10B a year"), N_("More wafers for the new process, after the usual lag; "
                   "it costs money every year."), scale_up),
            Option(N_("Steer home buyers to domestic chips"), N_("Guidance sends home demand to the new chips."),
                   steer_home_buyers),
            Option(N_("Sell the new chips abroad"), N_("Exports earn money back for the programme, and the chips "
                   "leave home."), sell_abroad)),
    }),
    EventKind("variant_flood", N_("US export variants flood in"), variant_flood, {
        "tier3_government": (
            Option(N_("Block export variants at customs"), N_("Home buyers must buy home chips (or smuggled ones): "
                   "less compute now, more self-sufficiency, and US vendors lose the sales."), block_variants),
            Option(N_("Steer home buyers to domestic chips"), N_("Guidance makes imported chips dearer for home "
                   "buyers, without a ban."), steer_home_buyers),
            DO_NOTHING),
    }, cooldown=24),
    EventKind("subsidy_bill", N_("The finance ministry questions the chip bill"), subsidy_bill, {
        "tier3_government": (
            Option(N_("Trim the subsidy by a quarter"), N_("Saves money every year; capacity grows more slowly after "
                   "the lag."), trim_subsidy),
            Option(N_("Hold it where it is"), N_("No more automatic rises with denied imports; the programme keeps "
                   "its present budget."), hold_subsidy),
            DO_NOTHING),
    }, cooldown=24),
    EventKind("weights_out", N_("Frontier weights in the open"), weights_out, {
        "us_commerce": (
            Option(N_("Control remote access to compute"), N_("Cloud providers must know their customers: Tier 3 labs "
                   "cannot rent controlled compute abroad."), remote_access),
            Option(N_("Control closed weights from 10^25 operations"),
                   N_("Tighter weight controls hold more models to a security standard."), tighter_weights),
            DO_NOTHING),
    }),
    EventKind("vendor_lobbying", N_("Chip vendors lobby over lost sales"), vendor_lobbying, {
        "us_commerce": (
            Option(N_("Raise Tier 2 caps by half"), N_("More licensed sales to Tier 2; more compute abroad."),
                   raise_caps),
            Option(N_("Loosen the export-variant policy"), N_("Vendors sell more variant chips to Tier 3."),
                   loosen_variants),
            Option(N_("Hold firm"), N_("Sales stay down; the controls stay as they are."), nothing)),
    }),
)
BY_ID = {k.id: k for k in KINDS}


# ---------------------------------------------------------------------------
# raising


def raise_event(kind: EventKind, m: Moment) -> RaisedEvent | None:
    """``kind`` as put to this role now, or None (its trigger is quiet, or no option would give an order)."""
    options = kind.options.get(m.role.id)
    if not options:
        return None
    cause = kind.trigger(m)
    if cause is None:
        return None
    choices = []
    for o in options:
        commands = o.build(m, cause.country)
        if commands is not None:
            choices.append(Choice(_(o.label), _(o.consequence), tuple(commands)))
    if not any(c.commands for c in choices):
        return None  # nothing to decide
    return RaisedEvent(m.now.month, kind.id, _(kind.title), cause.text, cause.country, tuple(choices))


def next_event(views: Sequence[MonthView], role: "Role", past: Sequence[tuple[int, str]]) -> RaisedEvent | None:
    """The event to put to the player after the latest month, if any: the first kind in the table whose
    trigger fires, not raised in its last ``cooldown`` months, and none at all within :data:`GAP_MONTHS`
    of the last event. ``past`` is the (month, id) of every event raised so far.

    Depends only on the views, the role and the past events, so a replay raises the same events.
    """
    if len(views) < 2:
        return None
    month = views[-1].month
    if past and month - max(p[0] for p in past) < GAP_MONTHS:
        return None
    m = Moment(tuple(views), role)
    for kind in KINDS:
        if any(k == kind.id and month - when < kind.cooldown for when, k in past):
            continue
        raised = raise_event(kind, m)
        if raised is not None:
            return raised
    return None
