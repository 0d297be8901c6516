"""`python -m demo [--out DIR] [--scale county|national] [--seed N]`: the same command as
`python -m pipelines demo` (contract.md §1)."""
import sys

from pipelines import cli

if __name__ == "__main__":
    sys.exit(cli.main(["demo", *sys.argv[1:]]))
