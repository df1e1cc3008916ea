"""The parts of the main screen, each with its own build, update and draw (issue #13).

``part.py`` (the :class:`Part` base and :class:`TabPanel`, a part shown by
a tab), ``topbar.py`` (clock controls and title), ``mapview.py`` (map,
flows, legend, hover, hit-testing), ``charts.py`` (the chart strip),
``news.py`` (the news feed), ``score.py`` (the score), and the tabs of the
right-hand panel: ``levers.py`` (a group of the lever registry, with the
Apply / Announce footer), ``policy.py`` (a government's own policies) and
``country.py`` (the selected country). ``panels_for`` makes the tabs a
role gets from its lever list and its policies. The main scene
(``game.ui.scenes.main``) lays them out and dispatches to them. Imports
pygame and the game package; nothing outside ``game.ui`` imports this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents.lang import N_
from agents.regime import LEVER_GROUPS
from game.ui.panels.charts import ChartView
from game.ui.panels.country import CountryPanel, country_lines
from game.ui.panels.draft import Draft
from game.ui.panels.levers import LeverPanel
from game.ui.panels.mapview import MapView
from game.ui.panels.news import NewsFeed
from game.ui.panels.part import Part, TabPanel
from game.ui.panels.policy import PolicyPanel
from game.ui.panels.score import ScorePanel
from game.ui.panels.topbar import TopBar

if TYPE_CHECKING:
    from game.ui.scenes.main import MainScene

__all__ = ["ChartView", "CountryPanel", "Draft", "LeverPanel", "MapView", "NewsFeed", "Part", "PolicyPanel",
           "ScorePanel", "TabPanel", "TopBar", "country_lines", "panels_for"]


POLICY, COUNTRY = N_("Policy"), N_("Country")
"""The tabs that are not lever groups. A tab's name is its key (English) and is shown through ``_``, as
the lever groups' names are."""


def panels_for(scene: "MainScene") -> dict[str, TabPanel]:
    """The tabs a role gets, in order, each with its panel.

    A government (a role with ``policies``) gets its own policies first,
    then its country, then the US rules it cannot change. Any other role
    gets the lever groups it can change first (from its lever list,
    narrowed by a lesson), then the others (read only), then Country.
    """
    session = scene.session
    groups = [g for g, _ in LEVER_GROUPS]
    editable = [g for g, levers in LEVER_GROUPS if any(l in session.levers for l in levers)]
    if session.role.policies:
        return {POLICY: PolicyPanel(scene, POLICY), COUNTRY: CountryPanel(scene, COUNTRY),
                **{g: LeverPanel(scene, g) for g in groups}}
    order = editable + [g for g in groups if g not in editable]
    return {**{g: LeverPanel(scene, g) for g in order}, COUNTRY: CountryPanel(scene, COUNTRY)}
