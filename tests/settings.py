"""Settings for the test run: production's own (omic.settings), with only what a test run
on this machine needs changed, before they are read:

- a fixed SECRET_KEY (production refuses to start without one; tests are not production);
- HTTPS off: the test client and live_server speak plain http on 127.0.0.1, so no
  redirect to https and no Secure-only cookies. tests/omic/test_security.py checks the
  production defaults (HTTPS on with DEBUG off) in a process of their own.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("HTTPS", "false")

from omic.settings import *  # noqa: E402, F403
