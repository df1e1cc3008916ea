"""The pygame front end: the only package that imports pygame or pygame_gui.

Nothing is imported here, so ``import game.ui`` stays cheap; ``game.play_cli``
imports ``game.ui.app`` only when a window (or a headless screenshot) is wanted.
"""
