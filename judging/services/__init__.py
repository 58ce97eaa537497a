"""The verbs of blind judging, one module per concern. Each takes the session and model
objects or plain values, may flush, never commits; the pure rules in `judging.rules` do the
computing.

    stages      stages, rubric, prize ladder, which entries a stage judges
    panel       judges, head judge, conflicts, a judge leaving the panel
    blinding    codes, judges' copies, leak flags redacted or cleared
    assigning   opening a stage, the assignment, one judge more, release
    scoring     scores, the discrepancy rule per entry, head judge, recusal, reopening
    results     a stage's results, closing a stage
    prizes      prizes, ties at a boundary
    lifecycle   finalisation
    reports     progress, export, official results and awards
"""
