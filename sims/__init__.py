"""synthlaw.sims"""
