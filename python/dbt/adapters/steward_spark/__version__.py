from steward import __version__

version = __version__
