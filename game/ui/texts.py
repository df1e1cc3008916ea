"""Words the screens show: the glossary and the keys.

Plain data (no pygame), kept apart so screens stay short. A lever's tab,
labels, cost and step are in its ``agents.regime.LEVERS`` entry. Words are
English catalogue keys marked with ``N_`` (the tables are read at import,
before a language is chosen): screens show them through ``_()``. Acronyms
and key names stay as they are.
"""

from __future__ import annotations

from agents.lang import N_

GLOSSARY: tuple[tuple[str, str], ...] = (
    ("H100e", N_("H100-equivalent: one unit of compute equal to an NVIDIA H100's dense 16-bit throughput "
                 "(15,832 TPP). Every chip is counted in H100e, so old and domestic chips add up with new ones.")),
    ("TPP", N_("Total Processing Performance: 2 x MacTOPS x bit length, summed over a chip's processing units. "
               "US rules control chips by TPP (4,800 or more since October 2022).")),
    (N_("Performance density"), N_("TPP divided by die area (mm²). Since October 2023 a chip of TPP 1,600 or more "
                                  "with density 5.92 or more is controlled too, closing the A800/H800 gap.")),
    (N_("Tier 1"), N_("The US and 18 close allies under the Diffusion Rule: almost no limits on AI chips.")),
    (N_("Tier 2"), N_("Most countries: a country cap on licensed imports (about 50,000 H100e through 2027), a "
                     "licence-free allowance per customer, and more for validated end users.")),
    (N_("Tier 3"), N_("China, Russia, Iran and other arms-embargoed countries: advanced chips effectively denied.")),
    (N_("Diffusion Rule"), N_("The Framework for AI Diffusion, published 13 January 2025, to bind on 15 May 2025; "
                             "rescinded on 13 May 2025.")),
    (N_("Country cap"), N_("The licensed controlled compute a Tier 2 country may import over the rule's period. "
                          "When it binds, further licences are denied.")),
    ("LPP", N_("Low Processing Performance allowance: a licence-free quota of about 1,700 H100e per customer "
               "per year for Tier 2, outside the country cap.")),
    (N_("Structuring"), N_("Splitting a large order into many small ones, each under the licence-free allowance, "
                          "through shell companies. Lower the allowance and smugglers need more shells.")),
    ("VEU", N_("Validated End User: a data-centre operator vetted for security that may import beyond the caps. "
               "Universal VEUs (UVEU, Tier 1 companies) keep most compute in Tier 1; national VEUs (NVEU) have "
               "their own limits.")),
    (N_("G2G agreement"), N_("A government-to-government security agreement: the US doubles a Tier 2 country's "
                            "cap in return for controls against diversion. The US signs only with countries that "
                            "cooperate against transshipment.")),
    (N_("Bilateral deal"), N_("A promise that a country may import a set amount of controlled compute a year "
                             "outside its cap (the 2025 UAE and Saudi deals).")),
    (N_("Export variant"), N_("A chip designed to sit just under a control threshold (A800, H800, H20) so it can "
                             "still be sold to China.")),
    (N_("Grey market / premium"), N_("Chips sold outside the rules. Tier 3's unmet demand sets a premium over "
                                    "list price; when it pays, smuggling networks open.")),
    (N_("Smuggling network"), N_("Shell companies in transit hubs (Singapore, Malaysia, Thailand, ...) that buy "
                                "controlled chips and ship them on to Tier 3. Each shipment may be caught.")),
    (N_("Seizure"), N_("A smuggled or diverted shipment caught by enforcement. Detection grows with the square root "
                      "of the enforcement budget, with location verification and with the hub's cooperation.")),
    (N_("Diversion"), N_("A legitimate Tier 2 buyer passing some of its chips on to Tier 3.")),
    (N_("Stockpiling"), N_("Buying ahead of an announced restriction. The longer the warning, the bigger the rush.")),
    (N_("Domestic chips"), N_("Chips designed in Tier 3 (Huawei Ascend): worse, more power-hungry and limited by "
                             "foundry capacity and high-bandwidth memory, but growing with subsidies.")),
    ("HBM", N_("High-bandwidth memory, stacked beside AI chips. Controlled since December 2024: Tier 3's "
               "domestic chips depend on its stockpile and its own slow production.")),
    (N_("Huawei guidance"), N_("May 2025 guidance that using Huawei Ascend chips anywhere may break US export "
                              "rules: Tier 3's foreign buyers walk away.")),
    (N_("Frontier gap"), N_("How many months the best Tier 3 lab trails the best US lab, measured in months of "
                           "frontier compute growth (negative: Tier 3 leads).")),
    (N_("Remote access"), N_("Tier 3 labs renting compute in data centres abroad instead of importing chips.")),
    (N_("Goodwill"), N_("How a government feels about the US (0 to 1). Falls when its orders are denied; low "
                       "goodwill lowers its cooperation against transshipment.")),
    (N_("Cooperation"), N_("How much a transit country enforces against smuggling (0 to 1). Follows goodwill.")),
    (N_("Seed"), N_("The number that fixes every random draw: the same scenario, seed and orders give exactly the "
                   "same game.")),
    ("BIS", N_("Bureau of Industry and Security: the office of the US Commerce Department that writes export "
               "rules, licenses exports and enforces them (the enforcement role plays its enforcement side).")),
    ("ECCN", N_("Export Control Classification Number: the code that puts an item under a control; advanced AI "
                "chips are 3A090.")),
    ("UVEU / NVEU", N_("Universal and national validated end users: see VEU.")),
    ("KYC", N_("Know your customer: cloud operators checking who rents their compute, the remote-access control.")),
    ("SMIC", N_("Semiconductor Manufacturing International Corporation, China's leading foundry: it makes "
                "Huawei's Ascend chips on its 7 nm-class lines.")),
    ("TSMC", N_("Taiwan Semiconductor Manufacturing Company, which makes the leading US AI chips; before the "
                "foundry rule it made dies for Huawei through shell companies (the die bank).")),
    ("FP16", N_("16-bit floating point, the number format AI training mostly uses; chips' speeds are compared in "
                "dense FP16 operations per second.")),
    ("AI", N_("Artificial intelligence; here, the large models trained on thousands of accelerator chips.")),
    ("FY", N_("Fiscal year: the US government's budget year (FY2026 runs October 2025 to September 2026).")),
)

KEYS: tuple[tuple[str, str], ...] = (
    (N_("Space"), N_("pause / resume")),
    (N_("N or ."), N_("step one month")),
    ("1  2  3", N_("speed: 1, 2 or 4 months a second")),
    ("M", N_("map colouring (five views)")),
    ("C", N_("next page of charts")),
    ("Tab / Shift+Tab", N_("move between controls")),
    ("Enter", N_("press the focused button or edit a value")),
    (N_("Left / Right"), N_("lower / raise the focused value")),
    ("A", N_("apply your changes now")),
    ("PgUp / PgDn", N_("previous / next panel tab")),
    ("[  ]  L", N_("earlier / later month; back to live")),
    ("B", N_("looking back: branch a what-if from that month")),
    ("Ctrl+S", N_("save")),
    ("Esc", N_("menu: save, load, settings, debrief")),
    ("F1", N_("glossary, from any screen")),
    ("F12", N_("save a screenshot")),
)
