"""Independent, reproducible random streams.

Every stream is keyed on the seed and on what it is for (the country, the day, the
purpose), so a day's data does not depend on how many days come before it in the run.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Purpose(IntEnum):
    FLEET = 1
    LOAD = 2
    FAULTS = 3
    RESEND = 4
    FORCED_MALFORMED = 5


def stream(seed: int, purpose: Purpose, *keys: int) -> np.random.Generator:
    return np.random.default_rng([seed, int(purpose), *keys])
