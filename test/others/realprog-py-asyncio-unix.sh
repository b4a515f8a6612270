#!/bin/bash
# A real program no one here wrote, round-tripped through dump and restore
# and checked through its own interface: see realprog/py-asyncio-unix.sh.
exec bash "$(dirname "$0")/realprog/py-asyncio-unix.sh" "$@"
