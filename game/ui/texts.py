"""Words the screens show: the glossary and the keys.

Plain data (no pygame), kept apart so screens stay short. A lever's tab,
labels, cost and step are in its ``agents.regime.LEVERS`` entry.
"""

from __future__ import annotations

GLOSSARY: tuple[tuple[str, str], ...] = (
    ("H100e", "H100-equivalent: one unit of compute equal to an NVIDIA H100's dense 16-bit throughput "
              "(15,832 TPP). Every chip is counted in H100e, so old and domestic chips add up with new ones."),
    ("TPP", "Total Processing Performance: 2 x MacTOPS x bit length, summed over a chip's processing units. "
            "US rules control chips by TPP (4,800 or more since October 2022)."),
    ("Performance density", "TPP divided by die area (mm²). Since October 2023 a chip of TPP 1,600 or more "
                            "with density 5.92 or more is controlled too, closing the A800/H800 gap."),
    ("Tier 1", "The US and 18 close allies under the Diffusion Rule: almost no limits on AI chips."),
    ("Tier 2", "Most countries: a country cap on licensed imports (about 50,000 H100e through 2027), a "
               "licence-free allowance per customer, and more for validated end users."),
    ("Tier 3", "China, Russia, Iran and other arms-embargoed countries: advanced chips effectively denied."),
    ("Diffusion Rule", "The Framework for AI Diffusion, published 13 January 2025, to bind on 15 May 2025; "
                       "rescinded on 13 May 2025."),
    ("Country cap", "The licensed controlled compute a Tier 2 country may import over the rule's period. "
                    "When it binds, further licences are denied."),
    ("LPP", "Low Processing Performance allowance: a licence-free quota of about 1,700 H100e per customer "
            "per year for Tier 2, outside the country cap."),
    ("Structuring", "Splitting a large order into many small ones, each under the licence-free allowance, "
                    "through shell companies. Lower the allowance and smugglers need more shells."),
    ("VEU", "Validated End User: a data-centre operator vetted for security that may import beyond the caps. "
            "Universal VEUs (UVEU, Tier 1 companies) keep most compute in Tier 1; national VEUs (NVEU) have "
            "their own limits."),
    ("G2G agreement", "A government-to-government security agreement: the US doubles a Tier 2 country's "
                      "cap in return for controls against diversion. The US signs only with countries that "
                      "cooperate against transshipment."),
    ("Bilateral deal", "A promise that a country may import a set amount of controlled compute a year "
                       "outside its cap (the 2025 UAE and Saudi deals)."),
    ("Export variant", "A chip designed to sit just under a control threshold (A800, H800, H20) so it can "
                       "still be sold to China."),
    ("Grey market / premium", "Chips sold outside the rules. Tier 3's unmet demand sets a premium over "
                              "list price; when it pays, smuggling networks open."),
    ("Smuggling network", "Shell companies in transit hubs (Singapore, Malaysia, Thailand, ...) that buy "
                          "controlled chips and ship them on to Tier 3. Each shipment may be caught."),
    ("Seizure", "A smuggled or diverted shipment caught by enforcement. Detection grows with the square root "
                "of the enforcement budget, with location verification and with the hub's cooperation."),
    ("Diversion", "A legitimate Tier 2 buyer passing some of its chips on to Tier 3."),
    ("Stockpiling", "Buying ahead of an announced restriction. The longer the warning, the bigger the rush."),
    ("Domestic chips", "Chips designed in Tier 3 (Huawei Ascend): worse, more power-hungry and limited by "
                       "foundry capacity and high-bandwidth memory, but growing with subsidies."),
    ("HBM", "High-bandwidth memory, stacked beside AI chips. Controlled since December 2024: Tier 3's "
            "domestic chips depend on its stockpile and its own slow production."),
    ("Huawei guidance", "May 2025 guidance that using Huawei Ascend chips anywhere may break US export "
                        "rules: Tier 3's foreign buyers walk away."),
    ("Frontier gap", "How many months the best Tier 3 lab trails the best US lab, measured in months of "
                     "frontier compute growth (negative: Tier 3 leads)."),
    ("Remote access", "Tier 3 labs renting compute in data centres abroad instead of importing chips."),
    ("Goodwill", "How a government feels about the US (0 to 1). Falls when its orders are denied; low "
                 "goodwill lowers its cooperation against transshipment."),
    ("Cooperation", "How much a transit country enforces against smuggling (0 to 1). Follows goodwill."),
    ("Seed", "The number that fixes every random draw: the same scenario, seed and orders give exactly the "
             "same game."),
    ("BIS", "Bureau of Industry and Security: the office of the US Commerce Department that writes export "
            "rules, licenses exports and enforces them (the enforcement role plays its enforcement side)."),
    ("ECCN", "Export Control Classification Number: the code that puts an item under a control; advanced AI "
             "chips are 3A090."),
    ("UVEU / NVEU", "Universal and national validated end users: see VEU."),
    ("KYC", "Know your customer: cloud operators checking who rents their compute, the remote-access control."),
    ("SMIC", "Semiconductor Manufacturing International Corporation, China's leading foundry: it makes "
             "Huawei's Ascend chips on its 7 nm-class lines."),
    ("TSMC", "Taiwan Semiconductor Manufacturing Company, which makes the leading US AI chips; before the "
             "foundry rule it made dies for Huawei through shell companies (the die bank)."),
    ("FP16", "16-bit floating point, the number format AI training mostly uses; chips' speeds are compared in "
             "dense FP16 operations per second."),
    ("AI", "Artificial intelligence; here, the large models trained on thousands of accelerator chips."),
    ("FY", "Fiscal year: the US government's budget year (FY2026 runs October 2025 to September 2026)."),
)

KEYS: tuple[tuple[str, str], ...] = (
    ("Space", "pause / resume"),
    ("N or .", "step one month"),
    ("1  2  3", "speed: 1, 2 or 4 months a second"),
    ("M", "map colouring (five views)"),
    ("C", "next page of charts"),
    ("Tab / Shift+Tab", "move between controls"),
    ("Enter", "press the focused button or edit a value"),
    ("Left / Right", "lower / raise the focused value"),
    ("A", "apply your changes now"),
    ("PgUp / PgDn", "previous / next panel tab"),
    ("[  ]  L", "earlier / later month; back to live"),
    ("B", "looking back: branch a what-if from that month"),
    ("Ctrl+S", "save"),
    ("Esc", "menu: save, load, settings, debrief"),
    ("F1", "glossary, from any screen"),
    ("F12", "save a screenshot"),
)
