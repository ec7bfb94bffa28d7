"""The checks of a configuration that ask its model (``isingml.lattices``): the lattice exists
with its couplings and takes every size; the networks' symmetry tools apply to it (D4
augmentation and the ecnn need the square's D4); its decimation makes the pairs (L, 2L) the
window-free networks cross; and the transfer study trains on another model than this run's.
Each fault is one ``config.ConfigError`` naming the key."""

from isingml import lattices
from isingml.config import ConfigError, check_windows, doubled_sizes
from isingml.errors import UserError


def check_lattice(config):
    """Every check of this module, on a validated configuration (defaults filled in)."""
    try:
        lattice = lattices.from_config(config)
    except UserError as err:  # "lattice.couplings: ..." from the lattice itself
        key, _, problem = str(err).partition(": ")
        raise ConfigError(key, problem) from None
    b = config["binder"]
    _check_sizes(lattice, (("lattice_sizes", config["lattice_sizes"]),
                           ("binder.lattice_sizes", b["lattice_sizes"]),
                           ("binder.scan.lattice_sizes", b["scan"]["lattice_sizes"])))  # fmt: skip
    _check_symmetries(config, lattice)
    if config["cnn_binder"]["enabled"] or config["studies"]["rg"]:
        check_decimation_pairs(lattice, b["lattice_sizes"])
    _check_transfer(config, lattice)


def _check_sizes(lattice, keyed_sizes):
    for key, sizes in keyed_sizes:
        for L in sizes:
            try:
                lattice.check_size(L, key="L")
            except UserError as err:
                raise ConfigError(key, str(err)) from None


def _check_symmetries(config, lattice):
    """D4 augmentation and the ecnn (Z2 x p4m) are built on the square's 8 symmetries: refused on
    a lattice whose point group is another (the triangular's D6, the honeycomb's D2, the
    anisotropic square's D2)."""
    if lattice.has_d4:
        return
    why = (f"the {lattice.describe()} lattice's point group is {lattice.point_group}, not the "
           "square's D4")  # fmt: skip
    if config["training"]["augment_d4"]:
        raise ConfigError("training.augment_d4", f"is true, but {why}; set it to false")
    if "ecnn" in config["models"]:
        raise ConfigError("models.ecnn", f"is built on the square's symmetries, but {why}; "
                          "remove it from models")  # fmt: skip
    studies = config["studies"]
    for key, on in (("studies.data_efficiency.enabled", studies["data_efficiency"]["enabled"]),
                    ("studies.filters", studies["filters"])):  # fmt: skip
        if on:
            raise ConfigError(key, f"is true, but this study trains the ecnn and the cnn with D4 "
                              f"augmentation, and {why}; set it to false")  # fmt: skip


def check_decimation_pairs(lattice, sizes, key="binder.lattice_sizes"):
    """The window-free networks cross U_phi of configurations of size L with those of size 2L
    decimated to L (``learning.decimation``, the lattice's own map): at least one pair (L, 2L)
    among the Binder sizes, and the lattice decimates each 2L."""
    pairs = doubled_sizes(sizes)
    if not pairs:
        raise ConfigError(key, f"{sorted(sizes)} holds no pair L, 2L: cnn_binder and rg cross "
                          "size L with 2L decimated to L; add such a pair, or set "
                          "cnn_binder.enabled and studies.rg to false")  # fmt: skip
    for L in pairs:
        try:
            lattice.check_decimation(2 * L)
        except UserError as err:
            raise ConfigError(key, f"{2 * L} cannot be paired with {L}: {err}") from None


def _check_transfer(config, lattice):
    """The transfer study's training model, its sizes and windows, and the networks it needs."""
    t = config["studies"]["transfer"]
    if not t.get("train"):
        return
    trained_on = lattices.get(t["train"])
    if trained_on == lattice:
        raise ConfigError("studies.transfer.train", f"{t['train']} is this run's own model: "
                          "the study trains on another lattice than the one it evaluates; "
                          "name another, or null to switch it off")  # fmt: skip
    if trained_on.dim != lattice.dim:
        raise ConfigError("studies.transfer.train", f"{t['train']} is {trained_on.dim}-"
                          f"dimensional, this run's {lattice.name} lattice {lattice.dim}-"
                          "dimensional: a network's filters take one dimension; name a "
                          "lattice of this run's, or null to switch it off")  # fmt: skip
    if "cnn" not in config["models"]:
        raise ConfigError("studies.transfer.train", "the study trains and evaluates CNNs: "
                          "add cnn to models (or set train: null)")  # fmt: skip
    _check_sizes(trained_on, (("lattice_sizes", config["lattice_sizes"]),))
    check_windows("studies.transfer.windows", t["windows"], t["temperatures"])
    Lt = config["cnn_binder"]["train_L"]
    if Lt not in config["lattice_sizes"]:
        raise ConfigError("cnn_binder.train_L", f"{Lt} is not one of lattice_sizes "
                          f"{config['lattice_sizes']}: the transfer study evaluates the networks "
                          "trained at this size on the Binder grid", ["lattice_sizes"])  # fmt: skip
    if config["binder"]["spins"] < 64:
        raise ConfigError("binder.spins", "the transfer study evaluates the networks on the "
                          "Binder grid's stored spins: keep at least 64")  # fmt: skip
