"""synthlaw.figures"""
