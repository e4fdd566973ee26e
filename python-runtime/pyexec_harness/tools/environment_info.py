"""What the host must know of an interpreter's environment before installing into it.

Writes {"externallyManaged": bool, "virtual": bool, "prefix": str, "executable": str}."""

import json
import os
import sys
import sysconfig


def main(argv):
    virtual = sys.prefix != getattr(sys, "base_prefix", sys.prefix)
    marker = os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")
    sys.stdout.write(
        json.dumps(
            {
                # PEP 668: a virtual environment is never externally managed.
                "externallyManaged": not virtual and os.path.exists(marker),
                "virtual": virtual,
                "prefix": sys.prefix,
                "executable": sys.executable,
            }
        )
    )
