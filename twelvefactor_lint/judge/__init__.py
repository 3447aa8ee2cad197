"""Judge: the rule catalogue, the engine that turns facts into findings, suppressions and the baseline."""
