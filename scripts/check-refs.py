#!/usr/bin/env python3
"""Checks that every reference in the tree resolves inside the repository.

    scripts/check-refs.py [ROOT]

Three kinds of reference are checked in every tracked text file (and every
untracked one git does not ignore, so a new file is checked before its commit):

  - requirement ids (`R-B6`, `R-I6a`): each must be an entry of
    docs/requirements.md (a list item that starts with the id in bold);
  - section references (the sign § and a number): each must name its document, as in
    `requirements §8.1` or `onoffice-protocol §5.4, §5.5` (a list or range
    continues the named document: `onoffice-protocol §10.1–§10.3`), and the
    section must be a numbered heading of that document. Inside the numbered
    documents themselves a bare `§n` means the same document. `RFC 3339 §5.6`
    names a public standard and is accepted as it is;
  - the names of documents that are not in the repository (the specification
    and the notes this project started from): a reference to them cannot be
    followed by anyone who clones the repository.

Prints one line per reference that does not resolve (file:line: why: text) and
exits 1 if there is any; else prints a summary and exits 0. Python standard
library only; run by run-tests.
"""
import os
import re
import subprocess
import sys

# The numbered documents a section reference may name, by the name used in references.
DOCS = {
    "requirements": "docs/requirements.md",
    "onoffice-protocol": "docs/onoffice-protocol.md",
}
REQUIREMENTS = DOCS["requirements"]

# Documents the project started from that are not part of it (spelled so that this
# file does not name them itself).
OUTSIDE = ["spec", "onoffice-api", "design", "style"]

SKIP_PREFIXES = ("fuzz/corpus/",)
SKIP_NAMES = ("package-lock.json",)

REQ_ID = re.compile(r"(?<![\w-])R-[A-Z][0-9]+[a-z]?(?![\w])")
REQ_ENTRY = re.compile(r"^\s*[-*]\s+\*\*(R-[A-Z][0-9]+[a-z]?)\*\*")
HEADING = re.compile(r"^#{1,6}\s+([0-9]+(?:\.[0-9]+)*)\.?\s")
SECTION = r"§\s?[0-9]+(?:\.[0-9]+)*"
# Between words of a reference: blanks, or a line break with a comment leader.
GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*(?:\*|//|#|--)?[ \t]*)"
JOIN = rf"{GAP}?(?:,|/|–|-|and|or|to){GAP}?"
NAMED = re.compile(
    rf"(?<![\w/-])(?P<doc>(?:docs/)?(?:{'|'.join(map(re.escape, DOCS))})(?:\.md)?|RFC{GAP}[0-9]+)"
    rf"{GAP}(?P<chain>{SECTION}(?:{JOIN}{SECTION})*)")
ONE_SECTION = re.compile(r"§\s?([0-9]+(?:\.[0-9]+)*)")
CHAIN = re.compile(rf"{SECTION}(?:{JOIN}{SECTION})*")
OUTSIDE_NAME = re.compile(
    rf"(?<![\w/.-])(?:{'|'.join(map(re.escape, OUTSIDE))})\.md(?![\w])")


def tracked_files(root):
    try:
        out = subprocess.run(
            ["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True, check=True).stdout.decode()
        names = sorted({n for n in out.split("\0") if n})
    except (OSError, subprocess.CalledProcessError):
        names = []
        for d, dirs, files in os.walk(root):
            rel = os.path.relpath(d, root)
            dirs[:] = [x for x in dirs if not x.startswith((".", "build")) and
                       x not in ("node_modules", "demo")]
            names += [os.path.normpath(os.path.join(rel, f)) for f in files]
    return [n for n in names if not n.startswith(SKIP_PREFIXES) and
            os.path.basename(n) not in SKIP_NAMES and os.path.isfile(os.path.join(root, n))]


def read_text(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
        if b"\0" in data:
            return None
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def doc_name(token):
    name = token[5:] if token.startswith("docs/") else token
    return name[:-3] if name.endswith(".md") else name


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def excerpt(text, pos):
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start:end if end >= 0 else len(text)].strip()[:160]


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), ".."))
    sections, problems = {}, []
    for name, path in DOCS.items():
        text = read_text(os.path.join(root, path))
        if text is None:
            problems.append(f"{path}: missing: the document section references name")
            sections[name] = set()
            continue
        sections[name] = {m.group(1) for line in text.splitlines()
                          if (m := HEADING.match(line))}
    req_text = read_text(os.path.join(root, REQUIREMENTS)) or ""
    entries = [m.group(1) for line in req_text.splitlines() if (m := REQ_ENTRY.match(line))]
    defined = set(entries)
    for dup in sorted({i for i in entries if entries.count(i) > 1}):
        problems.append(f"{REQUIREMENTS}: {dup} is listed more than once")

    n_ids = n_secs = n_files = 0
    for rel in tracked_files(root):
        text = read_text(os.path.join(root, rel))
        if text is None:
            continue
        n_files += 1
        for m in REQ_ID.finditer(text):
            n_ids += 1
            if m.group(0) not in defined:
                problems.append(f"{rel}:{line_of(text, m.start())}: {m.group(0)} is not a "
                                f"requirement of {REQUIREMENTS}: {excerpt(text, m.start())}")
        covered = set()
        for m in NAMED.finditer(text):
            doc = m.group("doc")
            covered.update(range(m.start("chain"), m.end("chain")))
            if doc.startswith("RFC"):
                continue
            name = doc_name(doc)
            for s in ONE_SECTION.finditer(m.group("chain")):
                n_secs += 1
                if s.group(1) not in sections[name]:
                    problems.append(f"{rel}:{line_of(text, m.start())}: {DOCS[name]} has no "
                                    f"section {s.group(1)}: {excerpt(text, m.start())}")
        self_doc = next((n for n, p in DOCS.items() if p == rel), None)
        for m in CHAIN.finditer(text):
            if m.start() in covered:
                continue
            for s in ONE_SECTION.finditer(m.group(0)):
                pos = m.start() + s.start()
                n_secs += 1
                if self_doc is None:
                    problems.append(f"{rel}:{line_of(text, pos)}: §{s.group(1)} names no "
                                    f"document (write e.g. 'onoffice-protocol §{s.group(1)}'"
                                    f" or 'requirements §{s.group(1)}'): {excerpt(text, pos)}")
                elif s.group(1) not in sections[self_doc]:
                    problems.append(f"{rel}:{line_of(text, pos)}: no section {s.group(1)} in "
                                    f"this document: {excerpt(text, pos)}")
        for m in OUTSIDE_NAME.finditer(text):
            problems.append(f"{rel}:{line_of(text, m.start())}: {m.group(0)} is not in the "
                            f"repository (cite docs/requirements.md, docs/onoffice-protocol.md, "
                            f"ARCHITECTURE.md or CODE_STYLE.md): {excerpt(text, m.start())}")
    for p in problems:
        print(p)
    if problems:
        print(f"check-refs: {len(problems)} reference(s) do not resolve", file=sys.stderr)
        return 1
    print(f"check-refs: {n_ids} requirement ids ({len(defined)} requirements) and {n_secs} "
          f"section references in {n_files} files resolve")
    return 0


if __name__ == "__main__":
    sys.exit(main())
