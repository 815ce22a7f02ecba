"""`make test` skips the tests marked ``slow``, `make test-slow` runs only
them, `make test-all` both, and CI (``.ci/run``) runs both targets: every
test runs in CI."""
import configparser
import re
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[1]


def make_rules() -> Dict[str, List[str]]:
    """Makefile target -> its prerequisites and recipe lines (variables
    expanded one level, enough for this Makefile)."""
    text = (ROOT / 'Makefile').read_text().replace('\\\n', ' ')
    variables = dict(re.findall(r'^([A-Z_]+) [:?]?= (.*)$', text, re.M))
    rules, target = {}, None
    for line in text.splitlines():
        match = re.match(r'^([\w-]+):(?!=)(.*)$', line)
        if match:
            target = match.group(1)
            rules[target] = match.group(2).split()
        elif line.startswith('\t') and target:
            rules[target].append(re.sub(
                r'\$\((\w+)\)', lambda m: variables.get(m.group(1), ''),
                line.strip()))
        elif line.strip() and not line.startswith('#'):
            target = None
    return rules


def test_slow_marker_is_registered_and_strict():
    ini = configparser.ConfigParser()
    ini.read(ROOT / 'pytest.ini')
    assert re.search(r'^slow:', ini['pytest']['markers'], re.M)
    # a mistyped marker fails collection instead of running as a fast test
    assert '--strict-markers' in ini['pytest']['addopts'].split()


def test_fast_and_slow_targets_split_the_suite_and_ci_runs_both():
    rules = make_rules()
    fast = ' '.join(rules['test'])
    slow = ' '.join(rules['test-slow'])
    assert '-m "not slow"' in fast and 'pytest' in fast
    assert re.search(r'-m slow\b', slow) and 'pytest' in slow
    assert {'test', 'test-slow'} <= set(rules['test-all'])
    steps = [line.strip() for line in
             (ROOT / '.ci' / 'run').read_text().splitlines()
             if line.startswith('make ')]
    assert steps.index('make test') < steps.index('make test-slow')
