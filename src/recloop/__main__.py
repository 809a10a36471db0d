"""``python -m recloop``: the same command line as the ``recloop`` script."""

from recloop.cli import main

if __name__ == "__main__":  # pragma: no branch
    main()
