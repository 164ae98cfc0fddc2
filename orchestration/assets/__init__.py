"""Asset modules, one per stage of the data flow; definitions.py lists them."""
