"""Motion as plain data: the canonical skeleton, clips, and the maths that makes and edits them.

Nothing here imports Blender; `addon/blender/` writes the results as actions.
"""
