"""recloop.lab: the collapse lab. Real recursive-training experiments that calibrate the engine's
data-pollution (model-collapse) law.

* :mod:`recloop.lab.gaussian`: Gaussian fit-and-resample (Shumailov et al. 2024, Theorem 3.1);
* :mod:`recloop.lab.regression`: linear regression on its own predictions (Gerstgrasser et al. 2024);
* :mod:`recloop.lab.charlm`: a character n-gram model trained on its own text, on real corpora;
* :mod:`recloop.lab.sweep`: sweeps and plots; :mod:`recloop.lab.calibrate`: the law's fit and the
  scenario fragment ``calibration.toml`` shipped beside this file.
"""

from recloop.lab.common import LabResult, LoopSetup

__all__ = ["LabResult", "LoopSetup"]
