"""`python -m ttuplan.parse`: rebuild grammar/ttuplan.tables.json after the grammar changed.

Lark numbers its LALR states in an order that varies from run to run (sets of rule
objects); the tables are renumbered canonically before they are written
(`grammar._canonical`), so the same grammar gives the same bytes and a rebuild shows in a
diff only when the grammar changed. The tests check both the bytes and what they parse.
"""

from __future__ import annotations

import sys

from ttuplan.parse.grammar import TABLES_FILE, write_tables

write_tables()
sys.stdout.write(f"wrote {TABLES_FILE}\n")
