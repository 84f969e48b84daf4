"""The embedded lakehouse: Java, the Delta jars, and the folders a local run writes to."""
