"""A recording stand-in for Blender's UILayout, for drawing panels without a window.

Blender draws panels, menus and preferences only in a window; the snippet `RECORDER` (run in
a Blender process after `import bpy`) defines `Layout`, which records what a draw() uses and
checks every property, operator, operator setting, UI list and icon name against Blender's
RNA into `problems`, and `Host(real)`, which stands in for the panel instance.  `drawn` lists
the labels, properties and operators drawn.
"""

RECORDER = '''
problems, drawn = [], []
ICONS = set(bpy.types.UILayout.bl_rna.functions["label"].parameters["icon"].enum_items.keys())


def check_icon(icon):
    if icon not in ICONS:
        problems.append(f"icon {icon}")


class OperatorProps:
    """What `layout.operator()` returns: setting an unknown operator property is a problem."""

    def __init__(self, idname, rna):
        object.__setattr__(self, "_idname", idname)
        object.__setattr__(self, "_names", set(rna.properties.keys()) if rna else set())

    def __setattr__(self, name, value):
        if name not in self._names:
            problems.append(f"operator {self._idname} has no property {name}")
        drawn.append(f"{self._idname}.{name}={value}")


class Layout:
    def __getattr__(self, name):        # use_property_split, active, enabled, scale_y, ...
        problems.append(f"layout.{name} is not recorded")
        return None

    def __setattr__(self, name, value):
        pass

    def row(self, **kw): return Layout()
    def column(self, **kw): return Layout()
    def box(self): return Layout()
    def split(self, **kw): return Layout()
    def grid_flow(self, **kw): return Layout()
    def column_flow(self, **kw): return Layout()
    def separator(self, **kw): pass

    def template_list(self, listtype, list_id, data, name, active_data, active_name, **kw):
        if not hasattr(bpy.types, listtype):
            problems.append(f"UIList {listtype}")
        for owner, prop in ((data, name), (active_data, active_name)):
            if prop not in owner.bl_rna.properties:
                problems.append(f"property {prop} of {owner}")
        drawn.append(listtype)

    def label(self, text="", icon='NONE', **kw):
        check_icon(icon)
        drawn.append(text)

    def progress(self, factor=0.0, type='BAR', text=""):
        drawn.append(f"progress {factor:.2f} {text}")

    def prop(self, data, name, icon='NONE', **kw):
        check_icon(icon)
        if name not in data.bl_rna.properties:
            problems.append(f"property {name} of {data}")
        drawn.append(name)

    def operator(self, idname, icon='NONE', **kw):
        check_icon(icon)
        module, op = idname.split(".")
        rna = None
        if op not in dir(getattr(bpy.ops, module)):
            problems.append(f"operator {idname}")
        else:
            rna = getattr(getattr(bpy.ops, module), op).get_rna_type()
        drawn.append(idname)
        return OperatorProps(idname, rna)


class Host:
    """Stands in for a panel, menu or preferences instance: a recording layout, the rest from
    the real class or object."""

    def __init__(self, real):
        self.layout, self._real = Layout(), real

    def __getattr__(self, name):
        return getattr(self._real, name)
'''
