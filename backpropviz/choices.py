"""The values the looks options take, named once: the command, its help and completion, the
Python API and the renderers read them here (a light module, so a --json run that never
draws still imports no renderer)."""

from __future__ import annotations

from .messages_en import MESSAGES

__all__ = ["THEME_ABOUT", "THEME_NAMES", "ENGINES", "DIRECTIONS", "EXPLAIN_PASSES",
           "DIAGRAM_DECIMALS", "FRAME_MS", "SLIDES", "SLIDE_DPI", "SLIDE_MARGIN_PX", "SLIDE_TEXT_PX",
           "DEFAULT_TEXT_PX", "COLLAPSE"]

#: Theme -> what it looks like (render.dot.THEMES holds their styles, in this order; the
#: words are the message catalogues' ``theme.NAME``, so --help --lang zh says them too).
THEME_ABOUT = {name: MESSAGES[f"theme.{name}"] for name in ("classic", "dark", "print", "safe")}
THEME_NAMES = tuple(THEME_ABOUT)
ENGINES = ("auto", "dot", "embedded")  # render.engines says what each is
DIRECTIONS = ("LR", "TB")  # inputs on the left, or at the top
EXPLAIN_PASSES = ("forward", "backward", "both")
DIAGRAM_DECIMALS = 2  # the figures' 2 decimals, as in CS231n
FRAME_MS = 1200  # how long a GIF lesson shows each frame, by default
#: --slide: the slide's shape -> its size in pixels (a 1080p projector; 4:3 as 1440x1080).
SLIDES = {"16:9": (1920, 1080), "4:3": (1440, 1080)}
#: A slide PNG's pixels an inch: 1920 across a 13.33-inch 16:9 slide, 1440 across a 10-inch
#: 4:3 one (PowerPoint's, Keynote's and Google Slides' sizes), so it pastes slide-wide.
SLIDE_DPI = 144
SLIDE_MARGIN_PX = 60  # kept clear around the diagram on a slide
SLIDE_TEXT_PX = 24  # the smallest text readable from the back of a lecture room
DEFAULT_TEXT_PX = 16  # a picture fitted to 1920x1080 keeps its text this big (see --no-wrap)
COLLAPSE = ("statements",)  # --collapse: what one node of a diagram stands for
