"""The replicate experiments: simulate, generate, fit, score. Each builds a replicate function
for the one sweep engine (sims/engine/sweep.py). Nothing here imports a prediction."""
