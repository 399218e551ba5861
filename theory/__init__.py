"""synthlaw.theory"""
