"""synthlaw.models"""
