"""`make bench`: how fast and how lean the pipeline is, beside plain pm4py."""
