"""The cast stage's plain-data side: bodies, outfits, props, sets and their placement.

Nothing here imports Blender; `addon/blender/` turns these plans into objects.
"""
