"""RQ job functions and the worker processes that run them."""
