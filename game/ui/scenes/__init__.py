"""The scenes of the game (see ``game.ui.scene`` for their lifecycle)."""

from game.ui.scenes.debrief import DebriefScene
from game.ui.scenes.event import EventScene
from game.ui.scenes.main import MainScene
from game.ui.scenes.menus import (BriefingScene, GlossaryScene, LoadScene, PauseScene, PickerScene,
                                  SettingsScene, TitleScene)

__all__ = ["BriefingScene", "DebriefScene", "EventScene", "GlossaryScene", "LoadScene", "MainScene", "PauseScene",
           "PickerScene", "SettingsScene", "TitleScene"]
