"""`python -m ttuplan.parse`: rebuild grammar/ttuplan.tables.json after the grammar changed.

Lark numbers its LALR states in an order that varies from run to run (sets of rule objects),
so two builds of the same grammar differ as text while parsing the same; the tests compare
what the tables parse, not their bytes.
"""

from __future__ import annotations

import sys

from ttuplan.parse.grammar import TABLES_FILE, write_tables

write_tables()
sys.stdout.write(f"wrote {TABLES_FILE}\n")
