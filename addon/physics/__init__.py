"""Physics as plain data: materials, mass, fracture and ragdoll plans for the simulate stage.

Nothing here imports Blender; `addon/blender/` builds the rigid bodies and bakes them to keys.
"""
