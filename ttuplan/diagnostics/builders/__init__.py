"""The builders: one function per diagnostic code, named after its slug, in the module of
its family. Each takes the facts (spans, names, numbers) and words the diagnostic: its
message, label, notes and help are written here and nowhere else (tests/test_builders.py)."""
