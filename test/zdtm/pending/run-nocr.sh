#!/bin/bash
# Build the pending zdtm tests and run them in nocr mode (no checkpoint):
#   test/zdtm/pending/run-nocr.sh [-t NAME ...] [runner options]
set -e
cd "$(dirname "$0")/../../.."
make -s -f Makefile -f test/zdtm/pending/Makefile.inc zdtm-pending
exec python3 test/zdtm.py run --zdtm --zdtm-dir test/zdtm/pending --mode nocr "$@"
