"""The job's step rules over code-point offsets, read literally (design §1): paragraph, line,
sentence and given steps, each a list of (start, end) spans that tile the text. Shared by the
reference scorer and step_ends_from_groups.py; no other dependency.
"""
import re

SPACE = " \t\n\r\f\v"
ABBREVIATIONS = ["e.g.", "E.g.", "i.e.", "I.e.", "Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "St.", "vs.", "cf.", "etc.", "Fig.", "No."]


def spans_from_cuts(text, cuts):
    spans, start = [], 0
    for cut in sorted(set(cuts)):
        if cut > start:
            spans.append((start, cut))
            start = cut
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def paragraph(text):
    return spans_from_cuts(text, [m.end() for m in re.finditer(r"\n([ \t]*\n)+", text)])


def line(text):
    return spans_from_cuts(text, [i + 1 for i, c in enumerate(text) if c == "\n"])


def sentence(text):
    cuts = [m.end() for m in re.finditer(r"[ \t\n\r\f\v]+", text) if "\n" in m.group()]
    for m in re.finditer(r"[.!?]+(?:[ \t\n\r\f\v]+|\Z)", text):
        end_of_terminators = m.start() + len(m.group().rstrip(SPACE))
        head = text[:end_of_terminators]
        abbreviated = any(head.endswith(a) and (len(head) == len(a) or not head[-len(a) - 1].isalpha())
                          for a in ABBREVIATIONS)
        if not abbreviated:
            cuts.append(m.end())
    return spans_from_cuts(text, cuts)


def given(text, steps):
    assert "".join(steps) == text
    spans, at = [], 0
    for s in steps:
        if s:
            spans.append((at, at + len(s)))
        at += len(s)
    return spans
