"""Every file read and write of isingml: lattice shards (``shards``), the training data of
many shards (``datasets``), results tables and
predictions (``results``), network checkpoints (``checkpoint``), all written atomically
(``atomic``)."""
