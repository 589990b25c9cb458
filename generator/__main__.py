"""`python -m generator` runs the `broadsheet` command."""

from generator.cli import main

# Guarded: a worker of the fork server imports the main module again, as `__mp_main__`.
if __name__ == "__main__":
    main()
