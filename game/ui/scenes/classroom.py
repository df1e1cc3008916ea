"""Hot-seat classroom play: the class screen between turns, and a team's turn on the main screen.

Owns :class:`ClassScene` (the lesson, the round, whose turn it is, every
team's progress; Enter starts the turn, and after the last round a "class
finished" screen tells the teacher how to build the debrief) and
:class:`TurnScene` (the main screen for one team's round: when the round's
last month has been simulated, the team's save is written back and the
class screen returns). Whose turn it is and the saves belong to
:class:`game.classroom.HotSeat`; this module only shows them. Imports
pygame and the game package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from agents.lang import N_, _
from game.classroom import HotSeat, Team
from game.session import GameSession, SaveError, lever_label, make_role
from game.ui.scene import Scene
from game.ui.scenes.main import MainScene
from game.ui.scenes.menus import PauseScene, fit_label, role_label
from game.ui.style import panel

if TYPE_CHECKING:
    from game.ui.app import App


class ClassScene(Scene):
    """Between turns: the lesson, the round, whose turn it is; Enter starts it."""

    arrows_move_focus = True

    def __init__(self, app: "App", seat: HotSeat):
        super().__init__(app)
        self.seat = seat
        self.message = ""
        self.message_colour = app.palette.text
        self.months: dict[str, int] = {}
        self.current: Team | None = None
        self.round = 0
        self.target = 0
        self.problem = ""

    # ---- state (read from the team files here, never in draw) ---------------
    def refresh(self) -> None:
        try:
            self.months = self.seat.months()
            self.current = self.seat.current
            self.round = self.seat.round
            self.target = self.seat.target_month(self.current) if self.current else self.seat.last_month
            self.problem = ""
        except SaveError as exc:
            self.current, self.problem = None, str(exc)

    @property
    def finished(self) -> bool:
        return self.current is None and not self.problem

    def enter(self) -> None:
        self.refresh()
        self.focus_index = 0
        super().enter()

    def build_ui(self) -> None:
        W, H = self.app.size
        u = self.app.u
        bw, bh = u(360), u(44)
        x = W // 2 - bw // 2
        y = H - u(150)
        if self.current is not None:
            label = _("Start the turn: {team}").format(team=_(self.current.name))
            fit_label(self.button((x, y, bw, bh), label, self.start_turn,
                                  tooltip=_("The team plays this round from its own save (Enter)"),
                                  object_id="#primary"))
            y += bh + u(10)
        self.button((x, y, bw, bh), _("Quit"), self.quit, tooltip=_("Leave; every finished turn is saved (Q or Esc)"),
                    object_id="#menu_item")

    # ---- actions --------------------------------------------------------------
    def start_turn(self) -> None:
        team = self.current
        if team is None:
            return
        try:
            session = self.seat.load(team)
        except SaveError as exc:
            self.message, self.message_colour = (_("{team}: cannot load: {error}").format(team=_(team.name), error=exc),
                                                 self.app.palette.bad)
            return
        self.app.sim.set_speed(0)
        self.app.push(TurnScene(self.app, session, self.seat, team, self.target))

    def turn_ended(self, team: Team, path) -> None:
        self.message = _("{team} finished round {round}; saved to {path}.").format(team=_(team.name), round=self.round,
                                                                                   path=path)
        self.message_colour = self.app.palette.good

    def quit(self) -> None:
        self.app.running = False

    def handle_event(self, event: pygame.event.Event) -> bool:
        if super().handle_event(event):
            return True
        if event.type == pygame.KEYDOWN and not self.app.typing():
            if event.key in (pygame.K_q, pygame.K_ESCAPE):
                self.quit()
                return True
            if event.key == pygame.K_SPACE:
                self.start_turn()
                return True
        return False

    # ---- draw -----------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        W, H = self.app.size
        u, t, p = self.app.u, self.app.text, self.app.palette
        seat = self.seat
        rect = pygame.Rect(u(60), u(40), W - u(120), H - u(230))
        panel(surface, rect, p)
        x, y, w = rect.x + u(24), rect.y + u(18), rect.w - u(48)
        img = t.render(t.fit(_(seat.title), 26, w, True), 26, p.text, True)
        surface.blit(img, (x, y))
        y += img.get_height() + u(6)
        rules = seat.rules
        opened = (_(", ").join(lever_label(k) for k in rules.open_levers) if rules.open_levers
                  else _("every lever of each team's role"))
        sub = _("{rounds} rounds of {months} months, played in turns on this computer. Open levers: {levers}.").format(
            rounds=rules.rounds, months=rules.months_per_round, levers=opened)
        y += t.block(surface, sub, (x, y), w, 13, p.text_dim) + u(12)
        if self.problem:
            t.block(surface, _("A team's save cannot be read: {problem}").format(problem=self.problem), (x, y), w, 15,
                    p.bad)
        elif self.finished:
            img = t.render(_("Class finished"), 24, p.good, True)
            surface.blit(img, (x, y))
            y += img.get_height() + u(8)
            text = _("Every team has played all {rounds} rounds. Teacher: build the debrief with "
                     "`{command}` and open debrief/index.html.").format(
                rounds=rules.rounds, command=f"silicon-curtain class report {seat.folder} --out debrief/")
            y += t.block(surface, text, (x, y), w, 15, p.text) + u(12)
        else:
            img = t.render(_("Round {round} of {rounds}").format(round=self.round, rounds=rules.rounds), 22, p.text,
                           True)
            surface.blit(img, (x, y))
            y += img.get_height() + u(4)
            start = self.months.get(self.current.id, 0)
            role = role_label(make_role(self.current.role, self.current.country))
            text = _("Turn: {team} ({role}) plays months {start} to {end}. Press Enter to start; the turn ends by "
                     "itself at the end of the round.").format(team=_(self.current.name), role=role, start=start,
                                                               end=self.target)
            y += t.block(surface, text, (x, y), w, 15, p.warn) + u(12)
        for team in seat.teams:
            m = self.months.get(team.id, 0)
            mark = ">" if self.current is not None and team.id == self.current.id else " "
            done = m // rules.months_per_round
            role = role_label(make_role(team.role, team.country))
            line = mark + " " + _("{team} ({role}): month {month}, {done} of {rounds} rounds played").format(
                team=_(team.name), role=role, month=m, done=done, rounds=rules.rounds)
            img = t.render(t.fit(line, 14, w), 14, p.text if mark == ">" else p.text_dim)
            surface.blit(img, (x, y))
            y += img.get_height() + u(3)
        if self.message:
            t.block(surface, self.message, (rect.x, rect.bottom + u(8)), rect.w, 13, self.message_colour)
        keys = (_("Enter: quit") if self.current is None
                else _("Enter: start the turn   Tab/arrows: move   Q or Esc: quit"))
        hint = t.render(keys, 13, p.text_dim)
        surface.blit(hint, (W // 2 - hint.get_width() // 2, H - u(30)))


class TurnScene(MainScene):
    """One team's round on the main screen; at the round's end its save is written back."""

    def __init__(self, app: "App", session: GameSession, seat: HotSeat, team: Team, target: int):
        super().__init__(app, session)
        self.seat = seat
        self.team = team
        self.target = target
        self.debrief_shown = True  # the class screen, not the debrief, follows a turn
        self.turn_over = False

    def open_menu(self) -> None:
        self.app.sim.set_speed(0)
        self.app.push(TurnMenu(self.app, self))

    def update(self, dt: float) -> None:
        super().update(dt)
        if not self.turn_over and self.session.month >= self.target:
            self.end_turn()

    def _open_event(self, later: bool = False) -> None:
        """An event raised as the round ends waits for the team's next turn (it is asked again on load)."""
        if self.session.month < self.target:
            super()._open_event(later)

    def end_turn(self) -> None:
        self.turn_over = True
        self.app.sim.set_speed(0)
        try:
            path = self.seat.end_turn(self.session)
        except OSError as exc:
            self.turn_over = False  # try again next frame; the team's months stay on screen
            self.app.toast(_("{team}'s round not saved: {error}").format(team=_(self.team.name), error=exc),
                           self.app.palette.bad)
            return
        below = self.app.stack[-2] if len(self.app.stack) > 1 else None
        if isinstance(below, ClassScene):
            below.turn_ended(self.team, path)
        else:
            self.app.toast(_("{team}'s round saved to {path}").format(team=_(self.team.name), path=path),
                           self.app.palette.good)
        self.app.pop()


class TurnMenu(PauseScene):
    """The in-game menu during a turn: quitting abandons the turn and returns to the class screen."""

    def menu_items(self) -> list[tuple[str, object, str]]:
        """No loading another game or ending early mid-turn: the class decides when a round ends."""
        items = [i for i in super().menu_items()
                 if i[0] not in ("Load game", "End game: debrief", "What if? Branch from a month")]
        return [(N_("Abandon the turn"), self.quit, _("Back to the class screen; this turn's months are not saved (Q)"))
                if label == "Quit to title" else (label, action, tip) for label, action, tip in items]

    def menu_keys(self) -> dict:
        keys = super().menu_keys()
        keys.pop(pygame.K_l)
        keys.pop(pygame.K_b)
        keys.pop(pygame.K_d)
        return keys

    def quit(self) -> None:
        self.app.pop()  # this menu
        self.app.pop()  # the turn: its unsaved months are lost, the team's file is unchanged
        self.app.toast(_("{team}'s turn abandoned; its save is unchanged").format(team=_(self.main.team.name)),
                       self.app.palette.warn)
