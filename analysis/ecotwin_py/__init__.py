"""ecotwin plot and report (matplotlib); see common.py for the rules."""
