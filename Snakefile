# isingml: learn the phases of the 2D Ising model and read T_c off the networks.
# This file is an index; the rules live in workflow/rules/, one file per stage. Seconds-long
# jobs (tables, fits, figures) carry `localrule: True`: they run where Snakemake runs, since a
# cluster job for each would cost more in queueing than in work.
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


if LAYOUT.transfer.on:  # studies.transfer: networks trained on another lattice

    include: "workflow/rules/transfer.smk"


rule all:
    default_target: True
    input:
        get_final_outputs(),
    localrule: True
