"""The render stage's plain-data side: presets, frame selection and chunks, render jobs for
local workers and render farms (Open Job Description), shot lists and the storyboard layout.
Nothing here imports Blender; addon/blender/render_stage.py writes it into the scene."""
