"""Every file read and write of isingml: lattice shards (``shards``), results tables and
predictions (``results``), network checkpoints (``checkpoint``), all written atomically
(``atomic``)."""
