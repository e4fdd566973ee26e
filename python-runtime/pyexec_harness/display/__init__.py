"""Rich displays: the IPython display protocol (MIME bundles, display(), handles), without IPython."""
