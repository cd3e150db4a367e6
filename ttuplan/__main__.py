"""`python -m ttuplan`: the same as the `ttuplan` command."""

from ttuplan.cli import entry

entry()
