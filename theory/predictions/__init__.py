"""What the math predicts, computed exactly and never from a simulator: population minimisers,
M-estimation (sandwich covariance, second-order bias), the laws of CLAIMS and the in-context Bayes
limit. Everything runs in float64."""
