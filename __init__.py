"""synthlaw: verify the theory of synthetic oversampling and augmentation by simulation."""

__version__ = "0.1.0"
