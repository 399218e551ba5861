"""Scorers shared by predictions and experiments: the exact risk of a given rule (closed forms,
Gauss-Hermite quadrature), the closed-form KL of a next-point Gaussian, and the quality metrics of
synthetic rows. Nothing here simulates or predicts."""
