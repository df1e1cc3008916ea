"""The event card: a pressure event put to the player over the map, one button per option.

Owns :class:`EventScene`, pushed by the main screen when the session raises
an event. The clock is paused while it is open and the player must choose
(keys 1, 2, 3 or a click); the choice goes through ``GameSession.choose``,
so an option the role or the model would refuse is shown greyed with the
reason. Imports pygame and the game package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from agents.lang import _
from agents.words import month_text
from game.session import prepare
from game.ui.scene import Scene
from game.ui.style import panel, veil

if TYPE_CHECKING:
    from game.ui.app import App
    from game.ui.scenes.main import MainScene

KEYS = (pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_KP1, pygame.K_KP2, pygame.K_KP3)
TITLE, BODY, SMALL = 18, 13, 12


class EventScene(Scene):
    """A decision the game waits for: the event's title, its cause and its options."""

    opaque = False
    arrows_move_focus = True

    def __init__(self, app: "App", main: "MainScene", resume_speed: int = 0):
        super().__init__(app)
        self.main = main
        self.session = main.session
        self.event = main.session.pending_event
        self.resume_speed = resume_speed
        self.status = ""
        self.card = pygame.Rect(0, 0, 0, 0)
        self.rows: list[tuple[pygame.Rect, str, bool]] = []  # (text rect under a button, text, available)

    # ---- layout ------------------------------------------------------------
    def details(self, i: int) -> tuple[str, bool]:
        """What option ``i`` does, in words, and whether it can be chosen (else why not)."""
        choice = self.event.choices[i]
        problem = self.session.option_problem(i)
        if problem:
            return _("Not possible now: {problem}").format(problem=problem), False
        orders = _("; ").join(self.session.describe(prepare(self.session.role, c)) for c in choice.commands)
        if not orders:
            return choice.consequence, True
        return _("{consequence} ({orders})").format(consequence=choice.consequence, orders=orders), True

    def build_ui(self) -> None:
        u, t = self.app.u, self.app.text
        W, H = self.app.size
        area = self.main.L.map if self.main.L is not None else pygame.Rect(0, 0, W, H)
        w = min(max(area.w - u(40), u(420)), u(640), W - u(20))
        inner = w - u(40)
        h = u(18) + t.line_height(SMALL, True) + t.block_height(self.event.title, TITLE, inner, True)
        h += u(6) + t.block_height(self.event.cause, BODY, inner) + u(10)
        texts = [self.details(i) for i in range(len(self.event.choices))]
        btn_h = u(32)
        for text, _ in texts:
            h += btn_h + u(3) + t.block_height(text, SMALL, inner - u(12)) + u(8)
        h += t.line_height(SMALL) + u(16)
        self.card = pygame.Rect(0, 0, w, h)
        self.card.center = area.center
        top = self.main.L.top.bottom if self.main.L is not None else 0  # the date and clock stay in view
        self.card.clamp_ip(pygame.Rect(u(10), top + u(6), W - u(20), H - top - u(16)))
        x = self.card.x + u(20)
        y = self.card.y + u(18) + t.line_height(SMALL, True) + t.block_height(self.event.title, TITLE, inner, True)
        y += u(6) + t.block_height(self.event.cause, BODY, inner) + u(10)
        self.rows = []
        for i, (choice, (text, ok)) in enumerate(zip(self.event.choices, texts)):
            b = self.button((x, y, inner, btn_h), f"{i + 1}   {choice.label}", lambda i=i: self.choose(i),
                            tooltip=choice.consequence, enabled=ok, object_id="#menu_item")
            b._focus_key = f"option{i}"
            y += btn_h + u(3)
            th = t.block_height(text, SMALL, inner - u(12))
            self.rows.append((pygame.Rect(x + u(12), y, inner - u(12), th), text, ok))
            y += th + u(8)
        if self.focus_index is None:
            self.focus_index = 0 if self.focus_ring else None

    # ---- actions -----------------------------------------------------------
    def choose(self, i: int) -> None:
        """Answer with option ``i``: its orders are submitted, the card closes and the clock resumes."""
        result = self.session.choose(i)
        p = self.app.palette
        if not result.ok:
            self.status = self.session.refusal_text(result.reason)
            self.rebuild()
            return
        label = self.event.choices[i].label
        orders = self.event.choices[i].commands
        text = _("{title}: {choice}.").format(title=self.event.title, choice=label)
        if orders:
            text = _("{answered} {confirmation}").format(answered=text,
                                                         confirmation=self.session.order_confirmation(orders[0]))
        self.main.status = (text, p.good)
        self.app.sim.set_speed(self.resume_speed)
        self.app.pop()

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and not self.app.typing():
            if event.key in KEYS:
                i = KEYS.index(event.key) % 3
                if i < len(self.event.choices):
                    self.choose(i)
                return True
            if event.key == pygame.K_ESCAPE:
                self.status = _("The game waits for your decision: press 1, 2 or 3, or click an option.")
                return True
        return super().handle_event(event)

    # ---- draw --------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        u, t, p = self.app.u, self.app.text, self.app.palette
        veil(surface, 110)
        r = self.card
        panel(surface, r, p)
        pygame.draw.rect(surface, p.warn, r, 2)
        x, y, inner = r.x + u(20), r.y + u(12), r.w - u(40)
        head = _("Decision, {date}: the game waits for you").format(date=month_text(self.session.view.date))
        surface.blit(t.render(t.fit(head, SMALL, inner, True), SMALL, p.warn, True), (x, y))
        y += t.line_height(SMALL, True) + u(6)
        y += t.block(surface, self.event.title, (x, y), inner, TITLE, p.text, bold=True)
        y += u(6)
        t.block(surface, self.event.cause, (x, y), inner, BODY, p.text)
        for rect, text, ok in self.rows:
            t.block(surface, text, rect.topleft, rect.w, SMALL, p.text_dim if ok else p.bad)
        n = len(self.event.choices)
        keys = ", ".join(str(k + 1) for k in range(n - 1))
        hint = self.status or _("Press {keys} or {last}, or click an option.").format(keys=keys, last=n)
        img = t.render(t.fit(hint, SMALL, inner), SMALL, p.warn if self.status else p.text_dim)
        surface.blit(img, (x, r.bottom - u(10) - img.get_height()))
