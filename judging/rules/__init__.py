"""Pure rules of blind judging: plain data in, plain data out, never the session.

solver (who judges what), aggregation (discrepancy rule, calibration, prizes and ties),
reliability (how far judges agree), leakscan (does a copy reveal its author), blind (codes and
clean pictures), charts (the score distribution as SVG)."""
