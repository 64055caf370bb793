#!/usr/bin/env bash
# The user documentation stands alone and stays short:
#   - README.md has fewer than 500 lines;
#   - every relative link (and image) of README.md, CONTRIBUTING.md and
#     doc/*.md resolves to a file inside the repository, and a #anchor into a
#     markdown file names one of its headings (GitHub's anchors);
#   - none of them names METHOD.md, the method contract kept outside the
#     repository (doc/method.md says what is implemented).
# Links inside code (fenced blocks, `spans`) are not links and are skipped;
# http(s) and mailto links are not followed.  Needs no database, so it also
# runs on its own: test/checks/docs.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
exec python3 - "$top" <<'PY'
import os, re, sys, glob

top = os.path.realpath(sys.argv[1])
README_MAX_LINES = 500
problems = []

def strip_code(text):
    """The text without fenced code blocks and inline code spans (same line count)."""
    out, fence = [], None
    for line in text.split('\n'):
        m = re.match(r'\s*(```+|~~~+)', line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            out.append('')
            continue
        if m:
            fence = m.group(1)
            out.append('')
            continue
        out.append(re.sub(r'(`+)(.+?)\1', '', line))
    return out

def slug(heading):
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', heading)   # a link keeps its text
    text = re.sub(r'<[^>]+>', '', text).strip().lower()
    text = re.sub(r'[^\w\- ]', '', text)
    return text.replace(' ', '-')

anchor_cache = {}
def anchors(path):
    if path not in anchor_cache:
        with open(path, encoding='utf-8') as f:
            lines = f.read().split('\n')
        seen, result, fence = {}, set(), None
        for line in lines:
            m = re.match(r'\s*(```+|~~~+)', line)
            if fence:
                if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                    fence = None
                continue
            if m:
                fence = m.group(1)
                continue
            h = re.match(r'#{1,6}\s+(.*?)\s*#*\s*$', line)
            if not h:
                continue
            s = slug(h.group(1))
            n = seen.get(s, 0)
            seen[s] = n + 1
            result.add(s if n == 0 else '%s-%d' % (s, n))
        result.update(re.findall(r'<a\s+(?:name|id)="([^"]+)"', '\n'.join(lines)))
        anchor_cache[path] = result
    return anchor_cache[path]

def links(lines):
    """(line number, target) of every markdown link, image, reference definition and HTML href/src."""
    for no, line in enumerate(lines, 1):
        for m in re.finditer(r'!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)', line):
            yield no, m.group(1)
        m = re.match(r'\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$', line)
        if m:
            yield no, m.group(1)
        for m in re.finditer(r'\b(?:href|src)="([^"]*)"', line):
            yield no, m.group(1)

docs = [os.path.join(top, 'README.md'), os.path.join(top, 'CONTRIBUTING.md')]
docs += sorted(glob.glob(os.path.join(top, 'doc', '*.md')))
checked = 0
for doc in docs:
    rel = os.path.relpath(doc, top)
    if not os.path.isfile(doc):
        problems.append('%s is missing' % rel)
        continue
    with open(doc, encoding='utf-8') as f:
        text = f.read()
    if 'METHOD.md' in text:
        problems.append('%s names METHOD.md, which is not in the repository: link to doc/method.md instead' % rel)
    for no, target in links(strip_code(text)):
        checked += 1
        if re.match(r'[a-z][a-z0-9+.-]*:', target, re.I):
            if not re.match(r'(https?|mailto):', target, re.I):
                problems.append('%s:%d: %s: only http(s) and mailto links may leave the repository' % (rel, no, target))
            continue
        path, _, anchor = target.partition('#')
        dest = os.path.realpath(os.path.join(os.path.dirname(doc), path)) if path else doc
        if dest != top and not dest.startswith(top + os.sep):
            problems.append('%s:%d: %s points outside the repository' % (rel, no, target))
        elif not os.path.exists(dest):
            problems.append('%s:%d: %s: no such file' % (rel, no, target))
        elif anchor and dest.endswith('.md') and anchor not in anchors(dest):
            problems.append('%s:%d: %s: %s has no heading with anchor #%s'
                            % (rel, no, target, os.path.relpath(dest, top), anchor))

with open(os.path.join(top, 'README.md'), encoding='utf-8') as f:
    n = len(f.read().splitlines())
if n >= README_MAX_LINES:
    problems.append('README.md has %d lines: keep it under %d (move reference material to doc/)'
                    % (n, README_MAX_LINES))

if problems:
    print('[docs] FAILED:\n  ' + '\n  '.join(problems), file=sys.stderr)
    sys.exit(1)
print('[docs] README.md has %d lines; %d links of %d documents resolve inside the repository'
      % (n, checked, len(docs)))
PY
