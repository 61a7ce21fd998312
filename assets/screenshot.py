#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Render a terminal capture (tmux capture-pane -p -e) as an SVG screenshot.

    tmux capture-pane -p -e -t PANE | assets/screenshot.py COLS ROWS > out.svg

A maintainer's tool for the README's pictures; nothing builds or tests with it.
Understands the SGR attributes tmux emits: bold, reverse, 8/16/256 colours.
"""
import html
import re
import sys

BASE16 = ["#1e1e1e", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
          "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff"]
FG, BG = "#d4d4d4", "#1e1e1e"
CW, CH, FONT = 8.4, 17, 14


def colour(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)


def sgr(params, st):
    p = [int(x) if x else 0 for x in params.split(";")] if params else [0]
    i = 0
    while i < len(p):
        c = p[i]
        if c == 0:
            st.update(fg=None, bg=None, bold=False, rev=False)
        elif c == 1:
            st["bold"] = True
        elif c == 22:
            st["bold"] = False
        elif c == 7:
            st["rev"] = True
        elif c == 27:
            st["rev"] = False
        elif 30 <= c <= 37:
            st["fg"] = colour(c - 30)
        elif 90 <= c <= 97:
            st["fg"] = colour(c - 90 + 8)
        elif 40 <= c <= 47:
            st["bg"] = colour(c - 40)
        elif 100 <= c <= 107:
            st["bg"] = colour(c - 100 + 8)
        elif c == 39:
            st["fg"] = None
        elif c == 49:
            st["bg"] = None
        elif c in (38, 48) and i + 2 < len(p) and p[i + 1] == 5:
            st["fg" if c == 38 else "bg"] = colour(p[i + 2])
            i += 2
        i += 1


def main():
    cols, rows = int(sys.argv[1]), int(sys.argv[2])
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="DejaVu Sans Mono,Menlo,Consolas,monospace" font-size="%d">'
           % (cols * CW + 16, rows * CH + 16, FONT),
           '<rect width="100%%" height="100%%" rx="6" fill="%s"/>' % BG]
    for y, line in enumerate(sys.stdin.read().split("\n")[:rows]):
        st = dict(fg=None, bg=None, bold=False, rev=False)
        x = 0
        for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b]+)", line):
            if m.group(1) is not None:
                sgr(m.group(1), st)
                continue
            text = m.group(2)
            fg, bg = st["fg"] or FG, st["bg"]
            if st["rev"]:
                fg, bg = bg or BG, fg
            px, py = 8 + x * CW, 8 + y * CH
            if bg:
                out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>'
                           % (px, py, len(text) * CW, CH, bg))
            if text.strip():
                out.append('<text x="%.1f" y="%d" fill="%s"%s xml:space="preserve" '
                           'textLength="%.1f">%s</text>'
                           % (px, py + CH - 4, fg, ' font-weight="bold"' if st["bold"] else "",
                              len(text) * CW, html.escape(text)))
            x += len(text)
    out.append("</svg>")
    print("\n".join(out))


if __name__ == "__main__":
    main()
