"""Arithmetic word problems and step-by-step answers in several styles.

Shared by make_demo_student.py (the student's own style, which it is trained on) and
make_demo_corpus.py (four teachers with distinct styles). Everything is driven by an explicit
random.Random, so the same seed gives the same text on every machine.
"""
import random

NAMES = ["Mia", "Leo", "Ava", "Noah", "Zoe", "Omar", "Lena", "Ravi", "Ines", "Kofi",
         "Yuki", "Sara", "Tom", "Nia", "Ivan", "Maya", "Eli", "Rosa", "Jun", "Ada"]
ITEMS = ["apples", "stickers", "marbles", "books", "pencils", "coins", "cookies", "stamps",
         "shells", "cards", "eggs", "beads", "plums", "tickets", "buttons", "nuts"]


class Problem:
    """A word problem made of a start amount and two or three operations on it."""

    def __init__(self, name, friend, item, start, ops):
        self.name, self.friend, self.item, self.start, self.ops = name, friend, item, start, ops

    def values(self):
        """The running amount after each operation: [start, v1, v2, ...]."""
        out = [self.start]
        for op, n in self.ops:
            v = out[-1]
            out.append(v + n if op == "buy" else v - n if op == "give" else v * n if op == "double" else v // n)
        return out

    @property
    def answer(self):
        return self.values()[-1]

    def text(self):
        parts = [f"{self.name} has {self.start} {self.item}."]
        for op, n in self.ops:
            if op == "buy":
                parts.append(f"{self.name} buys {n} more.")
            elif op == "give":
                parts.append(f"{self.name} gives {n} to {self.friend}.")
            elif op == "double":
                parts.append(f"Then the number of {self.item} is multiplied by {n}.")
            else:
                parts.append(f"Then {self.name} shares them equally into {n} boxes and keeps one box.")
        parts.append(f"How many {self.item} does {self.name} have now?")
        return " ".join(parts)


def make_problem(rng):
    name, friend = rng.sample(NAMES, 2)
    item = rng.choice(ITEMS)
    start = rng.randint(5, 60)
    ops, v = [], start
    for _ in range(rng.randint(2, 3)):
        kind = rng.choice(["buy", "buy", "give", "give", "double", "share"])
        if kind == "buy":
            n = rng.randint(2, 30)
            v += n
        elif kind == "give" and v > 2:
            n = rng.randint(1, v - 1)
            v -= n
        elif kind == "double" and v <= 50:
            n = rng.randint(2, 4)
            v *= n
        elif kind == "share" and v >= 4:
            divisors = [d for d in range(2, 6) if v % d == 0]
            if not divisors:
                continue
            n = rng.choice(divisors)
            v //= n
        else:
            n = rng.randint(2, 20)
            kind = "buy"
            v += n
        ops.append((kind, n))
    if len(ops) < 2:
        ops.append(("buy", 3))
    return Problem(name, friend, item, start, ops)


SYMBOL = {"buy": "+", "give": "-", "double": "*", "share": "/"}


def equation(a, op, n, b):
    return f"{a} {SYMBOL[op]} {n} = {b}"


def student_answer(p, rng):
    """The student's own style: one short step per operation, blank lines between steps."""
    vals = p.values()
    steps = [f"{p.name} starts with {p.start} {p.item}."]
    for (op, n), a, b in zip(p.ops, vals, vals[1:]):
        verb = {"buy": f"buys {n} more", "give": f"gives away {n}", "double": f"multiplies them by {n}",
                "share": f"keeps one of {n} equal boxes"}[op]
        steps.append(rng.choice([f"{p.name} {verb}: {equation(a, op, n, b)}.",
                                 f"Then {equation(a, op, n, b)}, since {p.name} {verb}.",
                                 f"After that, {equation(a, op, n, b)}."]))
    steps.append(f"The answer is {p.answer}.")
    return "\n\n".join(steps)


def concise_answer(p, rng):
    vals = p.values()
    steps = [f"{equation(a, op, n, b)}." for (op, n), a, b in zip(p.ops, vals, vals[1:])]
    steps.append(f"The answer is {p.answer}.")
    return "\n\n".join(steps)


def verbose_answer(p, rng):
    vals = p.values()
    steps = [f"Let's read the problem carefully. At the start, {p.name} has {p.start} {p.item}, "
             f"and we need to follow every change to that number."]
    for (op, n), a, b in zip(p.ops, vals, vals[1:]):
        if op == "buy":
            why = f"{p.name} buys {n} more {p.item}, so the amount goes up by {n}"
        elif op == "give":
            why = f"{p.name} gives {n} {p.item} to {p.friend}, so the amount goes down by {n}"
        elif op == "double":
            why = f"the number of {p.item} is multiplied by {n}"
        else:
            why = f"the {p.item} are split into {n} equal boxes and {p.name} keeps one of them"
        steps.append(f"Next, {why}. That means {equation(a, op, n, b)}. "
                     f"So now {p.name} has {b} {p.item}.")
    steps.append(f"Let me check the result by going back through the steps: each operation was "
                 f"applied in order, ending at {p.answer}.")
    steps.append(f"The answer is {p.answer}.")
    return "\n\n".join(steps)


def looping_answer(p, rng):
    """Restates earlier steps again and again, as long traces often do."""
    vals = p.values()
    first = f"{p.name} starts with {p.start} {p.item}."
    steps = [first]
    done = []
    for (op, n), a, b in zip(p.ops, vals, vals[1:]):
        line = f"{p.name} {'buys' if op == 'buy' else 'gives away' if op == 'give' else 'applies'} {n}: {equation(a, op, n, b)}."
        steps.append(line)
        done.append(line)
        steps.append("Wait, let me re-read the problem. " + first + " " + " ".join(done))
    steps.append("Let me go over it once more. " + first + " " + " ".join(done))
    steps.append(f"So, again, the answer is {p.answer}.")
    return "\n\n".join(steps)


def garble(text, rng, rate):
    out = []
    for ch in text:
        r = rng.random()
        if r < rate / 2 and ch.isalpha():
            continue
        if r < rate and ch.isalpha():
            out.append(rng.choice("qxzjkvw"))
            continue
        out.append(ch)
    return "".join(out)


def sloppy_answer(p, rng, wrong):
    """Skips steps, drops words and garbles letters; sometimes the arithmetic is off."""
    vals = p.values()
    steps = []
    pairs = list(zip(p.ops, vals, vals[1:]))
    for i, ((op, n), a, b) in enumerate(pairs):
        if i == 0 and len(pairs) > 2 and rng.random() < 0.5:
            continue  # skips a step
        shown = b + rng.choice([-3, -1, 1, 2]) if wrong and i == len(pairs) - 1 else b
        steps.append(garble(f"{'ok so' if i == 0 else 'then'} {a}{SYMBOL[op]}{n} is {shown}", rng, 0.12))
    final = steps[-1].split()[-1]
    steps.append(garble(f"answr {final} i think", rng, 0.1))
    return "\n\n".join(steps)
