"""The forked strategy: a template process forks one child per call (see template.py)."""
