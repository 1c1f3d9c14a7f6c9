"""The stages of :func:`emusim.simulate`, one module each, in data-flow order.

==========================  =========================================================
:mod:`emusim.sim.config`    the calibration file: parameters, patterns, anchors, rankings
:mod:`emusim.sim.units`     the registry as the simulation sees it (geography, weights)
:mod:`emusim.sim.fit`       least-squares fit of each province's curves to its anchors
:mod:`emusim.sim.curves`    trajectories: adoption curves, completion events, counts
:mod:`emusim.sim.merger`    the July 2025 merger (``apply_merger``, coverage)
:mod:`emusim.sim.report`    the calibration report (``calibration_report``)
==========================  =========================================================

The public names stay importable from :mod:`emusim.simulate` and :mod:`emusim`.
"""
