"""Governance: the halt regimes of the essay's three structural conditions and its realist reading.

* :mod:`~recloop.governance.presets` - capability tripwires written from published frameworks;
* :mod:`~recloop.governance.monitoring` - chip registration, reporting thresholds, covert-cluster
  detection per period;
* :mod:`~recloop.governance.stop` - hardware stop protocols (licence expiry, multi-party start
  switches, networking caps) with latency and reliability;
* :mod:`~recloop.governance.costs` - compliance costs (fixed + proportional) and the private
  gain from defecting from a pause against the expected sanction.

The engine reads these through the policy's ``monitoring``, ``treaty``, ``compliance`` and
``strategies`` levers and the scenario's ``actors`` and ``jurisdictions``.
"""


def _register() -> None:
    from recloop.governance.actors import MultiActor
    from recloop.hooks import register_actor_layer

    register_actor_layer(MultiActor)


_register()
