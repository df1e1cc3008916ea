"""Words the screens show: lever groups and costs, the glossary, the keys.

Plain data (no pygame), kept apart so screens stay short and a test can
check that every lever has a group, a label and a cost. What a lever does
comes from ``agents.regime.LEVERS[...].doc``; what it costs is written here
from the model's mechanics (MODEL.md), and a lever the model does not use
says so.
"""

from __future__ import annotations

LEVER_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Chips", ("chip_controls", "controlled_tpp", "density_rule", "density_tpp_floor", "density_threshold",
               "variant_policy", "variant_fee", "foundry_rule", "hbm_controls")),
    ("Tier 2 rule", ("tier2_caps", "country_cap_h100e", "cap_release_h100e_per_month", "cap_period_months",
                     "g2g_cap_multiplier",
                     "lpp_limit_h100e", "lpp_counts_against_cap", "veu_program", "nveu_cap_h100e",
                     "uveu_min_tier1", "uveu_max_one_tier2", "uveu_min_us")),
    ("Enforcement", ("enforcement_budget_usd", "location_verification", "transit_cooperation_boost",
                     "huawei_guidance", "remote_access_controlled", "weights_controls", "weights_control_ops")),
)

SHORT_UNIT = {
    "USD/year": "$/yr", "H100e": "H100e", "H100e/month": "H100e/mo", "H100e/consignee/year": "H100e/yr",
    "TPP": "TPP", "TPP/mm^2": "TPP/mm²", "share": "0-1", "x": "×", "operations": "ops",
}

SHORT_LABEL = {
    "chip_controls": "Chip controls", "controlled_tpp": "Control line", "density_rule": "Density rule",
    "density_tpp_floor": "Density floor", "density_threshold": "Density line",
    "variant_policy": "Variants to Tier 3", "variant_fee": "Variant fee", "foundry_rule": "Foundry rule",
    "hbm_controls": "HBM controls", "tier2_caps": "Tier 2 caps", "country_cap_h100e": "Country cap",
    "cap_release_h100e_per_month": "Cap release", "cap_period_months": "Cap period", "g2g_cap_multiplier": "G2G multiplier",
    "lpp_limit_h100e": "Licence-free (LPP)", "lpp_counts_against_cap": "LPP uses cap",
    "veu_program": "Validated end users", "nveu_cap_h100e": "National VEU limits",
    "uveu_min_tier1": "UVEU min in Tier 1", "uveu_max_one_tier2": "UVEU max per T2",
    "uveu_min_us": "UVEU min in US", "enforcement_budget_usd": "Enforcement",
    "location_verification": "Location checks", "transit_cooperation_boost": "Transit diplomacy",
    "huawei_guidance": "Huawei guidance", "remote_access_controlled": "Remote access ban",
    "weights_controls": "Weight controls", "weights_control_ops": "Weights line",
}

COSTS = {
    "chip_controls": "Costs US vendors their Tier 3 sales; Tier 3 turns to smugglers and subsidises its own "
                     "chips.",
    "controlled_tpp": "Lower catches more chips and loses their sales; vendors redesign export variants to sit "
                      "just under the line.",
    "density_rule": "Catches chips cut down to dodge the line; loses the sales of those chips.",
    "density_tpp_floor": "A lower floor catches smaller chips too, and loses their sales.",
    "density_threshold": "A lower line catches more chips, and loses their sales.",
    "variant_policy": "Denying variants loses their Tier 3 sales and raises Tier 3's chip subsidies; a fee "
                      "earns revenue but sends compute to Tier 3.",
    "variant_fee": "A higher fee earns the government more per chip, and takes it from vendor revenue.",
    "foundry_rule": "Lifting it lets Tier 3 make its designs at leading-edge foundries (better yield).",
    "hbm_controls": "Lifting it frees Tier 3's domestic chips from its memory stockpile.",
    "tier2_caps": "Keeps chips from leaking through Tier 2; costs vendor revenue and Tier 2 goodwill, and "
                  "smugglers split orders under the licence-free allowance.",
    "country_cap_h100e": "A lower cap binds sooner: denied orders cost goodwill and push buyers to the grey "
                         "market.",
    "cap_release_h100e_per_month": "Releasing the cap gradually slows a rush, but buyers wait and goodwill "
                                   "suffers.",
    "cap_period_months": "A shorter period renews the caps sooner: more chips to Tier 2, fewer denied orders "
                         "and less lost goodwill.",
    "g2g_cap_multiplier": "A bigger reward for security agreements buys cooperation, and sends more chips to "
                          "Tier 2.",
    "lpp_limit_h100e": "Lower: smugglers need more shell companies (costlier, riskier); small legitimate "
                       "buyers lose their licence-free orders.",
    "lpp_counts_against_cap": "Closes the licence-free route around the cap; small orders then use up the "
                              "country's cap.",
    "veu_program": "Trusted data centres may import beyond the caps: keeps cloud operators building, puts "
                   "some compute outside Tier 1.",
    "nveu_cap_h100e": "Higher limits let national operators build more: more compute in Tier 2.",
    "uveu_min_tier1": "Keeps more compute in Tier 1: cloud operators build less abroad.",
    "uveu_max_one_tier2": "Spreads compute thinly: operators build less in any one Tier 2 country.",
    "uveu_min_us": "Keeps more of US cloud operators' compute at home: they build less abroad.",
    "enforcement_budget_usd": "Costs money (detection grows only with its square root); the enforcement "
                              "role is scored on it.",
    "location_verification": "Makes diverted chips easy to find; vendors and data centres bear the cost "
                             "(the enforcement role is charged $150M a year).",
    "transit_cooperation_boost": "Diplomatic effort with transit countries (the enforcement role is "
                                 "charged $500M a year per unit).",
    "huawei_guidance": "Stops Tier 3 selling its chips abroad; its foreign buyers need other chips.",
    "remote_access_controlled": "Know-your-customer checks turn most Tier 3 labs away from Tier 2 clouds; those clouds lose "
                                "the business.",
    "weights_controls": "Slows Tier 3 labs catching up through leaked closed weights; open weights still "
                        "diffuse.",
    "weights_control_ops": "A lower line controls more models' weights.",
}

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
