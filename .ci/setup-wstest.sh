#!/usr/bin/env bash
# Install Autobahn|Testsuite's `wstest` (Python 2.7 only) into $WSTEST_HOME (default /tmp/wstest),
# where .ci/wstest.py looks for it: a Python 2.7 virtualenv from pyenv, with the testsuite from
# PyPI. Does nothing when it is already there. (../shared/tools/wstest.sh sets up the same tree,
# or a Debian chroot where no Python 2.7 exists.)
set -euo pipefail
home=${WSTEST_HOME:-/tmp/wstest}
[ -x "$home/venv2/bin/wstest" ] && { echo "wstest already installed in $home"; exit 0; }
py2=$(ls /root/.pyenv/versions/2.7.*/bin/python2.7 2>/dev/null | head -n1 || true)
if [ -z "$py2" ]; then
    echo "no Python 2.7 under pyenv: run ../shared/tools/wstest.sh once (it builds a Debian chroot)" >&2
    exit 1
fi
mkdir -p "$home"
{
    PYTHONUSERBASE="$home/py2user" "$py2" -m pip install -q --user 'virtualenv<20.22'
    PYTHONUSERBASE="$home/py2user" "$home/py2user/bin/virtualenv" -q -p "$py2" "$home/venv2"
    "$home/venv2/bin/pip" install -q autobahntestsuite==25.10.1
} >"$home/setup.log" 2>&1 || { tail -20 "$home/setup.log" >&2; exit 1; }
echo "wstest installed: $home/venv2/bin/wstest"
