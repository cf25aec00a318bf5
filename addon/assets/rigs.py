"""Which known humanoid rig an imported armature is, under whatever prefix its exporter gave.

The retargeter (`motion/retarget.py`) knows rigs by exact bone names ("mixamorig:Hips"), but
Mixamo exports also come as "mixamorig1:Hips", "mixamorig_Hips" or plain "Hips" depending on
the tool that last saved them.  `humanoid_renames` matches bone names without that prefix and
says which bones to rename so the retargeter finds the rig.
"""
from __future__ import annotations

import re

from ..motion.retarget import MAPPINGS, Mapping

_PREFIX = re.compile(r"^(?:[^:|]*[:|])?(?:mixamorig\d*_)?")


def plain_name(name: str) -> str:
    """A bone name without its namespace prefix, lower case: "mixamorig1:LeftArm" -> "leftarm"."""
    return _PREFIX.sub("", name, count=1).lower()


def humanoid_renames(names) -> tuple[Mapping, dict[str, str]] | None:
    """The known rig these bone names make up and the renames {name in file: name the
    retargeter expects} it needs ({} when the names already match); None for no known rig."""
    names = list(names)
    by_plain: dict[str, str] = {}
    for name in names:
        by_plain.setdefault(plain_name(name), name)
    for mapping in MAPPINGS:
        wanted = [bone for pair in mapping.bones.values() for bone in pair if bone]
        if all(w in names or plain_name(w) in by_plain for w in wanted):
            renames = {by_plain[plain_name(w)]: w for w in dict.fromkeys(wanted)
                       if w not in names}
            return mapping, renames
    return None
