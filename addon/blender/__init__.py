"""Blender glue for the engine: small modules that take plain data and write it into Blender.

They receive `bpy.data`, a scene or objects as arguments; the story and screenplay logic they
store stays in the pure modules of `addon/`.
"""
