"""Turns sentence groups from an LLM into step ends the job reads (scoring.segmenter = step-ends).

An LLM that groups a response's numbered sentences into reasoning steps answers with lists of
sentence indices, e.g. [[0, 1], [2], [3, 4, 5]]. Its echo of the text is not used (echoes corrupt
LaTeX and drop sentences); only the indices are, against the response itself:

  python3 src/main/python/step_ends_from_groups.py IN.jsonl OUT.jsonl \
      [--groups sentence_groups] [--sentences sentences] [--response response] [--step-ends step_ends]

Each JSON line of IN gets a `step_ends` array (code-point offsets into the response, strictly
increasing, the last equal to its length) and is written to OUT with every other field kept.

- The sentences the indices count are the row's `sentences` field when it has one (the texts the
  LLM was shown, in order; each is found in the response after the previous one, and the white
  space between two sentences belongs to the first), else the job's own `sentence` rule.
- A step ends after the last sentence of its group; the last step ends at the response's end.
  Sentences that no group names join the step that follows them (the last step, at the end).
- Groups must name existing sentences in increasing order, each group after the one before it.
  A row whose groups do not (or whose sentences are not found in the response) gets
  `step_ends = null` and a `step_ends_error` saying why: the job then gives it status
  `steps_missing` and scores the rest.
"""
import argparse
import json
import sys

from segmenters import sentence


class GroupError(ValueError):
    pass


def sentence_spans(response, sentences):
    """(start, end) code-point spans of the sentences: given texts located in order, or the rule."""
    if sentences is None:
        return sentence(response)
    spans, at = [], 0
    for i, s in enumerate(sentences):
        found = response.find(s, at) if s else at
        if found < 0:
            raise GroupError(f"sentence {i} is not in the response after sentence {i - 1}")
        spans.append((found, found + len(s)))
        at = found + len(s)
    return spans


def step_ends(response, groups, sentences=None):
    spans = sentence_spans(response, sentences)
    if not isinstance(groups, list) or not groups:
        raise GroupError("sentence_groups is not a non-empty list of lists")
    ends, last = [], -1
    for g, group in enumerate(groups):
        if not isinstance(group, list) or not group or not all(isinstance(i, int) for i in group):
            raise GroupError(f"group {g} is not a non-empty list of sentence indices")
        if group != sorted(group) or len(set(group)) != len(group):
            raise GroupError(f"group {g} is not in increasing order")
        if group[0] <= last:
            raise GroupError(f"group {g} starts at sentence {group[0]}, not after sentence {last}")
        if group[-1] >= len(spans):
            raise GroupError(f"group {g} names sentence {group[-1]}; the response has {len(spans)}")
        last = group[-1]
        # The step takes the white space up to the next sentence's start.
        ends.append(spans[last + 1][0] if last + 1 < len(spans) else len(response))
    ends[-1] = len(response)
    # A group whose text is all white space, or one behind an empty sentence, adds no step end.
    out = []
    for e in ends:
        if e > 0 and (not out or e > out[-1]):
            out.append(e)
    return out


def convert(row, args):
    response = row.get(args.response)
    groups = row.get(args.groups)
    try:
        if not isinstance(response, str):
            raise GroupError(f"{args.response} is not a string")
        row[args.step_ends] = step_ends(response, groups, row.get(args.sentences))
        row.pop("step_ends_error", None)
    except GroupError as e:
        row[args.step_ends] = None
        row["step_ends_error"] = str(e)
    return row


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--groups", default="sentence_groups", help="field with the lists of sentence indices")
    p.add_argument("--sentences", default="sentences", help="field with the numbered sentence texts (optional)")
    p.add_argument("--response", default="response")
    p.add_argument("--step-ends", dest="step_ends", default="step_ends", help="field to write")
    args = p.parse_args(argv)
    rows = errors = 0
    with open(args.input, encoding="utf-8") as src, open(args.output, "w", encoding="utf-8") as out:
        for line in src:
            if not line.strip():
                continue
            row = convert(json.loads(line), args)
            rows += 1
            errors += row.get("step_ends_error") is not None
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {rows} rows to {args.output}; {errors} without step ends (see step_ends_error)")


if __name__ == "__main__":
    main(sys.argv[1:])
