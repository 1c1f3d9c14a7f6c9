"""Charts in one house style (matplotlib Figures, Vietnamese or English; see :mod:`.style`)."""
from . import style
from .ranking import decomposition, gate_pass_rates, ranking

__all__ = ["style", "ranking", "decomposition", "gate_pass_rates"]
