"""`python -m generator` runs the `broadsheet` command."""

from generator.cli import main

main()
