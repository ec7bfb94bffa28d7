# isingml: learn the phases of the 2D Ising model and read T_c off the networks.
# This file is an index; the rules live in workflow/rules/, one file per stage.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/learn.smk"
include: "workflow/rules/analyze.smk"
include: "workflow/rules/studies.smk"
include: "workflow/rules/figures.smk"


# Seconds-long jobs (tables, fits, figures) run where Snakemake runs, not as cluster jobs: a
# SLURM job for each would cost more in queueing than in work. No effect on a workstation.
localrules:
    all,
    studies,
    crossing,
    shortcut,
    confusion_peaks,
    fss,
    compare,
    efficiency_table,
    figure_p_ordered,
    figure_tc_extrapolation,
    figure_binder,
    figure_magnetization,
    figure_accuracy,
    figure_lattices,
    figure_shortcut,
    figure_confusion,
    figure_cnn_binder,
    figure_rg,
    figure_pca,
    figure_data_efficiency,
    figure_filters,


rule all:
    default_target: True
    input:
        get_final_outputs(),
