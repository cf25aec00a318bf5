"""Camera coverage without Blender: the edit, camera placement and the framing maths.

`plan.plan_shots` turns a stage plan (and the subjects' tracks) into a `ShotPlan`; the
Blender glue (addon/blender/shoot_stage.py) builds the cameras and checks them in the
evaluated scene.
"""
