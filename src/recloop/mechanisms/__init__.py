"""The mechanisms of the recursion loop, one module per row of DESIGN.md's table.

Each module holds small, pure, vectorised functions over arrays with a leading sample axis.
The engine (:mod:`recloop.engine`) wires them into the loop; nothing here keeps state.
"""
