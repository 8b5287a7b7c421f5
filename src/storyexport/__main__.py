"""`python -m storyexport` runs the command line."""

from .cli import main

main()
