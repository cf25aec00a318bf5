"""Imported assets: a user's model and motion folders, downloaded models, and the cache.

Pure logic here (numpy only): `normalise` fits a model to the story (real-world size, on the
ground, facing -Y, mass and collision figures), `library_index` indexes and searches a user's
folders, `cache` keeps downloads keyed by provider, prompt and parameters, `catalog` writes the
Asset Browser's catalog file.  `addon/blender/asset_import.py` brings a file into Blender.
"""
