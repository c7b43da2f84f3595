"""Bundled example data (two public-domain English texts and their letter tables); see README.txt."""
