"""The join code of a hearing (参会码) and its QR code, shown on the projector: ``/j/<code>`` leads to the hearing's
public page.

The code is derived from the hearing's id (no table): the id, scrambled by an odd multiplier modulo 2**25 (a
bijection), written in five characters of an alphabet without look-alikes (no 0/O, 1/I/L). Hearing pages are public,
so the code hides nothing; it is only short and hard to mistype. The QR code is drawn on the server by segno as an
inline SVG (no script, no external service).
"""

from __future__ import annotations

import segno
from markupsafe import Markup

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 characters
_BASE = len(ALPHABET)
_LENGTH = 5
_SPACE = 2**25  # ids below 33.5 million: five characters (31**5 = 28.6 million values), a few six
_MULT = 0x2F5A3B1  # odd: invertible modulo 2**25
_INV = pow(_MULT, -1, _SPACE)


def _digits(value: int) -> str:
    out = []
    for _ in range(_LENGTH + 1):
        value, digit = divmod(value, _BASE)
        out.append(ALPHABET[digit])
    return "".join(reversed(out)).lstrip(ALPHABET[0]) or ALPHABET[0]


def code_for(hearing_id: int) -> str:
    """The hearing's join code: five or six characters, e.g. ``K7P4Q``."""
    if not 1 <= hearing_id < _SPACE:
        raise ValueError("hearing id out of the join codes' range")
    return _digits(hearing_id * _MULT % _SPACE).rjust(_LENGTH, ALPHABET[0])


def hearing_id_for(code: str) -> int | None:
    """The hearing id a code stands for (None for a string that is no code); lower case and spaces are fine."""
    code = "".join((code or "").split()).upper()
    if not _LENGTH <= len(code) <= _LENGTH + 1 or any(c not in ALPHABET for c in code):
        return None
    value = 0
    for c in code:
        value = value * _BASE + ALPHABET.index(c)
    if value >= _SPACE:
        return None
    hearing_id = value * _INV % _SPACE
    return hearing_id if hearing_id >= 1 and code_for(hearing_id) == code else None


def qr(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, scale: int = 6) -> Markup:
    """The QR code of ``url`` as an inline SVG element (dark modules on white, a quiet zone of four)."""
    code = qr(url)
    size = code.symbol_size(scale=scale, border=4)[0]
    svg = code.svg_inline(scale=scale, border=4, dark="#1a1a1a", light="#ffffff", title=f"扫码参与：{url}")
    # A viewBox, so that the drawing scales with the box it is shown in (segno writes a fixed size only).
    return Markup(svg.replace("<svg ", f'<svg viewBox="0 0 {size} {size}" role="img" ', 1))
