"""hydrobridge.meshes: periodic boxes, sheet-pair geometries, mesh files and point location (docs/theory.md §1, §4).

The public API: periodic_interval, periodic_rectangle, PeriodicMesh, tag_facets (periodic boxes, built
distributed: no rank holds the global mesh); sheet_pair_mesh,
SheetPair, SHEET_A, SHEET_B, ELECTRODE_LEFT, ELECTRODE_RIGHT (sheet pairs); read_mesh, write_mesh,
distribute, gmsh_sheet_pair, TaggedMesh (mesh files); locate_cells (which owned cell holds a point).
"""

from hydrobridge.meshes.io import TaggedMesh, distribute, gmsh_sheet_pair, read_mesh, write_mesh
from hydrobridge.meshes.locate import locate_cells
from hydrobridge.meshes.periodic import PeriodicMesh, periodic_interval, periodic_rectangle, tag_facets
from hydrobridge.meshes.sheets import ELECTRODE_LEFT, ELECTRODE_RIGHT, SHEET_A, SHEET_B, SheetPair, sheet_pair_mesh

__all__ = [
    "ELECTRODE_LEFT", "ELECTRODE_RIGHT", "PeriodicMesh", "SHEET_A", "SHEET_B", "SheetPair", "TaggedMesh",
    "distribute", "gmsh_sheet_pair", "locate_cells", "periodic_interval", "periodic_rectangle", "read_mesh",
    "sheet_pair_mesh", "tag_facets", "write_mesh",
]
