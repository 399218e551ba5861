"""Statistics shared by claims and figures: intervals over seeds and the scaling-law fitter."""
